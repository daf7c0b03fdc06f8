"""Argument checks shared by every op, so each error names the op and what it was given.

An op calls these instead of letting numpy fail three frames down with a message about
"operands" and "axis" that a learner cannot connect to the line they wrote.
"""

import numpy as np


def normalize_dim(op, dim, ndim, shape=None):
    """`dim` (negative counts from the end) as an index into a tensor of `ndim` dims."""
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{op}: dim must be an int, got {type(dim).__name__} {dim!r}")
    rank = max(ndim, 1)
    if not -rank <= dim < rank:
        where = f" of shape {tuple(shape)}" if shape is not None else ""
        raise ValueError(
            f"{op}: dim {dim} is out of range for a tensor with {ndim} dims{where} "
            f"(valid: {-rank} to {rank - 1})"
        )
    return int(dim) % rank


def normalize_dims(op, dim, ndim, shape=None):
    """None (all dims), an int, or a tuple/list of ints as a sorted tuple of indices."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (tuple, list)):
        dims = tuple(sorted(normalize_dim(op, d, ndim, shape) for d in dim))
        if len(set(dims)) != len(dims):
            raise ValueError(f"{op}: dim {tuple(dim)} names the same dimension twice")
        return dims
    return (normalize_dim(op, dim, ndim, shape),)


def broadcast_error(op, *shapes):
    """The ValueError for shapes that do not broadcast (None if they do)."""
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        listed = " and ".join(str(tuple(s)) for s in shapes)
        return ValueError(
            f"{op}: shapes {listed} cannot be broadcast together (trailing dims must be "
            "equal or 1)"
        )
    return None


def check_floating(op, tensor):
    if tensor.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating-point tensor, got dtype {tensor.dtype}")
