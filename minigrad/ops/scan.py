"""Running sums and products along a dim: cumsum and cumprod.

cumsum: y_j = Σ_{i≤j} x_i. Each x_i feeds every y_j with j ≥ i, so dx_i = Σ_{j≥i} g_j: a
cumsum of g run backwards (`_reverse_cumsum`).

cumprod: y_j = Π_{i≤j} x_i, so dx_i = Σ_{j≥i} g_j · Π_{k≤j, k≠i} x_k. Where x_i ≠ 0 the
product without x_i is y_j / x_i, giving dx_i = (Σ_{j≥i} g_j y_j) / x_i. That division fails
at a zero, so the first zero along the dim (at z) is handled apart: for i < z the formula
holds (y_j = 0 for j ≥ z, as it should); at i = z the products skip x_z, i.e. they are the
running products y' of x with x_z replaced by 1; for i > z every product holds x_z = 0.
"""

from minigrad.autograd import Function
from minigrad.backend import array_module
from minigrad.checks import normalize_dim


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
