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
own array, so its dtype (float32) and device are kept. The structured fills at the end (eye_,
dirac_: layers that start as the identity; orthogonal_; trunc_normal_; sparse_) build their
numbers on the host from the same generator and copy them in.
"""

import math
import warnings

import numpy as np

from minigrad.autograd import no_grad
from minigrad.random import generator

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d",
           "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity, param=None):
    """The factor that keeps activations' variance stable through `nonlinearity` (the
    nonlinearities PyTorch knows, by their nn.functional names)."""
    if nonlinearity in _LINEAR:
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
        return 3.0 / 4  # PyTorch's value, found empirically (3/4, not SELU's own 1)
    raise ValueError(
        f"calculate_gain: unsupported nonlinearity {nonlinearity!r} (known: "
        f"{', '.join(_LINEAR + ('tanh', 'relu', 'leaky_relu', 'selu'))})"
    )


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


# ---- structured and truncated fills -------------------------------------------------------
# Built as float64 numbers on the host from the seeded generator, then copied into the tensor
# (copy_ keeps its dtype and device), under no_grad so parameters can be filled.


def _check_dims(op, tensor, allowed):
    if tensor.ndim not in allowed:
        raise ValueError(
            f"{op}: tensors with {' or '.join(map(str, allowed))} dims are supported, got shape "
            f"{tuple(tensor.shape)}"
        )


@no_grad()
def eye_(tensor):
    """The identity matrix (ones on the main diagonal of a 2-D, maybe non-square, tensor): a
    Linear layer that passes as many inputs through unchanged as it can."""
    _check_dims("eye_", tensor, (2,))
    return tensor.copy_(np.eye(*tensor.shape))


@no_grad()
def dirac_(tensor, groups=1):
    """The Dirac delta of a convolution weight (out, in, *kernel): out channel d of each group
    copies in channel d through the kernel's centre, so the convolution passes its input
    through (as many channels as min(out per group, in))."""
    _check_dims("dirac_", tensor, (3, 4, 5))
    if groups < 1 or tensor.shape[0] % groups:
        raise ValueError(
            f"dirac_: dim 0 of shape {tuple(tensor.shape)} must be divisible by groups={groups}"
        )
    out_per_group = tensor.shape[0] // groups
    centre = tuple(size // 2 for size in tensor.shape[2:])
    values = np.zeros(tensor.shape)
    for group in range(groups):
        for d in range(min(out_per_group, tensor.shape[1])):
            values[(group * out_per_group + d, d, *centre)] = 1
    return tensor.copy_(values)


@no_grad()
def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0):
    """N(mean, std²) restricted to [a, b] (a and b are values, not multiples of std).

    By rejection, as PyTorch 2.13 does: when [a, b] holds more than 30% of the normal's mass,
    draw normals and redraw those outside; otherwise (a narrow or far window, where few normals
    would land in it) draw uniformly on [a, b] and keep x with probability
    e^(−(x−mean)²/2std²) / its peak on [a, b], which leaves the normal's shape on [a, b].
    """
    if not std > 0 or not a < b:
        raise ValueError(f"trunc_normal_: needs std > 0 and a < b, got std={std}, a={a}, b={b}")
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn(
            "trunc_normal_: mean is more than 2 std from [a, b]; the distribution of values "
            "may be incorrect",
            stacklevel=3,
        )

    def normal_cdf(x):
        return (1.0 + math.erf((x - mean) / (std * math.sqrt(2.0)))) / 2.0

    rng, size = generator(), tensor.numel()
    if normal_cdf(b) - normal_cdf(a) > 0.3:
        def draw(n):
            return rng.normal(mean, std, n)

        def keep(x):
            return (x >= a) & (x <= b)
    else:
        mode = min(max(mean, a), b)

        def draw(n):
            return rng.uniform(a, b, n)

        def keep(x):
            log_ratio = -0.5 * (((x - mean) / std) ** 2 - ((mode - mean) / std) ** 2)
            return np.log(rng.uniform(size=len(x))) <= log_ratio
    values = draw(size)
    pending = ~keep(values)
    while pending.any():
        redrawn = draw(int(pending.sum()))
        values[pending] = redrawn
        pending[pending] = ~keep(redrawn)
    return tensor.copy_(values.reshape(tensor.shape))


@no_grad()
def orthogonal_(tensor, gain=1.0):
    """A (semi-)orthogonal matrix times `gain`, the dims after the first flattened: rows (or,
    for a wide matrix, columns) orthonormal.

    Q of the QR factorisation of a Gaussian matrix, with each column of Q multiplied by the
    sign of R's diagonal entry: without that fix Q is not uniformly (Haar) distributed over
    the orthogonal matrices, since QR's sign convention favours some of them.
    """
    if tensor.ndim < 2:
        raise ValueError(
            f"orthogonal_: needs a tensor with at least 2 dims, got shape {tuple(tensor.shape)}"
        )
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flattened = generator().normal(0.0, 1.0, (rows, cols))
    if rows < cols:
        flattened = flattened.T
    q, r = np.linalg.qr(flattened)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return tensor.copy_(gain * q.reshape(tensor.shape))


@no_grad()
def sparse_(tensor, sparsity, std=0.01):
    """A 2-D weight drawn from N(0, std²), then in each column ⌈sparsity · rows⌉ entries,
    chosen at random, set to zero (Martens 2010)."""
    _check_dims("sparse_", tensor, (2,))
    if not 0 <= sparsity <= 1:
        raise ValueError(f"sparse_: sparsity must lie in [0, 1], got {sparsity}")
    rows, cols = tensor.shape
    zeros_per_column = math.ceil(sparsity * rows)
    rng = generator()
    values = rng.normal(0.0, std, (rows, cols))
    for col in range(cols):
        values[rng.permutation(rows)[:zeros_per_column], col] = 0
    return tensor.copy_(values)
