"""Trigonometric and hyperbolic functions beyond sin and cos (those are in elementwise.py),
and the two-argument atan2 and hypot. Each derivative is the textbook one:

    tan' = 1 + tan²         asin' = 1/√(1 − a²)     acos' = −1/√(1 − a²)    atan' = 1/(1 + a²)
    sinh' = cosh            cosh' = sinh            asinh' = 1/√(a² + 1)    acosh' = 1/√(a² − 1)
    atanh' = 1/(1 − a²)     atan2(a, b): ∂a = b/(a² + b²), ∂b = −a/(a² + b²)
    hypot(a, b) = √(a² + b²): ∂a = a/hypot, ∂b = b/hypot

Integer inputs give float32, as in PyTorch.
"""

from minigrad.ops.elementwise import _binary
from minigrad.ops.smooth import (
    SmoothBinary,
    SmoothUnary,
    check_floating_tensors,
    to_float,
)


class Tan(SmoothUnary):
    """tan a;  da = g · (1 + tan²a)."""

    def value(self, xp, a):
        return xp.tan(a)

    def slope(self, xp, a, out):
        return 1 + out * out


class Asin(SmoothUnary):
    """asin a;  da = g / √(1 − a²)."""

    def value(self, xp, a):
        return xp.arcsin(a)

    def slope(self, xp, a, out):
        return 1 / xp.sqrt(1 - a * a)


class Acos(SmoothUnary):
    """acos a;  da = −g / √(1 − a²)."""

    def value(self, xp, a):
        return xp.arccos(a)

    def slope(self, xp, a, out):
        return -1 / xp.sqrt(1 - a * a)


class Atan(SmoothUnary):
    """atan a;  da = g / (1 + a²)."""

    def value(self, xp, a):
        return xp.arctan(a)

    def slope(self, xp, a, out):
        return 1 / (1 + a * a)


class Sinh(SmoothUnary):
    """sinh a;  da = g · cosh a."""

    def value(self, xp, a):
        return xp.sinh(a)

    def slope(self, xp, a, out):
        return xp.cosh(a)


class Cosh(SmoothUnary):
    """cosh a;  da = g · sinh a."""

    def value(self, xp, a):
        return xp.cosh(a)

    def slope(self, xp, a, out):
        return xp.sinh(a)


class Asinh(SmoothUnary):
    """asinh a;  da = g / √(a² + 1)."""

    def value(self, xp, a):
        return xp.arcsinh(a)

    def slope(self, xp, a, out):
        return 1 / xp.sqrt(a * a + 1)


class Acosh(SmoothUnary):
    """acosh a (a ≥ 1);  da = g / √(a² − 1)."""

    def value(self, xp, a):
        return xp.arccosh(a)

    def slope(self, xp, a, out):
        return 1 / xp.sqrt(a * a - 1)


class Atanh(SmoothUnary):
    """atanh a (|a| < 1);  da = g / (1 − a²)."""

    def value(self, xp, a):
        return xp.arctanh(a)

    def slope(self, xp, a, out):
        return 1 / (1 - a * a)


class Atan2(SmoothBinary):
    """atan2(a, b), the angle of the point (b, a);  da = g·b/(a² + b²), db = −g·a/(a² + b²)."""

    def value(self, xp, a, b):
        return xp.arctan2(a, b)

    def slopes(self, xp, a, b, out):
        squared_radius = a * a + b * b
        return b / squared_radius, -a / squared_radius


class Hypot(SmoothBinary):
    """√(a² + b²) without overflow in a²;  da = g·a/out, db = g·b/out."""

    def value(self, xp, a, b):
        return xp.hypot(a, b)

    def slopes(self, xp, a, b, out):
        return a / out, b / out


def tan(input):
    return Tan.apply(to_float(input))


def asin(input):
    return Asin.apply(to_float(input))


def acos(input):
    return Acos.apply(to_float(input))


def atan(input):
    return Atan.apply(to_float(input))


def sinh(input):
    return Sinh.apply(to_float(input))


def cosh(input):
    return Cosh.apply(to_float(input))


def asinh(input):
    return Asinh.apply(to_float(input))


def acosh(input):
    return Acosh.apply(to_float(input))


def atanh(input):
    return Atanh.apply(to_float(input))


def atan2(input, other):
    return _binary(Atan2, to_float(input), to_float(other))


def hypot(input, other):
    """Floating-point tensors only, as in PyTorch (which has no integer hypot)."""
    check_floating_tensors("hypot", input, other)
    return _binary(Hypot, input, other)


arcsin, arccos, arctan, arcsinh, arccosh, arctanh, arctan2 = (
    asin, acos, atan, asinh, acosh, atanh, atan2
)
