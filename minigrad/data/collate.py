"""Collation: turning a list of samples into one batch of tensors.

A batch of (image, label) samples becomes (images, labels): the images stacked along a new
first dimension, the labels likewise. The same rule is applied inside tuples, lists and
dicts, so a sample of any such nesting comes out as a batch of the same shape.

The dtypes are chosen for training, not copied blindly:
  floating point  -> float32, minigrad's default (a float64 array from numpy would otherwise
                     silently turn a whole model's arithmetic into float64)
  integers        -> int64, what class labels for cross-entropy and indexing expect
  bool            -> bool
"""

import numbers

import numpy as np

from minigrad import dtypes
from minigrad.backend import array_module
from minigrad.tensor import Tensor


def batch_tensor(array):
    """Wrap a freshly stacked batch array as a Tensor with the dtype rule above."""
    if array.dtype.kind == "f":
        array = array.astype(dtypes.float32, copy=False)
    elif array.dtype.kind in "iu":
        array = array.astype(dtypes.int64, copy=False)
    elif array.dtype.kind != "b":
        raise TypeError(f"collate: cannot make a tensor from an array of dtype {array.dtype}")
    # the array is a new batch owned by nobody else, so wrap it without another copy
    return Tensor._make(array)


def _stack(arrays):
    shapes = {tuple(a.shape) for a in arrays}
    if len(shapes) > 1:
        raise ValueError(
            f"default_collate: samples in a batch must have the same shape to be stacked, got "
            f"shapes {sorted(shapes)}; resize them or pass your own collate_fn"
        )
    return array_module(arrays[0]).stack(arrays)


def default_collate(samples):
    """Stack a list of samples (tensors, numpy arrays, numbers, or tuples/lists/dicts of
    them) into a batch: tensors for leaves, the same tuple/dict structure around them."""
    first = samples[0]
    if isinstance(first, Tensor):
        return batch_tensor(_stack([s.data for s in samples]))
    if isinstance(first, (np.ndarray, np.generic, numbers.Number)):
        return batch_tensor(_stack([np.asarray(s) for s in samples]))
    if isinstance(first, dict):
        return {key: default_collate([s[key] for s in samples]) for key in first}
    if isinstance(first, (tuple, list)):
        if len({len(s) for s in samples}) > 1:
            raise ValueError("default_collate: samples in a batch have different numbers of fields")
        return tuple(default_collate(list(field)) for field in zip(*samples))
    raise TypeError(
        f"default_collate: cannot batch samples of type {type(first).__name__}; expected "
        "tensors, numpy arrays, numbers, or tuples/lists/dicts of them (pass collate_fn=)"
    )
