"""Order statistics: kthvalue, median, nanmedian, mode, quantile, nanquantile.

Each sorts (a stable argsort, NaN last, as numpy and CuPy sort) and picks a position in the
sorted order; the values are gathered from the input at the chosen indices, so the gradient
goes to the chosen element (gather's backward), as PyTorch's does:

    kthvalue(k)   position k − 1
    median        the lower median, position ⌊(n − 1)/2⌋; a NaN anywhere makes it NaN
    nanmedian     the same among the non-NaN elements
    mode          the most frequent value (the smallest of equally frequent ones), at its last
                  occurrence
    quantile(q)   position q·(n − 1), between two sorted elements: 'linear' interpolates
                  (lerp, so the gradient splits between them by the weights), 'lower',
                  'higher', 'nearest' (halves to even) pick one, 'midpoint' averages both

median and nanmedian over all elements (dim=None) return one value and share its gradient
evenly among the elements equal to it, as PyTorch does.
"""

from minigrad.autograd import Function
from minigrad.backend import array_module
from minigrad.checks import check_floating, normalize_dim
from minigrad.ops.elementwise import lerp
from minigrad.ops.indexing import gather
from minigrad.ops.scan import ValuesIndices, own_value_at_index_0, running
from minigrad.ops.sorting import argsort, sort
from minigrad.tensor import Tensor

INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


class EvenlyShared(Function):
    """A value chosen among a's elements;  da = g / m at each of the m elements equal to it
    (at the NaNs when it is NaN)."""

    def forward(self, a, value):
        xp = array_module(a)
        chosen = xp.isnan(a) if xp.isnan(value) else a == value
        self.share = chosen / chosen.sum(dtype=a.dtype)
        return value

    def backward(self, g):
        return g * self.share


def _at_positions(op, input, dim, keepdim, positions_of):
    """(values, indices) at the sorted positions `positions_of(x, order, axis, n)` gives (an
    int array with size 1 along axis; order is x's stable argsort), gathered from input."""
    if input.ndim == 0:
        normalize_dim(op, dim, 0)
        return own_value_at_index_0(input)
    axis = normalize_dim(op, dim, input.ndim, input.shape)
    n = input.shape[axis]
    if n == 0:
        raise ValueError(f"{op}: dim {dim} of shape {tuple(input.shape)} has no elements")
    xp = array_module(input.data)
    order = argsort(input, axis).data
    positions = positions_of(input.data, order, axis, n)
    indices = Tensor._make(xp.take_along_axis(order, positions, axis=axis))
    values = gather(input, axis, indices)
    if not keepdim:
        values, indices = values.squeeze(axis), indices.squeeze(axis)
    return ValuesIndices(values, indices)


def _nan_count(x, axis):
    return array_module(x).isnan(x).sum(axis=axis, keepdims=True)


def kthvalue(input, k, dim=-1, keepdim=False):
    """(values, indices) of the k-th smallest element along dim (k counts from 1)."""
    size = input.shape[normalize_dim("kthvalue", dim, input.ndim, input.shape)] if input.ndim else 1
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= size:
        raise ValueError(
            f"kthvalue: k={k!r} must be an int from 1 to {size}, the size of dim {dim} of shape "
            f"{tuple(input.shape)}"
        )

    def kth(x, order, axis, n):
        return array_module(x).full(_kept(x.shape, axis), k - 1, dtype="int64")

    return _at_positions("kthvalue", input, dim, keepdim, kth)


def _lower_median(x, order, axis, n):
    nans = _nan_count(x, axis)
    return array_module(x).where(nans > 0, n - nans, (n - 1) // 2)  # a NaN: the first NaN


def _lower_median_of_numbers(x, order, axis, n):
    return array_module(x).maximum((n - _nan_count(x, axis) - 1) // 2, 0)


def median(input, dim=None, keepdim=False):
    """The lower median (no averaging of the middle two), as torch.median: one value when dim
    is None, else (values, indices) along dim."""
    return _median("median", input, dim, keepdim, _lower_median)


def nanmedian(input, dim=None, keepdim=False):
    """median of the non-NaN elements (NaN where all are NaN)."""
    return _median("nanmedian", input, dim, keepdim, _lower_median_of_numbers)


def _median(op, input, dim, keepdim, positions_of):
    if dim is not None:
        return _at_positions(op, input, dim, keepdim, positions_of)
    if input.numel() == 0:
        raise ValueError(f"{op}: the tensor of shape {tuple(input.shape)} has no elements")
    value = _at_positions(op, input.reshape(-1), 0, False, positions_of).values
    return EvenlyShared.apply(input, value=value.data)


def mode(input, dim=-1, keepdim=False):
    """(values, indices) of the most frequent value along dim (the smallest of equally
    frequent ones) and its last occurrence.

    In sorted order equal values form runs; a running max of the runs' start positions gives
    each position's run start, so the run length up to it; the first longest run wins."""

    def end_of_longest_run(x, order, axis, n):
        xp = array_module(x)
        ordered = xp.take_along_axis(x, order, axis=axis)
        positions = xp.broadcast_to(xp.arange(n).reshape(_kept((1,) * x.ndim, axis, n)), x.shape)
        previous = xp.roll(ordered, 1, axis=axis)
        starts = (ordered != previous) | (positions == 0)
        run_starts = running(
            lambda earlier, later: (xp.maximum(earlier[0], later[0]),),
            (xp.where(starts, positions, 0),),
            axis,
        )[0]
        return xp.argmax(positions - run_starts, axis=axis, keepdims=True)

    return _at_positions("mode", input, dim, keepdim, end_of_longest_run)


def _kept(shape, axis, size=1):
    return tuple(size if i == axis else s for i, s in enumerate(shape))


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles along dim (of all elements when None); q a number in [0, 1] or a
    1-D list/tensor of them (their dim then comes first in the result). A NaN in a row makes
    its quantiles NaN."""
    return _quantile("quantile", input, q, dim, keepdim, interpolation, skip_nan=False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """quantile of the non-NaN elements (NaN where all are NaN)."""
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, skip_nan=True)


def _quantile(op, input, q, dim, keepdim, interpolation, skip_nan):
    check_floating(op, input)
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"{op}: interpolation must be one of {INTERPOLATIONS}, got {interpolation!r}")
    xp = array_module(input.data)
    q_values, q_is_vector = _quantile_levels(op, q, xp, input.dtype)
    if dim is None or input.ndim == 0:
        if dim is not None:
            normalize_dim(op, dim, 0)
        source, axis = input.reshape(-1), 0
    else:
        source, axis = input, normalize_dim(op, dim, input.ndim, input.shape)
    n = source.shape[axis]
    if n == 0:
        raise ValueError(f"{op}: the input of shape {tuple(input.shape)} has no elements")
    rows = sort(source, axis).values.movedim(axis, -1)  # (..., n), NaNs last
    out = _interpolate(rows, _ranks(source.data, axis, q_values, skip_nan), interpolation)
    if keepdim:
        kept = (1,) * input.ndim if dim is None else _kept(input.shape, axis)
        out = out.reshape(*kept, out.shape[-1])
    return out.movedim(-1, 0) if q_is_vector else out.squeeze(-1)


def _ranks(x, axis, levels, skip_nan):
    """Where each level falls in each sorted row: q·(n − 1), with n the row's non-NaN count
    (skip_nan) or its length; for quantile, a row with a NaN lands on its last place, a NaN.
    Shape (..., Q)."""
    xp = array_module(x)
    n = x.shape[axis]
    nans = xp.isnan(x).sum(axis=axis)[..., None]  # (..., 1)
    counted = n - nans if skip_nan else xp.full_like(nans, n)
    ranks = levels * xp.maximum(counted - 1, 0).astype(x.dtype)
    return ranks if skip_nan else xp.where(nans > 0, x.dtype.type(n - 1), ranks)


def _interpolate(rows, ranks, interpolation):
    """The values at fractional places `ranks` of the sorted `rows` (..., n)."""
    xp = array_module(ranks)
    if interpolation in ("lower", "higher", "nearest"):
        rounding = {"lower": xp.floor, "higher": xp.ceil, "nearest": xp.round}[interpolation]
        return gather(rows, -1, Tensor._make(rounding(ranks).astype("int64")))
    lower, upper = xp.floor(ranks), xp.ceil(ranks)
    low = gather(rows, -1, Tensor._make(lower.astype("int64")))
    high = gather(rows, -1, Tensor._make(upper.astype("int64")))
    weight = ranks - lower if interpolation == "linear" else xp.full_like(ranks, 0.5)
    return lerp(low, high, Tensor._make(weight))


def _quantile_levels(op, q, xp, dtype):
    """q as an array of levels in input's dtype, and whether it was a 1-D sequence."""
    values = xp.asarray(q.data if isinstance(q, Tensor) else q, dtype=dtype)
    if values.ndim > 1:
        raise ValueError(f"{op}: q must be a number or 1-D, got shape {tuple(values.shape)}")
    levels = values.reshape(-1)
    if levels.size and not bool(((levels >= 0) & (levels <= 1)).all()):
        raise ValueError(f"{op}: q must be in [0, 1], got {q!r}")
    return levels, values.ndim == 1
