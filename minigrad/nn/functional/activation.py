"""Activation functions and softmax, as `minigrad.nn.functional` names them.

The primitive ops live in `minigrad.ops`; this module gives them PyTorch's functional names
and signatures (`F.softmax(x, dim=-1)`, `F.gelu(x, approximate='tanh')`) and composes the
rest from them, so their gradients come from ops already checked. Every one stays finite at
±1e4 in float32: no branch computes e^x of a large x, even one that `where` then discards
(its gradient would be 0 · inf = nan).
"""

from minigrad.autograd import under_autocast
from minigrad.backend import to_device
from minigrad.ops import elementwise as ops
from minigrad.ops.elementwise import gelu, relu, sigmoid, tanh  # noqa: F401
from minigrad.ops.softmax import log_softmax, softmax  # noqa: F401
from minigrad.random import generator
from minigrad.tensor import Tensor

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
    """x for x > 0, α(e^x − 1) otherwise."""
    return _exponential_linear(input, alpha, input_scale=1.0)


def celu(input, alpha=1.0, inplace=False):
    """x for x > 0, α(e^(x/α) − 1) otherwise: elu whose slope at 0⁻ is 1 for every α, so the
    function is continuously differentiable there."""
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0 (the negative branch divides by it)")
    return _exponential_linear(input, alpha, input_scale=1 / alpha)


def _exponential_linear(input, alpha, input_scale):
    """x for x > 0, α(e^(s·x) − 1) otherwise. e^(s·x) is taken of min(x, 0), so large x
    cannot overflow in the branch that is not used."""
    negative_part = (ops.exp(ops.clamp(input, max=0.0) * input_scale) - 1) * alpha
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


def relu6(input, inplace=False):
    """min(max(x, 0), 6), which is hardtanh(x, 0, 6): slope 0 at 0 and at 6, as PyTorch."""
    return hardtanh(input, 0.0, 6.0)


def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6: 0 below -3, 1 above 3, a straight line between (a cheap σ)."""
    return relu6(input + 3.0) / 6.0


def hardswish(input, inplace=False):
    """x · hardsigmoid(x) (MobileNetV3's cheap silu). Its slope at ±3 comes out as PyTorch's
    (0 at -3, 1 at 3) because hardtanh's slope at its ends is 0."""
    return input * hardsigmoid(input)


def logsigmoid(input):
    """log σ(x) = -softplus(-x), through the fused softplus: finite at ±1e4, where
    log(sigmoid(x)) takes log 0 = -inf once σ(x) underflows (x < -104 in float32)."""
    return -ops.softplus(-input)


def threshold(input, threshold, value, inplace=False):
    """x where x > threshold, else `value` (slope 0 there, and at x = threshold)."""
    return ops.where(input > threshold, input, value)


def tanhshrink(input):
    """x − tanh(x)."""
    return input - tanh(input)


def softshrink(input, lambd=0.5):
    """x − λ above λ, x + λ below −λ, 0 between: x − clamp(x, −λ, λ), whose slope is 0 on
    [−λ, λ] ends included, as PyTorch's."""
    if not lambd >= 0:
        raise ValueError(f"softshrink: lambd must be ≥ 0, got {lambd}")
    return input - ops.clamp(input, -lambd, lambd)


def hardshrink(input, lambd=0.5):
    """x where |x| > λ, else 0."""
    return ops.where(ops.abs(input) > lambd, input, 0.0)


@under_autocast("lower_precision_fp")
def prelu(input, weight):
    """x for x > 0, a·x otherwise, with a learned slope a per channel (dim 1), or one for all.

    weight has 1 entry or one per channel (input.shape[1]; an input of fewer than 2 dims has
    one channel). The gradient reaches the weight through the product a·x.
    """
    if not isinstance(weight, Tensor) or weight.ndim != 1:
        got = tuple(weight.shape) if isinstance(weight, Tensor) else type(weight).__name__
        raise TypeError(f"prelu: weight must be a 1-d Tensor of slopes, got {got}")
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.shape[0] not in (1, channels):
        raise ValueError(
            f"prelu: weight has {weight.shape[0]} slopes, but an input of shape "
            f"{tuple(input.shape)} has {channels} channels (give 1 slope or {channels})"
        )
    if weight.dtype != input.dtype:
        raise TypeError(f"prelu: input is {input.dtype} but weight is {weight.dtype}")
    if input.ndim >= 2:
        weight = weight.reshape((-1,) + (1,) * (input.ndim - 2))
    return _with_negative_slope(input, weight)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky relu: x for x > 0, a·x otherwise.

    Training: a new slope a ~ U(lower, upper) for every element, drawn from minigrad's seeded
    generator. Evaluation: the mean slope (lower + upper)/2, so the layer is deterministic.
    """
    if lower > upper:
        raise ValueError(f"rrelu: lower ({lower}) must not exceed upper ({upper})")
    if not training:
        return _with_negative_slope(input, (lower + upper) / 2)
    slopes = generator().uniform(lower, upper, input.shape).astype(input.dtype)
    return _with_negative_slope(input, Tensor._make(to_device(slopes, input.device)))


def _with_negative_slope(input, slope):
    """x for x > 0, slope·x otherwise; at 0 the slope is `slope`, as in PyTorch's prelu and
    rrelu."""
    return ops.where(input > 0, input, input * slope)
