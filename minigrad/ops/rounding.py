"""Division with rounding, and the Heaviside step.

    remainder(a, b) = a − b·floor(a/b)   sign of b (Python's %)   ∂a = 1, ∂b = −floor(a/b)
    fmod(a, b)      = a − b·trunc(a/b)   sign of a (C's fmod)     ∂a = 1, ∂b = −trunc(a/b)
    div(a, b, rounding_mode='floor') = floor(a/b)   (floor_divide, a // b)   ∂a = ∂b = 0
    div(a, b, rounding_mode='trunc') = trunc(a/b)                            ∂a = ∂b = 0
    heaviside(a, values) = 0 where a < 0, values where a = 0, 1 where a > 0; no gradient

Integer tensors stay integer, as in PyTorch.
"""

import numpy as np

from minigrad.backend import array_module
from minigrad.checks import broadcast_error
from minigrad.ops.elementwise import as_tensor_like, promote
from minigrad.ops.smooth import SmoothBinary
from minigrad.tensor import Tensor


class Remainder(SmoothBinary):
    """a − b·floor(a/b), with the sign of b;  da = g, db = −g·floor(a/b)."""

    def value(self, xp, a, b):
        return xp.remainder(a, b)

    def slopes(self, xp, a, b, out):
        return xp.ones_like(out), -xp.floor(a / b)


class Fmod(SmoothBinary):
    """a − b·trunc(a/b), with the sign of a;  da = g, db = −g·trunc(a/b)."""

    def value(self, xp, a, b):
        return xp.fmod(a, b)

    def slopes(self, xp, a, b, out):
        return xp.ones_like(out), -xp.trunc(a / b)


class RoundedDivide(SmoothBinary):
    """a / b rounded to a whole number: flat between its jumps, so da = db = 0 (PyTorch
    records these zero gradients too)."""

    def forward(self, a, b):
        with np.errstate(divide="ignore", invalid="ignore"):  # x/0 is ±inf or nan, unwarned
            return super().forward(a, b)

    def slopes(self, xp, a, b, out):
        zero = xp.zeros_like(out)
        return zero, zero


class FloorDivide(RoundedDivide):
    """floor(a / b), rounding toward −inf as Python's //."""

    def value(self, xp, a, b):
        return xp.floor_divide(a, b)


class TruncDivide(RoundedDivide):
    """trunc(a / b), rounding toward 0 as C's integer division."""

    def value(self, xp, a, b):
        if a.dtype.kind in "iub":
            return (a - xp.fmod(a, b)) // b  # exact: a − fmod(a, b) is a multiple of b
        return xp.trunc(a / b)


ROUNDED_DIVIDES = {"floor": FloorDivide, "trunc": TruncDivide}


def rounded_divide(op, input, other, rounding_mode):
    """input / other rounded by `rounding_mode` ('floor' or 'trunc'); integer tensors stay
    integer."""
    if rounding_mode not in ROUNDED_DIVIDES:
        raise ValueError(
            f"{op}: rounding_mode must be None, 'trunc' or 'floor', got {rounding_mode!r}"
        )
    return ROUNDED_DIVIDES[rounding_mode].apply(*_divisible(op, input, other))


def remainder(input, other):
    return Remainder.apply(*_divisible("remainder", input, other))


def fmod(input, other):
    return Fmod.apply(*_divisible("fmod", input, other))


def floor_divide(input, other):
    """floor(input / other), rounding toward −inf as Python's //; a zero gradient."""
    return rounded_divide("floor_divide", input, other, "floor")


def _divisible(op, input, other):
    """The operands, aligned; an integer divisor with a zero is refused, as in PyTorch (numpy
    would warn and give 0)."""
    a, b = _aligned(op, input, other)
    if b.dtype.kind in "iub" and bool((b.data == 0).any()):
        raise ZeroDivisionError(f"{op}: integer division by zero (the divisor is an {b.dtype} "
                                f"tensor of shape {tuple(b.shape)} that holds 0)")
    return a, b


def heaviside(input, values):
    """The step function: 0 below 0, 1 above, `values` at 0; no gradient."""
    a, b = _aligned("heaviside", input, values)
    xp = array_module(a.data)
    step = xp.where(a.data > 0, 1, 0).astype(a.dtype)
    return Tensor._make(xp.where(a.data == 0, b.data, step))


def _aligned(op, a, b):
    """a and b (either may be a number) as tensors of one dtype that broadcast together."""
    a, b = (a, as_tensor_like(b, a)) if isinstance(a, Tensor) else (as_tensor_like(a, b), b)
    a, b = promote(a, b)
    error = broadcast_error(op, a.shape, b.shape)
    if error is not None:
        raise error
    return a, b
