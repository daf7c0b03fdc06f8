"""Activation functions and softmax, as `minigrad.nn.functional` names them.

The primitive ops live in `minigrad.ops`; this module gives them PyTorch's functional names
and signatures (`F.softmax(x, dim=-1)`, `F.gelu(x, approximate='tanh')`) and composes the
rest from them, so their gradients come from ops already checked. Every one stays finite at
±1e4 in float32: no branch computes e^x of a large x, even one that `where` then discards
(its gradient would be 0 · inf = nan).
"""

from minigrad.ops import elementwise as ops
from minigrad.ops.elementwise import gelu, relu, sigmoid, tanh  # noqa: F401
from minigrad.ops.softmax import log_softmax, softmax  # noqa: F401

# SELU's constants (Klambauer et al. 2017): with them, activations keep mean 0 and variance 1
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def leaky_relu(x, negative_slope=0.01):
    """x for x > 0, negative_slope·x otherwise: max(x, slope·x) when 0 < slope < 1."""
    if 0 <= negative_slope <= 1:
        return ops.maximum(x, x * negative_slope)
    return ops.minimum(x, x * negative_slope)


def silu(input, inplace=False):
    """x·σ(x) (also called swish)."""
    return input * sigmoid(input)


def elu(input, alpha=1.0, inplace=False):
    """x for x > 0, α(e^x − 1) otherwise. e^x is taken of min(x, 0), so large x cannot
    overflow in the branch that is not used."""
    negative_part = (ops.exp(ops.clamp(input, max=0.0)) - 1) * alpha
    return ops.where(input > 0, input, negative_part)


def selu(input, inplace=False):
    """scale · elu(x, α), with the self-normalising constants SELU_SCALE and SELU_ALPHA."""
    return elu(input, SELU_ALPHA) * SELU_SCALE


def softplus(input, beta=1.0, threshold=20.0):
    """ln(1 + e^(βx))/β, a smooth relu; x itself where βx > threshold (as PyTorch)."""
    scaled = input * beta
    smooth = ops.softplus(scaled) if beta == 1 else ops.softplus(scaled) / beta
    return ops.where(scaled > threshold, input, smooth)


def mish(input, inplace=False):
    """x·tanh(softplus(x))."""
    return input * tanh(ops.softplus(input))


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """x clamped to [min_val, max_val]; slope 1 strictly inside, 0 elsewhere, as PyTorch's
    hardtanh (clamp's slope is 1 at the ends too: at an end the two are different functions'
    one-sided slopes, and PyTorch picks differently for each)."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) must not exceed max_val ({max_val})")
    inside = (input > min_val) & (input < max_val)
    return ops.where(inside, input, ops.clamp(input, min_val, max_val).detach())


def softsign(input):
    """x / (1 + |x|)."""
    return input / (ops.abs(input) + 1)
