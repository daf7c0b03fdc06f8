"""Counting and locating values: unique, unique_consecutive, bincount, histc, searchsorted,
bucketize and argwhere. Their results are indices or counts, which have no gradient, so these
are plain functions on the arrays (no Function), written on the input's array module.
"""

from minigrad import dtypes
from minigrad.backend import array_module
from minigrad.checks import normalize_dim
from minigrad.ops.indexing import nonzero
from minigrad.tensor import Tensor


def _results(values, inverse, counts, return_inverse, return_counts):
    """unique's return convention: the values alone, or a tuple with the extras asked for."""
    out = [Tensor._make(values)]
    if return_inverse:
        out.append(Tensor._make(inverse.astype(dtypes.int64)))
    if return_counts:
        out.append(Tensor._make(counts.astype(dtypes.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """torch.unique: the distinct values (dim=None) or distinct slices along dim, in ascending
    order; return_inverse gives where each element (slice) went, return_counts how often each
    occurs. The result is always sorted (PyTorch's sorted=False may or may not sort)."""
    xp = array_module(input.data)
    if dim is None:
        values, inverse, counts = xp.unique(input.data, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(input.shape)
    else:
        axis = normalize_dim("unique", dim, input.ndim, input.shape)
        values, inverse, counts = xp.unique(
            input.data, return_inverse=True, return_counts=True, axis=axis
        )
        inverse = inverse.reshape(-1)
    return _results(values, inverse, counts, return_inverse, return_counts)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """torch.unique_consecutive: each run of equal consecutive values (or slices along dim)
    kept once, in input order, so [1, 1, 2, 1] gives [1, 2, 1]."""
    xp = array_module(input.data)
    if dim is None:
        data, axis = input.data.reshape(-1), 0
    else:
        axis = normalize_dim("unique_consecutive", dim, input.ndim, input.shape)
        data = xp.moveaxis(input.data, axis, 0)
    length = data.shape[0]
    rows = data.reshape(length, -1)
    starts = xp.ones(length, dtype=bool)  # True where a run begins
    if length > 1:
        starts[1:] = (rows[1:] != rows[:-1]).any(axis=1) if rows.shape[1] else False
    inverse = xp.cumsum(starts) - 1
    begins = xp.nonzero(starts)[0]
    counts = xp.diff(xp.concatenate([begins, xp.asarray([length], dtype=begins.dtype)]))
    values = xp.moveaxis(data[begins], 0, axis) if dim is not None else data[begins]
    inverse = inverse.reshape(input.shape) if dim is None else inverse
    return _results(xp.ascontiguousarray(values), inverse, counts, return_inverse, return_counts)


def bincount(input, weights=None, minlength=0):
    """torch.bincount: out[v] = how many times v occurs in the 1-D non-negative integer input
    (or the sum of weights where it occurs); length max(input) + 1, at least minlength."""
    if input.ndim != 1 or input.dtype.kind not in "iu":
        raise ValueError(
            f"bincount: expected a 1-D integer tensor, got dtype {input.dtype} and shape "
            f"{tuple(input.shape)}"
        )
    if input.numel() and int(input.data.min()) < 0:
        raise ValueError(f"bincount: values must be non-negative, got {int(input.data.min())}")
    if weights is not None and tuple(weights.shape) != tuple(input.shape):
        raise ValueError(
            f"bincount: weights of shape {tuple(weights.shape)} must match the input's "
            f"{tuple(input.shape)}"
        )
    xp = array_module(input.data)
    if weights is None:
        return Tensor._make(xp.bincount(input.data, minlength=minlength).astype(dtypes.int64))
    counted = xp.bincount(input.data, weights=weights.data, minlength=minlength)
    # numpy sums weights in float64; PyTorch keeps a float weight's dtype (ints: float64)
    dtype = weights.dtype if weights.dtype.kind == "f" else dtypes.float64
    return Tensor._make(counted.astype(dtype))


def histc(input, bins=100, min=0, max=0):
    """torch.histc: counts in `bins` equal-width bins over [min, max] (both 0: the data's own
    range); values outside are ignored, a value equal to max goes in the last bin. The counts
    have input's float dtype."""
    if input.dtype.kind != "f":
        raise TypeError(f"histc: expected a floating-point tensor, got dtype {input.dtype}")
    if bins <= 0:
        raise ValueError(f"histc: bins must be positive, got {bins}")
    if min > max:
        raise ValueError(f"histc: min {min} is larger than max {max}")
    xp = array_module(input.data)
    data = input.data.reshape(-1)
    low, high = float(min), float(max)
    if low == high and data.size:
        low, high = float(data.min()), float(data.max())
    if low == high:  # one value (or none): PyTorch widens the range by 1 each way
        low, high = low - 1, high + 1
    inside = data[(data >= low) & (data <= high)]
    which = ((inside - low) * (bins / (high - low))).astype(dtypes.int64)
    which = xp.minimum(which, bins - 1)
    return Tensor._make(xp.bincount(which, minlength=bins).astype(input.dtype))


def searchsorted(
    sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None
):
    """torch.searchsorted: for each value, the position in the sorted last dim of
    sorted_sequence where it would be inserted to keep it sorted: before equal values
    (side='left') or after them (side='right' or right=True). A sequence of several dims
    pairs its leading dims with input's.

    Left, that position is the count of sequence values below v; right, the count of those
    at or below v. The 1-D case uses the array module's binary search; the batched case
    counts directly (memory ∝ values × sequence length)."""
    if side not in (None, "left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    if side == "left" and right:
        raise ValueError("searchsorted: side='left' and right=True ask for opposite sides")
    right = right or side == "right"
    if sorter is not None:
        sorted_sequence = sorted_sequence.gather(-1, sorter)
    values = input if isinstance(input, Tensor) else Tensor._make(
        array_module(sorted_sequence.data).asarray(input)
    )
    sequence = sorted_sequence.data
    xp = array_module(sequence)
    if sorted_sequence.ndim == 1:
        found = xp.searchsorted(sequence, values.data, side="right" if right else "left")
    elif sorted_sequence.shape[:-1] != values.shape[:-1]:
        raise ValueError(
            f"searchsorted: the leading dims of sorted_sequence {tuple(sorted_sequence.shape)} "
            f"and input {tuple(values.shape)} must match"
        )
    else:
        below = sequence[..., None, :] <= values.data[..., None] if right else (
            sequence[..., None, :] < values.data[..., None]
        )
        found = below.sum(axis=-1)
    return Tensor._make(xp.asarray(found).astype(dtypes.int32 if out_int32 else dtypes.int64))


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """torch.bucketize: the bucket i of each value with boundaries[i-1] < v <= boundaries[i]
    (right=True: boundaries[i-1] <= v < boundaries[i]); boundaries is 1-D and ascending."""
    if boundaries.ndim != 1:
        raise ValueError(
            f"bucketize: boundaries must be 1-D, got shape {tuple(boundaries.shape)}"
        )
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def argwhere(input):
    """torch.argwhere: the (n, ndim) indices of the non-zero elements (nonzero's layout)."""
    return nonzero(input)
