"""softmax and log_softmax, fused for numerical stability.

softmax(x)_i = e^(x_i) / Σ_j e^(x_j). Composed naively from exp and sum it overflows: for a
logit of 1e4, e^(1e4) = inf and inf/inf = nan. Subtracting the max first gives the same
result (the factor e^(-max) cancels) with every exponent ≤ 0. log_softmax is likewise
x - max - log Σ e^(x - max), never log(softmax), which would take log(0) = -inf for
very unlikely classes.
"""

from minigrad.autograd import Function
from minigrad.backend import array_module
from minigrad.checks import normalize_dim


class Softmax(Function):
    """s = softmax(x);  dx = s * (g - Σ g·s) along the softmax dim."""

    autocast_policy = "fp32"

    def forward(self, x, axis):
        xp = array_module(x)
        e = xp.exp(x - x.max(axis=axis, keepdims=True))
        self.out, self.axis = e / e.sum(axis=axis, keepdims=True), axis
        return self.out

    def backward(self, g):
        s = self.out
        return s * (g - (g * s).sum(axis=self.axis, keepdims=True))


class LogSoftmax(Function):
    """y = log softmax(x);  dx = g - softmax(x) * Σ g along the dim."""

    autocast_policy = "fp32"

    def forward(self, x, axis):
        xp = array_module(x)
        shifted = x - x.max(axis=axis, keepdims=True)
        self.out = shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
        self.axis = axis
        return self.out

    def backward(self, g):
        xp = array_module(g)
        return g - xp.exp(self.out) * g.sum(axis=self.axis, keepdims=True)


def softmax(x, dim):
    return Softmax.apply(x, axis=normalize_dim("softmax", dim, x.ndim, x.shape))


def log_softmax(x, dim):
    return LogSoftmax.apply(x, axis=normalize_dim("log_softmax", dim, x.ndim, x.shape))
