"""Elementwise ops: one output number per input number (after broadcasting).

For out = f(a, b) with broadcasting, the chain rule gives d(loss)/da = g * df/da, where
g = d(loss)/d(out); where `a` was broadcast, its gradient is summed back to its own shape
(`unbroadcast`). Each op's docstring states its derivative.
"""

import math

import numpy as np

from minigrad import dtypes
from minigrad.autograd import Function, unbroadcast
from minigrad.backend import array_module
from minigrad.checks import broadcast_error, check_floating
from minigrad.ops.smooth import to_float
from minigrad.ops.special import erf_and_erfc, gaussian
from minigrad.tensor import Tensor


def as_tensor_like(value, like):
    """A Python number or numpy array as a tensor that fits next to `like`.

    A number (Python or numpy scalar, or 0-d array) takes `like`'s dtype, so `x * 2` and
    `x / np.prod(shape)` stay float32; except that a float next to an integer or bool tensor
    becomes float32 and an integer next to a bool tensor int64 (as in PyTorch).
    """
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (bool, int, float, np.generic)) or (
        isinstance(value, np.ndarray) and value.ndim == 0
    ):
        kind, dtype = np.asarray(value).dtype.kind, like.dtype
        if kind == "f" and dtype.kind in "iub":
            dtype = dtypes.default_float
        elif kind in "iu" and dtype.kind == "b":
            dtype = dtypes.int64
        return Tensor._make(array_module(like.data).asarray(value, dtype=dtype))
    return Tensor(value, device=like.device)


def promote(a, b):
    """An integer or bool tensor next to a float tensor takes the float's dtype, as in PyTorch
    (numpy would widen int64 with float32 to float64). Only floats carry gradients, so the
    cast needs no graph."""
    if a.data.dtype == b.data.dtype:  # the usual case, settled in one comparison
        return a, b
    if a.dtype.kind == "f" and b.dtype.kind != "f":
        b = Tensor._make(b.data.astype(a.dtype))
    elif b.dtype.kind == "f" and a.dtype.kind != "f":
        a = Tensor._make(a.data.astype(b.dtype))
    return a, b


def _binary(function, a, b):
    a_is_tensor = isinstance(a, Tensor)
    a, b = (a, as_tensor_like(b, a)) if a_is_tensor else (as_tensor_like(a, b), b)
    a, b = promote(a, b)
    try:
        return function.apply(a, b)
    except ValueError:
        error = broadcast_error(function.__name__.lower(), a.shape, b.shape)
        if error is not None:
            raise error from None
        raise


class Add(Function):
    """a + b;  da = g, db = g."""

    def forward(self, a, b):
        self.shapes = a.shape, b.shape
        return a + b

    def backward(self, g):
        return unbroadcast(g, self.shapes[0]), unbroadcast(g, self.shapes[1])


class Sub(Function):
    """a - b;  da = g, db = -g."""

    def forward(self, a, b):
        self.shapes = a.shape, b.shape
        return a - b

    def backward(self, g):
        return unbroadcast(g, self.shapes[0]), unbroadcast(-g, self.shapes[1])


class Mul(Function):
    """a * b;  da = g * b, db = g * a."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, g):
        a, b = self.a, self.b
        da = unbroadcast(g * b, a.shape) if self.needs_input_grad[0] else None
        db = unbroadcast(g * a, b.shape) if self.needs_input_grad[1] else None
        return da, db


class Div(Function):
    """a / b;  da = g / b, db = -g * a / b²."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return a / b

    def backward(self, g):
        a, b = self.a, self.b
        da = unbroadcast(g / b, a.shape) if self.needs_input_grad[0] else None
        db = unbroadcast(-g * a / (b * b), b.shape) if self.needs_input_grad[1] else None
        return da, db


class Pow(Function):
    """a ** b;  da = g * b * a^(b-1), db = g * a^b * ln(a)."""

    autocast_policy = "fp32"

    def forward(self, a, b):
        self.a, self.b = a, b
        self.out = a**b
        return self.out

    def backward(self, g):
        a, b = self.a, self.b
        da = unbroadcast(g * b * a ** (b - 1), a.shape) if self.needs_input_grad[0] else None
        db = None
        if self.needs_input_grad[1]:
            db = unbroadcast(g * self.out * array_module(a).log(a), b.shape)
        return da, db


class PowScalar(Function):
    """a ** p for a fixed number p;  da = g * p * a^(p-1)."""

    autocast_policy = "fp32"

    def forward(self, a, exponent):
        self.a, self.exponent = a, exponent
        return a**exponent

    def backward(self, g):
        p = self.exponent
        if p == 2:
            return g * 2 * self.a
        return g * p * self.a ** (p - 1)


def add(a, b):
    return _binary(Add, a, b)


def sub(a, b):
    return _binary(Sub, a, b)


def mul(a, b):
    return _binary(Mul, a, b)


def div(a, b, *, rounding_mode=None):
    """True division: integer tensors divide as float32, as in PyTorch (numpy gives float64).
    With rounding_mode 'trunc' or 'floor' the quotient is rounded toward 0 or −inf, and
    integer tensors stay integer (ops/rounding.py)."""
    if rounding_mode is not None:
        # imported here: rounding.py builds on this file
        from minigrad.ops.rounding import rounded_divide

        return rounded_divide("div", a, b, rounding_mode)
    return _binary(Div, to_float(a), to_float(b))


def true_divide(a, b):
    """div without rounding (PyTorch's older name)."""
    return div(a, b)


def pow(a, b):
    if isinstance(a, Tensor) and isinstance(b, (int, float)) and not isinstance(b, bool):
        if isinstance(b, float) and a.dtype.kind != "f":
            a = a.float()  # a fractional power of an integer tensor is float32, not float64
        return PowScalar.apply(a, exponent=b)
    return _binary(Pow, a, b)


class Neg(Function):
    """-a;  da = -g."""

    def forward(self, a):
        return -a

    def backward(self, g):
        return -g


class Exp(Function):
    """e^a;  da = g * e^a (the output itself)."""

    autocast_policy = "fp32"

    def forward(self, a):
        self.out = array_module(a).exp(a)
        return self.out

    def backward(self, g):
        return g * self.out


class Log(Function):
    """ln a;  da = g / a."""

    autocast_policy = "fp32"

    def forward(self, a):
        self.a = a
        return array_module(a).log(a)

    def backward(self, g):
        return g / self.a


class Sqrt(Function):
    """√a;  da = g / (2√a)."""

    def forward(self, a):
        self.out = array_module(a).sqrt(a)
        return self.out

    def backward(self, g):
        return g / (2 * self.out)


class Tanh(Function):
    """tanh a;  da = g * (1 - tanh²a)."""

    def forward(self, a):
        self.out = array_module(a).tanh(a)
        return self.out

    def backward(self, g):
        return g * (1 - self.out * self.out)


class Sigmoid(Function):
    """σ(a) = 1 / (1 + e^-a);  da = g * σ(1 - σ).

    Computed as exp(-log(1 + e^-a)) with numpy's stable logaddexp: the textbook
    1/(1+exp(-a)) computes exp(10000) = inf (and warns) for a = -1e4.
    """

    def forward(self, a):
        xp = array_module(a)
        self.out = xp.exp(-xp.logaddexp(0, -a))
        return self.out

    def backward(self, g):
        return g * self.out * (1 - self.out)


class Softplus(Function):
    """ln(1 + e^a);  da = g * σ(a) = g * e^(a - out).

    Fused for stability: composed, e^a overflows for a > 88 in float32 and ln(1 + e^a) is 0
    for a < -17 where the answer is e^a. numpy's logaddexp(0, a) is exact at both ends.
    """

    autocast_policy = "fp32"

    def forward(self, a):
        self.a = a
        self.out = array_module(a).logaddexp(0, a)
        return self.out

    def backward(self, g):
        return g * array_module(g).exp(self.a - self.out)


class Relu(Function):
    """max(a, 0);  da = g where a > 0, else 0.

    a > 0 exactly where the output is > 0, so backward reads the output (which the graph
    keeps anyway, as the next op's input) instead of a mask kept from forward."""

    def forward(self, a):
        self.out = array_module(a).maximum(a, 0)
        return self.out

    def backward(self, g):
        return g * (self.out > 0)


class Abs(Function):
    """|a|;  da = g * sign(a)."""

    def forward(self, a):
        self.a = a
        return array_module(a).abs(a)

    def backward(self, g):
        return g * array_module(g).sign(self.a)


class Clamp(Function):
    """a limited to [min, max];  da = g inside the range (ends included), 0 outside."""

    def forward(self, a, low, high):
        xp = array_module(a)
        self.inside = xp.ones(a.shape, dtype=bool)
        if low is not None:
            self.inside &= a >= low
        if high is not None:
            self.inside &= a <= high
        return xp.clip(a, low, high)

    def backward(self, g):
        return g * self.inside


class Gelu(Function):
    """x·Φ(x), Φ the standard normal CDF;  dx = g * (Φ(x) + x·φ(x)).

    approximate='tanh' uses Φ(x) ≈ (1 + tanh(√(2/π)(x + 0.044715x³)))/2, as GPT-2 did.
    The exact Φ needs erf, which numpy lacks: `normal_cdf_and_pdf` below takes it from
    ops/special.py.
    """

    def forward(self, x, approximate):
        xp = array_module(x)
        self.x, self.approximate = x, approximate
        if approximate == "tanh":
            self.inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)
            self.t = xp.tanh(self.inner)
            return 0.5 * x * (1 + self.t)
        self.cdf, self.pdf = _cdf_and_pdf_implementation(x)(x)
        return x * self.cdf

    def backward(self, g):
        x = self.x
        if self.approximate == "tanh":
            d_inner = math.sqrt(2 / math.pi) * (1 + 3 * 0.044715 * x * x)
            return g * (0.5 * (1 + self.t) + 0.5 * x * (1 - self.t * self.t) * d_inner)
        slope = x * self.pdf
        slope += self.cdf
        slope *= g
        return slope


def normal_cdf_and_pdf(x):
    """(Φ(x), φ(x)) of the standard normal, on numpy or CuPy arrays: Φ(x) = erfc(−x/√2)/2
    with the erfc of ops/special.py (the one mg.erfc uses, good to ~1e-15), and
    φ(x) = e^(−x²/2)/√(2π). On the CPU compiled loops do it faster (ops/cpu_kernels.py): the
    C library's erfc for float64, a float32-accurate Chebyshev fit for float32."""
    scaled = x * (1 / math.sqrt(2))
    cdf = erf_and_erfc(-scaled)[1]
    cdf *= 0.5
    pdf = gaussian(array_module(x).abs(scaled))
    pdf *= 1 / math.sqrt(2 * math.pi)
    return cdf, pdf


def _cdf_and_pdf_implementation(x):
    """On the CPU, compiled loops around numpy's exp (see ops/cpu_kernels.py); the
    numpy/CuPy lines above elsewhere."""
    if isinstance(x, np.ndarray):
        from minigrad.ops import cpu_kernels  # numba loads on first use, not on import

        return cpu_kernels.normal_cdf_and_pdf
    return normal_cdf_and_pdf


class Maximum(Function):
    """max(a, b) elementwise;  g goes to the larger input, split evenly on ties."""

    def forward(self, a, b):
        self.shapes = a.shape, b.shape
        self.a_share = (a > b) + 0.5 * (a == b)
        return array_module(a).maximum(a, b)

    def backward(self, g):
        share = self.a_share.astype(g.dtype, copy=False)
        return unbroadcast(g * share, self.shapes[0]), unbroadcast(g * (1 - share), self.shapes[1])


class Where(Function):
    """condition ? a : b;  da = g where condition, db = g elsewhere."""

    def forward(self, a, b, condition):
        self.shapes, self.condition = (a.shape, b.shape), condition
        return array_module(a).where(condition, a, b)

    def backward(self, g):
        zero = g.dtype.type(0)
        xp = array_module(g)
        da = unbroadcast(xp.where(self.condition, g, zero), self.shapes[0])
        db = unbroadcast(xp.where(self.condition, zero, g), self.shapes[1])
        return da, db


class Sin(Function):
    """sin a;  da = g * cos a."""

    def forward(self, a):
        self.a = a
        return array_module(a).sin(a)

    def backward(self, g):
        return g * array_module(g).cos(self.a)


class Cos(Function):
    """cos a;  da = -g * sin a."""

    def forward(self, a):
        self.a = a
        return array_module(a).cos(a)

    def backward(self, g):
        return -g * array_module(g).sin(self.a)


class StepFunction(Function):
    """sign, floor, ceil, round, trunc: flat between their jumps, so da = 0 (as in PyTorch)."""

    def forward(self, a, name, decimals=0):
        xp = array_module(a)
        if a.dtype.kind in "iub" and name != "sign":
            return a.copy()  # integers are already whole (numpy would return float64)
        return xp.round(a, decimals) if name == "round" else getattr(xp, name)(a)

    def backward(self, g):
        return array_module(g).zeros_like(g)


class Cast(Function):
    """The same numbers in another dtype;  the gradient is cast back to the input's dtype."""

    def forward(self, a, dtype):
        self.input_dtype = a.dtype
        return a.astype(dtype)

    def backward(self, g):
        return g.astype(self.input_dtype)


def neg(a):
    return Neg.apply(a)


def exp(a):
    return Exp.apply(a)


def log(a):
    return Log.apply(a)


def sqrt(a):
    return Sqrt.apply(a)


def tanh(a):
    return Tanh.apply(a)


def sigmoid(a):
    return Sigmoid.apply(a)


def relu(a):
    return Relu.apply(a)


def softplus(a):
    return Softplus.apply(a)


def abs(a):
    return Abs.apply(a)


def sin(a):
    return Sin.apply(a)


def cos(a):
    return Cos.apply(a)


def rsqrt(a):
    """1/√a, as a ** -0.5 (one op, whose gradient is pow's)."""
    return pow(a, -0.5)


def sign(a):
    return StepFunction.apply(a, name="sign")


def floor(a):
    return StepFunction.apply(a, name="floor")


def ceil(a):
    return StepFunction.apply(a, name="ceil")


def trunc(a):
    """Rounds toward zero (torch.fix is the same function)."""
    return StepFunction.apply(a, name="trunc")


fix = trunc


def frac(a):
    """a − trunc(a), with a's sign; its gradient is 1 (trunc's is 0)."""
    check_floating("frac", a)
    return a - trunc(a)


def round(a, decimals=0):
    """Halves round to even, as in PyTorch and numpy."""
    return StepFunction.apply(a, name="round", decimals=decimals)


def lerp(start, end, weight):
    """start + weight·(end − start), composed from sub, mul and add."""
    return start + weight * (end - start)


def gelu(a, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return Gelu.apply(a, approximate=approximate)


def clamp(a, min=None, max=None):
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    return Clamp.apply(a, low=min, high=max)


def maximum(a, b):
    return _binary(Maximum, a, b)


def minimum(a, b):
    """min(a, b) = -max(-a, -b): the same gradient rule, so no separate backward."""
    return neg(maximum(neg(a), neg(b) if isinstance(b, Tensor) else -b))


def fmax(input, other):
    """max(input, other), except that a nan loses to a number (maximum lets nan win).
    Composed from where: the gradient goes to input where it is kept, ties included, as in
    PyTorch."""
    return where(_keeps_input(input, other, "ge"), input, other)


def fmin(input, other):
    """min(input, other), except that a nan loses to a number."""
    return where(_keeps_input(input, other, "le"), input, other)


def _keeps_input(input, other, order):
    other_is_nan = isnan(other) if isinstance(other, Tensor) else math.isnan(other)
    return compare("or", compare(order, input, other), other_is_nan)


def where(condition, input, other):
    """Elements of `input` where `condition` is true, else of `other` (either may be a number)."""
    like = input if isinstance(input, Tensor) else other
    if not isinstance(like, Tensor):
        raise TypeError("where: at least one of input and other must be a tensor")
    a, b = promote(as_tensor_like(input, like), as_tensor_like(other, like))
    xp = array_module(like.data)
    cond = condition.data if isinstance(condition, Tensor) else xp.asarray(condition)
    if cond.dtype != bool:
        raise TypeError(f"where: condition must be a bool tensor, got dtype {cond.dtype}")
    error = broadcast_error("where", cond.shape, a.shape, b.shape)
    if error is not None:
        raise error
    return Where.apply(a, b, condition=cond)


def cast(a, dtype):
    if a.requires_grad and not dtypes.is_floating(dtype):
        return Tensor._make(a.data.astype(dtype))
    return Cast.apply(a, dtype=dtype)


_COMPARISONS = {
    "eq": np.equal,
    "ne": np.not_equal,
    "lt": np.less,
    "le": np.less_equal,
    "gt": np.greater,
    "ge": np.greater_equal,
    "and": np.logical_and,
    "or": np.logical_or,
    "xor": np.logical_xor,
}


def compare(name, a, b):
    """a == b, a < b, ... as a bool tensor. Comparisons have no gradient."""
    b = as_tensor_like(b, a) if not isinstance(b, Tensor) else b
    error = broadcast_error(name, a.shape, b.shape)
    if error is not None:
        raise error
    return Tensor._make(_COMPARISONS[name](a.data, b.data))


def invert(a):
    """~a for a bool tensor (PyTorch's ~ on integers flips bits, which minigrad leaves out)."""
    if a.dtype != bool:
        raise TypeError(f"~: expected a bool tensor, got dtype {a.dtype}")
    return Tensor._make(~a.data)


def logical_and(input, other):
    """Whether both are non-zero, as a bool tensor (any dtypes)."""
    return compare("and", input, other)


def logical_or(input, other):
    return compare("or", input, other)


def logical_xor(input, other):
    return compare("xor", input, other)


def logical_not(input):
    return Tensor._make(array_module(input.data).logical_not(input.data))


def isnan(a):
    return Tensor._make(array_module(a.data).isnan(a.data))


def isinf(a):
    return Tensor._make(array_module(a.data).isinf(a.data))


def isposinf(a):
    return compare("eq", a, math.inf) if a.dtype.kind == "f" else isinf(a)


def isneginf(a):
    return compare("eq", a, -math.inf) if a.dtype.kind == "f" else isinf(a)


def isfinite(a):
    return Tensor._make(array_module(a.data).isfinite(a.data))


def nan_to_num(a, nan=0.0, posinf=None, neginf=None):
    """NaN as `nan`, +inf as `posinf` and -inf as `neginf` (by default the largest and lowest
    number of a's dtype). Composed from where: the gradient passes where a is finite."""
    if a.dtype.kind != "f":
        return a
    info = np.finfo(a.dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    out = where(isnan(a), nan, a)
    out = where(compare("eq", a, math.inf), posinf, out)
    return where(compare("eq", a, -math.inf), neginf, out)


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|a − b| ≤ atol + rtol·|b| elementwise, as a bool tensor (PyTorch's defaults)."""
    b = as_tensor_like(b, a)
    error = broadcast_error("isclose", a.shape, b.shape)
    if error is not None:
        raise error
    xp = array_module(a.data)
    return Tensor._make(xp.isclose(a.data, b.data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether every element of a is close to b's (see isclose), as a Python bool."""
    return bool(isclose(a, b, rtol, atol, equal_nan).data.all())
