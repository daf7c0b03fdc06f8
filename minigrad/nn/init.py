"""Weight initialisation, as `torch.nn.init` names it: each function fills a tensor in place.

Why the scale matters: a layer y = W x with fan_in inputs multiplies the variance of its input
by fan_in · Var(W). Keeping that product near 1 keeps activations from shrinking to zero or
blowing up through a deep network:

    xavier (Glorot):   Var(W) = gain² · 2 / (fan_in + fan_out)   (balances forward and backward)
    kaiming (He):      Var(W) = gain² / fan                     (fan = fan_in or fan_out)

`gain` undoes what the nonlinearity does to the variance: ReLU zeroes half its inputs, so its
gain is √2. A uniform distribution on [-b, b] has variance b²/3, so the uniform variants draw
with bound b = √3 · std.

Each function fills the tensor under no_grad (so parameters can be filled) through the
tensor's own in-place ops, `uniform_`, `normal_` and `fill_` (minigrad/in_place.py): numbers
from the seeded generator (`minigrad.random`), drawn on the CPU and written into the tensor's
own array, so its dtype (float32) and device are kept.
"""

import math

from minigrad.autograd import no_grad


def calculate_gain(nonlinearity, param=None):
    """The factor that keeps activations' variance stable through `nonlinearity`."""
    if nonlinearity in ("linear", "identity", "sigmoid") or nonlinearity.startswith("conv"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"calculate_gain: negative_slope {slope!r} is not a number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _calculate_fan_in_and_fan_out(tensor):
    """Inputs and outputs each weight touches: a (out, in, *kernel) weight has
    fan_in = in · kernel size and fan_out = out · kernel size."""
    if tensor.ndim < 2:
        raise ValueError(
            f"init: fan in and fan out need a tensor with at least 2 dims, got shape "
            f"{tuple(tensor.shape)}"
        )
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _fan(tensor, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"init: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


@no_grad()
def uniform_(tensor, a=0.0, b=1.0):
    return tensor.uniform_(a, b)


@no_grad()
def normal_(tensor, mean=0.0, std=1.0):
    return tensor.normal_(mean, std)


def constant_(tensor, val):
    return tensor.fill_(val)


def zeros_(tensor):
    return tensor.fill_(0)


def ones_(tensor):
    return tensor.fill_(1)


def xavier_uniform_(tensor, gain=1.0):
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor, gain=1.0):
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def _kaiming_std(tensor, a, mode, nonlinearity):
    fan = _fan(tensor, mode)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan) if fan else 0.0


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    """U(-b, b) with b = gain · √(3 / fan); `a` is the leaky-ReLU slope the gain is for."""
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity))
