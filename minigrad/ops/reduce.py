"""Reductions: many numbers in, fewer out (sum, mean, max, var, logsumexp ...).

The backward of a reduction spreads g back over the dims that were reduced: every input
element that fed a sum gets g; for a mean, g/n; for a max, only the elements that won.
`keepdim=True` keeps the reduced dims as size 1, which is also the shape g must take to
broadcast back over the input, so backward reshapes g that way first.
"""

import builtins
import math
from collections import namedtuple

from minigrad.autograd import Function, under_autocast
from minigrad.backend import array_module
from minigrad.checks import check_floating, normalize_dims
from minigrad.ops.scan import cumprod
from minigrad.tensor import Tensor

MaxResult = namedtuple("MaxResult", ["values", "indices"])


def _kept_shape(shape, axes):
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _spread(g, input_shape, axes, keepdims):
    """g reshaped to the input's rank (reduced dims as 1) and broadcast over the input."""
    if not keepdims:
        g = g.reshape(_kept_shape(input_shape, axes))
    return array_module(g).broadcast_to(g, input_shape)


class Sum(Function):
    """Σ a over `axes`;  da = g, copied to every element that was summed."""

    autocast_policy = "fp32"

    def forward(self, a, axes, keepdims):
        self.shape, self.axes, self.keepdims = a.shape, axes, keepdims
        return a.sum(axis=axes, keepdims=keepdims)

    def backward(self, g):
        return _spread(g, self.shape, self.axes, self.keepdims)


class Mean(Function):
    """Σ a / n over `axes`;  da = g / n."""

    def forward(self, a, axes, keepdims):
        self.shape, self.axes, self.keepdims = a.shape, axes, keepdims
        self.count = 1
        for axis in axes:
            self.count *= a.shape[axis]
        return a.mean(axis=axes, keepdims=keepdims)

    def backward(self, g):
        return _spread(g / self.count, self.shape, self.axes, self.keepdims)


class Amax(Function):
    """max of a over `axes`;  g goes to the maximal elements (split evenly between ties)."""

    def forward(self, a, axes, keepdims, smallest):
        out = a.min(axis=axes, keepdims=True) if smallest else a.max(axis=axes, keepdims=True)
        winners = a == out
        self.share = winners / winners.sum(axis=axes, keepdims=True, dtype=a.dtype)
        self.shape, self.axes, self.keepdims = a.shape, axes, keepdims
        return out if keepdims else out.reshape([n for i, n in enumerate(a.shape) if i not in axes])

    def backward(self, g):
        return _spread(g, self.shape, self.axes, self.keepdims) * self.share


class LogSumExp(Function):
    """log Σ e^a over `axes`, computed as m + log Σ e^(a-m) with m = max a, so that no
    exponent overflows;  da = g * softmax(a)."""

    autocast_policy = "fp32"

    def forward(self, a, axes, keepdims):
        xp = array_module(a)
        m = a.max(axis=axes, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0)  # all -inf: no shift needed, and avoids inf - inf
        shifted_exp = xp.exp(a - m)
        total = shifted_exp.sum(axis=axes, keepdims=True)
        self.softmax = shifted_exp / total
        self.shape, self.axes, self.keepdims = a.shape, axes, keepdims
        out = xp.log(total) + m
        return out if keepdims else out.reshape([n for i, n in enumerate(a.shape) if i not in axes])

    def backward(self, g):
        return _spread(g, self.shape, self.axes, self.keepdims) * self.softmax


class EuclideanNorm(Function):
    """√(Σ a²) over `axes`;  da = g · a / ‖a‖, and 0 where ‖a‖ = 0.

    Fused rather than composed from sqrt and a sum of squares: composed, the gradient at a
    zero vector is 0 · ∞ = nan (√'s slope at 0), which would poison a model whose weights
    start at zero. The norm's subgradient there is any vector of length ≤ 1; 0 is PyTorch's
    choice and ours."""

    autocast_policy = "fp32"

    def forward(self, a, axes, keepdims):
        self.a, self.axes, self.keepdims = a, axes, keepdims
        self.norm = array_module(a).sqrt((a * a).sum(axis=axes, keepdims=True))
        return self.norm if keepdims else self.norm.reshape(
            [n for i, n in enumerate(a.shape) if i not in axes]
        )

    def backward(self, g):
        xp = array_module(g)
        g = _spread(g, self.a.shape, self.axes, self.keepdims)
        safe_norm = xp.where(self.norm > 0, self.norm, 1)
        return xp.where(self.norm > 0, g * self.a / safe_norm, 0).astype(self.a.dtype, copy=False)


def _axes(op, a, dim):
    axes = normalize_dims(op, dim, a.ndim, a.shape)
    # a 0-d tensor accepts dim 0 or -1, as in PyTorch, but numpy has no axis 0 to reduce
    return axes if a.ndim else ()


def sum(a, dim=None, keepdim=False):
    return Sum.apply(a, axes=_axes("sum", a, dim), keepdims=keepdim)


def mean(a, dim=None, keepdim=False):
    if a.dtype.kind not in "fc":
        raise TypeError(f"mean: expected a floating-point tensor, got dtype {a.dtype}")
    return Mean.apply(a, axes=_axes("mean", a, dim), keepdims=keepdim)


def amax(a, dim=None, keepdim=False):
    return Amax.apply(a, axes=_axes("amax", a, dim), keepdims=keepdim, smallest=False)


def amin(a, dim=None, keepdim=False):
    return Amax.apply(a, axes=_axes("amin", a, dim), keepdims=keepdim, smallest=True)


def argmax(a, dim=None, keepdim=False):
    """Index of the largest element (over the flattened tensor when dim is None)."""
    return _arg_reduce("argmax", a, dim, keepdim)


def argmin(a, dim=None, keepdim=False):
    return _arg_reduce("argmin", a, dim, keepdim)


def _arg_reduce(op, a, dim, keepdim):
    axes = () if dim is None else _axes(op, a, dim)
    if not axes:  # dim=None or a 0-d tensor: the index into the flattened tensor
        return Tensor._make(getattr(a.data.reshape(-1), op)())
    (axis,) = axes
    return Tensor._make(getattr(a.data, op)(axis=axis, keepdims=keepdim))


def max(a, dim=None, keepdim=False):
    """Like torch.max: the largest value, or with `dim` a (values, indices) pair; with a
    tensor as second argument, the elementwise maximum."""
    if isinstance(dim, Tensor):
        from minigrad.ops.elementwise import maximum

        return maximum(a, dim)
    if dim is None:
        return amax(a)
    return MaxResult(amax(a, dim, keepdim), argmax(a, dim, keepdim))


def min(a, dim=None, keepdim=False):
    if isinstance(dim, Tensor):
        from minigrad.ops.elementwise import minimum

        return minimum(a, dim)
    if dim is None:
        return amin(a)
    return MaxResult(amin(a, dim, keepdim), argmin(a, dim, keepdim))


def var(a, dim=None, keepdim=False, correction=1, unbiased=None):
    """Σ (a - mean)² / (n - correction); correction=1 is the unbiased (sample) variance.

    Composed from mean, sub, mul and sum, so its gradient needs no proof of its own.
    """
    if unbiased is not None:
        correction = 1 if unbiased else 0
    axes = _axes("var", a, dim)
    count = 1
    for axis in axes:
        count *= a.shape[axis]
    centered = a - mean(a, axes, keepdim=True)
    return sum(centered * centered, axes, keepdim) / builtins.max(count - correction, 0)


def std(a, dim=None, keepdim=False, correction=1, unbiased=None):
    return var(a, dim, keepdim, correction, unbiased).sqrt()


def logsumexp(a, dim, keepdim=False):
    return LogSumExp.apply(a, axes=_axes("logsumexp", a, dim), keepdims=keepdim)


@under_autocast("fp32")
def prod(a, dim=None, keepdim=False):
    """Π a over dim (all elements when None): the last running product of cumprod, so its
    gradient is cumprod's, right where a holds zeros."""
    if dim is None:
        return cumprod(a.reshape(-1), 0)[-1] if a.numel() else sum(a) + 1
    (axis,) = _axes("prod", a, dim) or (None,)
    if axis is None:  # a 0-d tensor: its own product
        return a.reshape(())
    last = cumprod(a, axis).narrow(axis, a.shape[axis] - 1, 1)
    return last if keepdim else last.squeeze(axis)


@under_autocast("fp32")
def vector_norm(x, ord=2, dim=None, keepdim=False):
    """torch.linalg.vector_norm: (Σ |x|^ord)^(1/ord) over dim (all elements when None),
    composed from abs, sum and amax, except: ord=2 is √(Σ x²) (EuclideanNorm: gradient 0 at
    a zero vector, as in PyTorch), 1 is Σ |x|, inf is max |x|, -inf min |x|, and 0 counts the
    non-zero elements as Σ |sign x| (whose gradient is 0, as in PyTorch)."""
    check_floating("vector_norm", x)
    axes = _axes("vector_norm", x, dim)
    if isinstance(ord, bool) or not isinstance(ord, (int, float)):
        raise TypeError(f"vector_norm: ord must be a number (inf included), got {ord!r}")
    if ord == 2:
        return EuclideanNorm.apply(x, axes=axes, keepdims=keepdim)
    if ord == 1:
        return sum(x.abs(), axes, keepdim)
    if ord == math.inf:
        return amax(x.abs(), axes, keepdim)
    if ord == -math.inf:
        return amin(x.abs(), axes, keepdim)
    if ord == 0:
        return sum(x.sign().abs(), axes, keepdim)
    return sum(x.abs() ** ord, axes, keepdim) ** (1 / ord)


def norm(a, p="fro", dim=None, keepdim=False):
    """torch.norm: vector_norm over dim with ord p ('fro' is 2, over any number of dims;
    mg.linalg.matrix_norm has the other matrix norms)."""
    if isinstance(p, str) and p != "fro":
        raise ValueError(f"norm: p must be 'fro' or a number, got {p!r}")
    return vector_norm(a, 2 if p == "fro" else p, dim, keepdim)


def any(a, dim=None, keepdim=False):
    """Whether any element (along dim) is non-zero, as a bool tensor (no gradient)."""
    return _logical_reduce("any", a, dim, keepdim)


def all(a, dim=None, keepdim=False):
    """Whether every element (along dim) is non-zero, as a bool tensor (no gradient)."""
    return _logical_reduce("all", a, dim, keepdim)


def _logical_reduce(op, a, dim, keepdim):
    axes = _axes(op, a, dim)
    reduce = getattr(array_module(a.data), op)
    return Tensor._make(reduce(a.data, axis=axes, keepdims=keepdim))


# ---- NaN-skipping reductions, pairs of results, counts -----------------------------------

MinMaxResult = namedtuple("MinMaxResult", ["min", "max"])


def nansum(a, dim=None, keepdim=False):
    """Σ a over dim with NaNs counted as 0 (composed from where and sum: NaNs get no
    gradient)."""
    if a.dtype.kind != "f":
        return sum(a, dim, keepdim)
    return sum(a.masked_fill(a.isnan(), 0.0), dim, keepdim)


def nanmean(a, dim=None, keepdim=False):
    """The mean of the non-NaN elements over dim (nan where all are NaN, as in PyTorch)."""
    check_floating("nanmean", a)
    counted = sum((~a.isnan()).to(a.dtype), dim, keepdim)
    return nansum(a, dim, keepdim) / counted


def var_mean(a, dim=None, keepdim=False, correction=1, unbiased=None):
    """(var, mean) over dim, as torch.var_mean."""
    return var(a, dim, keepdim, correction, unbiased), mean(a, dim, keepdim)


def std_mean(a, dim=None, keepdim=False, correction=1, unbiased=None):
    """(std, mean) over dim, as torch.std_mean."""
    return std(a, dim, keepdim, correction, unbiased), mean(a, dim, keepdim)


def count_nonzero(a, dim=None):
    """How many elements (along dim) are not 0, as an int64 tensor (no gradient)."""
    counts = (a.data != 0).sum(axis=_axes("count_nonzero", a, dim), dtype="int64")
    return Tensor._make(counts)


def aminmax(a, *, dim=None, keepdim=False):
    """(min, max) over dim (over all elements when None), as torch.aminmax."""
    if a.numel() == 0:
        raise ValueError(f"aminmax: the tensor of shape {tuple(a.shape)} has no elements")
    return MinMaxResult(amin(a, dim, keepdim), amax(a, dim, keepdim))
