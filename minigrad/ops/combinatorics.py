"""Tuples of elements: cartesian_prod (every tuple, one element from each input) and
combinations (r-element subsets of one input, in lexicographic order of positions).

Both pick elements by position, so they are a meshgrid or an index_select and their
gradient adds g back to each element once per tuple it appears in.
"""

import itertools

import numpy as np

from minigrad.ops.indexing import index_select
from minigrad.ops.movement import reshape, stack
from minigrad.ops.stacking import meshgrid, tensor_list
from minigrad.tensor import Tensor


def _check_1d(op, tensors):
    if any(t.ndim != 1 for t in tensors):
        shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
        raise ValueError(f"{op}: expected 1-D tensors, got shapes {shapes}")


def cartesian_prod(*tensors):
    """torch.cartesian_prod: rows (a_i, b_j, ...) for every i, j, ... (the last input varies
    fastest), shape (Π n_k, k); one input comes back as it is."""
    tensors = tensor_list("cartesian_prod", tensors)
    _check_1d("cartesian_prod", tensors)
    if len(tensors) == 1:
        return tensors[0]
    return stack([reshape(grid, (-1,)) for grid in meshgrid(*tensors, indexing="ij")], 1)


def combinations(input, r=2, with_replacement=False):
    """torch.combinations: the r-element combinations of a 1-D input as rows of an (C, r)
    tensor (Python's itertools order); with_replacement lets a position repeat."""
    _check_1d("combinations", [input])
    if r < 0:
        raise ValueError(f"combinations: r must be non-negative, got {r}")
    if r == 0:
        return input[:0]
    choose = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    positions = np.array(list(choose(range(input.shape[0]), r)), dtype=np.int64).reshape(-1)
    return reshape(index_select(input, 0, Tensor._make(positions)), (-1, r))
