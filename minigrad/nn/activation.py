"""Activation layers: modules that apply one function from `nn.functional` elementwise.

They hold no parameters; they exist so a nonlinearity can sit in a `Sequential`.
`inplace=` is accepted for PyTorch's signature; minigrad always returns a new tensor (an
in-place change would overwrite numbers the backward pass still needs).
"""

from minigrad.nn import functional as F
from minigrad.nn.module import Module


class ReLU(Module):
    """max(x, 0)."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input)


class LeakyReLU(Module):
    """x for x > 0, negative_slope·x otherwise: negative inputs still pass a gradient."""

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class GELU(Module):
    """x·Φ(x) (Φ the standard normal CDF); approximate='tanh' uses GPT-2's tanh formula."""

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """x·σ(x) (swish)."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.silu(input)


class ELU(Module):
    """x for x > 0, α(e^x − 1) otherwise: smooth, and negative outputs pull the mean to 0."""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input):
        return F.elu(input, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class SELU(Module):
    """ELU scaled so that activations keep mean 0 and variance 1 (self-normalising nets)."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.selu(input)


class Softplus(Module):
    """ln(1 + e^(βx))/β, a smooth relu; x itself where βx > threshold."""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Mish(Module):
    """x·tanh(softplus(x))."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.mish(input)


class Hardtanh(Module):
    """x clamped to [min_val, max_val]."""

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__()
        if min_val > max_val:
            raise ValueError(f"Hardtanh: min_val ({min_val}) must not exceed max_val ({max_val})")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}"


class Softsign(Module):
    """x / (1 + |x|)."""

    def forward(self, input):
        return F.softsign(input)


class Tanh(Module):
    def forward(self, input):
        return F.tanh(input)


class Sigmoid(Module):
    def forward(self, input):
        return F.sigmoid(input)


class _AlongDim(Module):
    """A layer that normalises along one dim, which must be given."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def _required_dim(self, input):
        # PyTorch guesses a dim when none is given (deprecated there); minigrad asks for it
        if self.dim is None:
            name = type(self).__name__
            raise ValueError(
                f"{name}: dim is None for an input of shape {tuple(input.shape)}; give the "
                f"dim to normalise over, e.g. {name}(dim=-1)"
            )
        return self.dim

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_AlongDim):
    """Probabilities along `dim`: e^x / Σ e^x (computed stably)."""

    def forward(self, input):
        return F.softmax(input, self._required_dim(input))


class LogSoftmax(_AlongDim):
    """log of softmax along `dim`, computed as x - logsumexp(x) (finite for large logits)."""

    def forward(self, input):
        return F.log_softmax(input, self._required_dim(input))
