"""Running sums, products, extremes and log-sum-exps along a dim: cumsum, cumprod, cummax,
cummin, logcumsumexp.

cumsum: y_j = Σ_{i≤j} x_i. Each x_i feeds every y_j with j ≥ i, so dx_i = Σ_{j≥i} g_j: a
cumsum of g run backwards (`_reverse_cumsum`).

cumprod: y_j = Π_{i≤j} x_i, so dx_i = Σ_{j≥i} g_j · Π_{k≤j, k≠i} x_k. Where x_i ≠ 0 the
product without x_i is y_j / x_i, giving dx_i = (Σ_{j≥i} g_j y_j) / x_i. That division fails
at a zero, so the first zero along the dim (at z) is handled apart: for i < z the formula
holds (y_j = 0 for j ≥ z, as it should); at i = z the products skip x_z, i.e. they are the
running products y' of x with x_z replaced by 1; for i > z every product holds x_z = 0.

cummax/cummin: (values, indices) of the running extreme; the values are gathered from x at
the indices, so each gradient goes to the element that is the extreme there (gather's
backward). logcumsumexp: y_j = ln Σ_{i≤j} e^(x_i), and dx_i = Σ_{j≥i} g_j e^(x_i − y_j),
computed in log space (see LogCumSumExp). numpy has cumsum and cumprod but no running max
or logaddexp that CuPy also has (CuPy's ufunc.accumulate does not cover them), so those
three scan by doubling (`running`).
"""

from collections import namedtuple

from minigrad.autograd import Function
from minigrad.backend import array_module
from minigrad.checks import check_floating, normalize_dim
from minigrad.tensor import Tensor

ValuesIndices = namedtuple("ValuesIndices", ["values", "indices"])  # cummax, median, ...


def _reverse_cumsum(g, axis):
    xp = array_module(g)
    return xp.flip(xp.cumsum(xp.flip(g, axis), axis=axis), axis)


class CumSum(Function):
    """y = cumsum(x);  dx = g summed from the end (see the module docstring)."""

    autocast_policy = "fp32"

    def forward(self, x, axis):
        self.axis = axis
        return array_module(x).cumsum(x, axis=axis)

    def backward(self, g):
        return _reverse_cumsum(g, self.axis)


class CumProd(Function):
    """y = cumprod(x);  dx as in the module docstring, correct where x has zeros."""

    autocast_policy = "fp32"

    def forward(self, x, axis):
        self.x, self.axis = x, axis
        self.out = array_module(x).cumprod(x, axis=axis)
        return self.out

    def backward(self, g):
        xp = array_module(g)
        x, axis = self.x, self.axis
        is_zero = x == 0
        zeros_so_far = xp.cumsum(is_zero, axis=axis)
        before_first_zero = zeros_so_far == 0
        first_zero = is_zero & (zeros_so_far == 1)
        safe_x = xp.where(before_first_zero, x, 1)
        grad = xp.where(before_first_zero, _reverse_cumsum(g * self.out, axis) / safe_x, 0)
        if first_zero.any():
            skipping_the_zero = xp.cumprod(xp.where(first_zero, 1, x), axis=axis)
            at_the_zero = _reverse_cumsum(g * skipping_the_zero, axis)
            grad = xp.where(first_zero, at_the_zero, grad)
        return grad.astype(g.dtype, copy=False)


def _scan(function, op, input, dim):
    if input.ndim == 0:
        normalize_dim(op, dim, 0)
        return function.apply(input.reshape(1), axis=0).reshape(())
    return function.apply(input, axis=normalize_dim(op, dim, input.ndim, input.shape))


def cumsum(input, dim):
    return _scan(CumSum, "cumsum", input, dim)


def cumprod(input, dim):
    return _scan(CumProd, "cumprod", input, dim)


def running(combine, arrays, axis):
    """Inclusive scan of `arrays` (a tuple of same-shape arrays) along axis with an
    associative `combine(earlier, later)`, by doubling: after the step with shift s, each
    position holds the combination of the 2s positions that end at it (fewer at the start).
    log₂(n) array operations instead of n."""
    xp = array_module(arrays[0])
    size, shift = arrays[0].shape[axis], 1

    def part(array, start, stop):
        index = [slice(None)] * array.ndim
        index[axis] = slice(start, stop)
        return array[tuple(index)]

    while shift < size:
        earlier = tuple(part(a, 0, size - shift) for a in arrays)
        later = tuple(part(a, shift, size) for a in arrays)
        combined = combine(earlier, later)
        arrays = tuple(
            xp.concatenate([part(a, 0, shift), c], axis=axis) for a, c in zip(arrays, combined)
        )
        shift *= 2
    return arrays


def _running_extreme_indices(x, axis, largest):
    """Where the running max (min) of x along axis was found: NaN counts as the extreme, and
    ties (NaN with NaN too) go to the later element, as in PyTorch."""
    xp = array_module(x)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    positions = xp.broadcast_to(xp.arange(x.shape[axis]).reshape(shape), x.shape)

    def combine(earlier, later):
        (value_e, index_e), (value_l, index_l) = earlier, later
        beats = value_l >= value_e if largest else value_l <= value_e
        take_later = beats | xp.isnan(value_l)
        return xp.where(take_later, value_l, value_e), xp.where(take_later, index_l, index_e)

    return running(combine, (x, positions), axis)[1]


def _cum_extreme(op, input, dim, largest):
    # loaded late: indexing builds on this module
    from minigrad.ops.indexing import gather

    if input.ndim == 0:
        normalize_dim(op, dim, 0)
        return own_value_at_index_0(input)
    axis = normalize_dim(op, dim, input.ndim, input.shape)
    indices = Tensor._make(_running_extreme_indices(input.data, axis, largest).astype("int64"))
    return ValuesIndices(gather(input, axis, indices), indices)


def own_value_at_index_0(input):
    """(values, indices) for a 0-d tensor: itself (through the graph), at index 0."""
    return ValuesIndices(input * 1, Tensor._make(array_module(input.data).zeros((), "int64")))


def cummax(input, dim):
    """(values, indices): values[j] = max(input[..j]) along dim, indices where it was."""
    return _cum_extreme("cummax", input, dim, largest=True)


def cummin(input, dim):
    return _cum_extreme("cummin", input, dim, largest=False)


def _running_logaddexp(x, axis):
    xp = array_module(x)
    return running(lambda earlier, later: (xp.logaddexp(earlier[0], later[0]),), (x,), axis)[0]


class LogCumSumExp(Function):
    """y_j = ln Σ_{i≤j} e^(x_i), by a running logaddexp (never overflows);
    dx_i = Σ_{j≥i} g_j e^(x_i − y_j).

    That sum is e^(x_i) · Σ_{j≥i} g_j e^(−y_j), whose factors overflow; in log space it is
    e^(x_i + ln Σ_{j≥i} e^(ln g_j − y_j)): a logcumsumexp run from the end. ln g needs g > 0,
    so g is split into its positive and negative parts, each summed that way."""

    def forward(self, x, axis):
        self.x, self.axis = x, axis
        self.out = _running_logaddexp(x, axis)
        return self.out

    def backward(self, g):
        xp = array_module(g)
        grad = xp.zeros_like(g)
        for sign in (1, -1):
            part = sign * g
            positive = part > 0
            log_part = xp.where(positive, xp.log(xp.where(positive, part, 1)), -xp.inf)
            reversed_terms = xp.flip(log_part - self.out, self.axis)
            from_the_end = xp.flip(_running_logaddexp(reversed_terms, self.axis), self.axis)
            grad += sign * xp.exp(self.x + from_the_end)
        return grad


def logcumsumexp(input, dim):
    check_floating("logcumsumexp", input)
    return _scan(LogCumSumExp, "logcumsumexp", input, dim)
