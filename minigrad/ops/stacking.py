"""Joining and broadcasting several tensors: hstack, vstack (row_stack), dstack,
column_stack, meshgrid, broadcast_tensors and broadcast_shapes.

Each is a few reshapes and a cat or an expand, so gradients come from those: a stacked
input's gradient is its slice of g, a broadcast input's is g summed over its copies.
"""

import numpy as np

from minigrad.ops.movement import cat, expand, reshape


def tensor_list(op, tensors):
    """PyTorch takes `f([a, b])`; meshgrid and broadcast_tensors also `f(a, b)`."""
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tensors[0]
    tensors = list(tensors)
    if not tensors:
        raise ValueError(f"{op}: expected at least one tensor")
    return tensors


def atleast_1d(input):
    """A 0-d tensor as shape (1,); others as they are."""
    return reshape(input, (1,)) if input.ndim == 0 else input


def atleast_2d(input):
    """0-d as (1, 1) and 1-D (n,) as a row (1, n); others as they are."""
    return reshape(input, (1,) * (2 - input.ndim) + tuple(input.shape)) if input.ndim < 2 else input


def atleast_3d(input):
    """0-d as (1, 1, 1), 1-D (n,) as (1, n, 1), 2-D (m, n) as (m, n, 1); others as they are."""
    if input.ndim >= 3:
        return input
    if input.ndim == 2:
        return reshape(input, tuple(input.shape) + (1,))
    return reshape(input, (1, input.numel(), 1))


def hstack(tensors):
    """torch.hstack: joined along dim 1, or dim 0 when they are all 1-D (after atleast_1d)."""
    tensors = [atleast_1d(t) for t in tensor_list("hstack", tensors)]
    return cat(tensors, 0 if all(t.ndim == 1 for t in tensors) else 1)


def vstack(tensors):
    """torch.vstack (row_stack): joined along dim 0 after atleast_2d (1-D inputs are rows)."""
    return cat([atleast_2d(t) for t in tensor_list("vstack", tensors)], 0)


row_stack = vstack


def dstack(tensors):
    """torch.dstack: joined along dim 2 (depth) after atleast_3d."""
    return cat([atleast_3d(t) for t in tensor_list("dstack", tensors)], 2)


def column_stack(tensors):
    """torch.column_stack: 0-d and 1-D inputs become columns (n, 1), then joined along dim 1."""
    tensors = tensor_list("column_stack", tensors)
    return cat([reshape(t, (t.numel(), 1)) if t.ndim < 2 else t for t in tensors], 1)


def meshgrid(*tensors, indexing="ij"):
    """torch.meshgrid: for 1-D inputs of lengths n₀, n₁, ..., grids of shape (n₀, n₁, ...)
    where grid i varies along dim i ('ij'); 'xy' swaps the first two dims, as for x and y
    coordinates of an image (shape (n₁, n₀, ...)). The grids are expanded views."""
    tensors = tensor_list("meshgrid", tensors)
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    if any(t.ndim > 1 for t in tensors):
        shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
        raise ValueError(f"meshgrid: expected 0-d or 1-D tensors, got shapes {shapes}")
    axes = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) > 1:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(tensors)
    for t, axis in zip(tensors, axes):
        shape[axis] = t.numel()
    grids = []
    for t, axis in zip(tensors, axes):
        along = [1] * len(tensors)
        along[axis] = t.numel()
        grids.append(expand(reshape(t, along), *shape))
    return tuple(grids)


def broadcast_shapes(*shapes):
    """torch.broadcast_shapes: the shape that all `shapes` broadcast to (an int is a 1-D
    shape)."""
    shapes = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        listed = ", ".join(str(s) for s in shapes)
        raise ValueError(
            f"broadcast_shapes: shapes {listed} cannot be broadcast together (trailing dims "
            "must be equal or 1)"
        ) from None


def broadcast_tensors(*tensors):
    """torch.broadcast_tensors: every tensor expanded to their common shape."""
    tensors = tensor_list("broadcast_tensors", tensors)
    shape = broadcast_shapes(*[t.shape for t in tensors])
    return tuple(expand(t, *shape) for t in tensors)
