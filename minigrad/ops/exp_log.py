"""Exponentials, logarithms and powers beyond exp, log and pow (elementwise.py):

    log1p a = ln(1 + a), exact for tiny a (1 + 1e-17 rounds to 1)     d: 1/(1 + a)
    expm1 a = eᵃ − 1, exact for tiny a                                  d: eᵃ = out + 1
    log2 a, log10 a                                                     d: 1/(a ln 2), 1/(a ln 10)
    exp2 a = 2ᵃ                                                         d: 2ᵃ ln 2
    logaddexp(a, b) = ln(eᵃ + eᵇ), never overflowing                    d: e^(a − out), e^(b − out)
    logaddexp2(a, b) = log₂(2ᵃ + 2ᵇ)                                    d: 2^(a − out), 2^(b − out)
    xlogy(x, y) = x·ln y, and 0 where x = 0 (unless y is nan)           d: ln y, x/y

square, reciprocal and float_power are compositions of pow and div, and addcmul/addcdiv of
mul, div and add. Integer inputs give float32 where PyTorch's results are float.
"""

import math

from minigrad import dtypes
from minigrad.ops.elementwise import _binary, add, div, mul, pow
from minigrad.ops.smooth import (
    SmoothBinary,
    SmoothUnary,
    check_floating_tensors,
    to_float,
)
from minigrad.tensor import Tensor

LN2, LN10 = math.log(2), math.log(10)


class Log1p(SmoothUnary):
    """ln(1 + a);  da = g / (1 + a)."""

    def value(self, xp, a):
        return xp.log1p(a)

    def slope(self, xp, a, out):
        return 1 / (1 + a)


class Expm1(SmoothUnary):
    """eᵃ − 1;  da = g · eᵃ = g · (out + 1)."""

    def value(self, xp, a):
        return xp.expm1(a)

    def slope(self, xp, a, out):
        return out + 1


class Log2(SmoothUnary):
    """log₂ a;  da = g / (a ln 2)."""

    def value(self, xp, a):
        return xp.log2(a)

    def slope(self, xp, a, out):
        return 1 / (a * LN2)


class Log10(SmoothUnary):
    """log₁₀ a;  da = g / (a ln 10)."""

    def value(self, xp, a):
        return xp.log10(a)

    def slope(self, xp, a, out):
        return 1 / (a * LN10)


class Exp2(SmoothUnary):
    """2ᵃ;  da = g · 2ᵃ ln 2."""

    def value(self, xp, a):
        return xp.exp2(a)

    def slope(self, xp, a, out):
        return out * LN2


class LogAddExp(SmoothBinary):
    """ln(eᵃ + eᵇ) = max + ln(1 + e^−|a−b|) (numpy's logaddexp);  da = g·e^(a − out)."""

    def value(self, xp, a, b):
        return xp.logaddexp(a, b)

    def slopes(self, xp, a, b, out):
        return xp.exp(a - out), xp.exp(b - out)


class LogAddExp2(SmoothBinary):
    """log₂(2ᵃ + 2ᵇ);  da = g·2^(a − out)."""

    def value(self, xp, a, b):
        return xp.logaddexp2(a, b)

    def slopes(self, xp, a, b, out):
        return xp.exp2(a - out), xp.exp2(b - out)


class XLogY(SmoothBinary):
    """x·ln y, 0 where x = 0 and y is not nan (so 0·ln 0 = 0);  dx = g·ln y where x ≠ 0
    (0 where x = 0, as PyTorch), dy = g·x/y."""

    def value(self, xp, x, y):
        self.x_is_zero = (x == 0) & ~xp.isnan(y)
        safe_y = xp.where(self.x_is_zero, 1, y)
        return xp.where(self.x_is_zero, 0, x * xp.log(safe_y))

    def slopes(self, xp, x, y, out):
        safe_y = xp.where(self.x_is_zero, 1, y)
        return xp.log(safe_y), x / safe_y


def log1p(input):
    return Log1p.apply(to_float(input))


def expm1(input):
    return Expm1.apply(to_float(input))


def log2(input):
    return Log2.apply(to_float(input))


def log10(input):
    return Log10.apply(to_float(input))


def exp2(input):
    return Exp2.apply(to_float(input))


def logaddexp(input, other):
    """Floating-point tensors only, as in PyTorch."""
    check_floating_tensors("logaddexp", input, other)
    return _binary(LogAddExp, input, other)


def logaddexp2(input, other):
    check_floating_tensors("logaddexp2", input, other)
    return _binary(LogAddExp2, input, other)


def xlogy(input, other):
    return _binary(XLogY, to_float(input), to_float(other))


def square(input):
    """input², as pow(input, 2): integer tensors stay integer, as in PyTorch."""
    return pow(input, 2)


def reciprocal(input):
    """1 / input (integer tensors give float32, as in PyTorch)."""
    return div(1.0, to_float(input))


def float_power(input, exponent):
    """input ** exponent in float64 whatever the inputs' dtypes, as in PyTorch; the gradient
    returns to each input in its own dtype (through the casts)."""
    input, exponent = (
        value.to(dtypes.float64) if isinstance(value, Tensor) else float(value)
        for value in (input, exponent)
    )
    return pow(input, exponent)


def addcmul(input, tensor1, tensor2, value=1):
    """input + value · tensor1 · tensor2."""
    return add(input, mul(mul(tensor1, tensor2), value))


def addcdiv(input, tensor1, tensor2, value=1):
    """input + value · tensor1 / tensor2. Integer tensor1 and tensor2 are refused, as in
    PyTorch (whose old integer division here was dropped)."""
    if tensor1.dtype.kind != "f" and tensor2.dtype.kind != "f":
        raise TypeError(
            f"addcdiv: tensor1 and tensor2 are both integer ({tensor1.dtype}, {tensor2.dtype}); "
            "convert one to a floating-point dtype"
        )
    return add(input, mul(div(tensor1, tensor2), value))
