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
