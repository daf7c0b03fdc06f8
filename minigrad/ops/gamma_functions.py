"""The log-gamma function and its derivatives: lgamma, digamma (and trigamma for digamma's slope).

    lgamma x = ln|Γ(x)|,   digamma x = ψ(x) = d/dx lgamma x,   trigamma x = ψ′(x)

numpy has none of them, so they are computed from arithmetic, log and sin/tan alone (code that
runs unchanged on numpy and CuPy), in three textbook steps:

* reflection, for x < 0: Γ(x)Γ(1 − x) = π / sin(πx) gives
      lgamma x = ln(π / |sin πx|) − lgamma(1 − x)
      ψ(x)     = ψ(1 − x) − π / tan(πx)
      ψ′(x)    = π² / sin²(πx) − ψ′(1 − x)
  with sin and tan taken at x − round(x) (both have period π in πx), which is exact, so the
  reflection keeps its digits far from 0.
* recurrence, up to z ≥ 10: Γ(z + 1) = z·Γ(z) gives lgamma z = lgamma(z + 1) − ln z,
  ψ(z) = ψ(z + 1) − 1/z and ψ′(z) = ψ′(z + 1) + 1/z², applied at most ten times.
* Stirling's asymptotic series at z ≥ 10, with the Bernoulli numbers B₂ₖ:
      lgamma z = (z − ½) ln z − z + ½ ln 2π + Σₖ B₂ₖ / (2k(2k − 1) z^(2k−1))
      ψ(z)     = ln z − 1/(2z) − Σₖ B₂ₖ / (2k z^(2k))
      ψ′(z)    = 1/z + 1/(2z²) + Σₖ B₂ₖ / z^(2k+1)
  seven terms each: at z = 10 the first term left out is below 1e-16 of the result.

The poles (0, −1, −2, ...) give lgamma = +inf, ψ = nan (∓inf at ±0, as PyTorch) and ψ′ = +inf.
Accuracy, measured in float64 against math.lgamma and PyTorch's digamma
(tests/ops/test_gamma_functions.py): a few 1e-15 absolute near the roots of lgamma (1, 2) and
of ψ (1.4616...), where the result is the small difference of numbers near ln 10, and a few
1e-15 relative elsewhere. float32 and float16 are computed in float64 and rounded back.
"""

import math

from minigrad.backend import array_module
from minigrad.ops.smooth import SmoothUnary, to_float

STIRLING_FROM = 10.0
HALF_LOG_TWO_PI = 0.5 * math.log(2 * math.pi)
# B₂ₖ for k = 1..7
BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)


def _series(w, coefficients):
    """Σₖ cₖ·w^(2k) for k = 0, 1, ..., by Horner's rule in w²."""
    w2 = w * w
    total = w * 0
    for c in reversed(coefficients):
        total = total * w2 + c
    return total


def _in_float64(function):
    """Compute narrower floats in float64 and round back: the series and the reflection lose
    several ulps, which float32's 24 bits would show."""

    def wrapper(x):
        xp = array_module(x)
        if x.dtype.itemsize < 8:
            return function(x.astype(xp.float64)).astype(x.dtype)
        return function(x)

    wrapper.__doc__ = function.__doc__
    return wrapper


def _prepare(x):
    """(xp, pole, reflect, z): where x is a pole (0, −1, −2, ...), where it is reflected (x < 0),
    and z = 1 − x there, x elsewhere; poles and ±inf are replaced by 1 so that no step warns,
    and get their value at the end."""
    xp = array_module(x)
    pole = (x <= 0) & (x == xp.floor(x))
    bad = pole | xp.isinf(x)
    safe = xp.where(bad, 1.0, x)
    reflect = safe < 0
    return xp, pole, reflect, xp.where(reflect, 1 - safe, safe)


def _pi_x_from_nearest_integer(xp, x):
    """π·(x − round x): sin and tan of it equal those of πx up to sign, computed exactly."""
    return math.pi * (x - xp.round(x))


@_in_float64
def lgamma_array(x):
    """ln|Γ(x)| for a numpy or CuPy float array (module docstring)."""
    xp, pole, reflect, z = _prepare(x)
    log_product = z * 0  # ln(z(z+1)···) over the recurrence's steps
    for _ in range(int(STIRLING_FROM)):
        small = z < STIRLING_FROM
        log_product = log_product + xp.where(small, xp.log(z), 0)
        z = xp.where(small, z + 1, z)
    w = 1 / z
    coefficients = [b / (2 * k * (2 * k - 1)) for k, b in enumerate(BERNOULLI, start=1)]
    stirling = (z - 0.5) * xp.log(z) - z + HALF_LOG_TWO_PI + w * _series(w, coefficients)
    positive = stirling - log_product
    sine = xp.abs(xp.sin(_pi_x_from_nearest_integer(xp, xp.where(reflect, x, 0.5))))
    result = xp.where(reflect, math.log(math.pi) - xp.log(sine) - positive, positive)
    return xp.where(pole | xp.isinf(x), math.inf, result)


@_in_float64
def digamma_array(x):
    """ψ(x) = Γ′(x)/Γ(x) for a numpy or CuPy float array (module docstring)."""
    xp, pole, reflect, z = _prepare(x)
    shift = z * 0  # −Σ 1/z over the recurrence's steps
    for _ in range(int(STIRLING_FROM)):
        small = z < STIRLING_FROM
        shift = shift - xp.where(small, 1 / z, 0)
        z = xp.where(small, z + 1, z)
    w = 1 / z
    coefficients = [b / (2 * k) for k, b in enumerate(BERNOULLI, start=1)]
    positive = xp.log(z) - w / 2 - w * w * _series(w, coefficients) + shift
    tangent = xp.tan(_pi_x_from_nearest_integer(xp, xp.where(reflect, x, 0.25)))
    result = xp.where(reflect, positive - math.pi / tangent, positive)
    at_pole = xp.where(x == 0, -xp.copysign(math.inf, x), math.nan)  # ψ(±0) = ∓inf
    result = xp.where(x == math.inf, math.inf, xp.where(x == -math.inf, math.nan, result))
    return xp.where(pole, at_pole, result)


@_in_float64
def trigamma_array(x):
    """ψ′(x), the slope of digamma, for a numpy or CuPy float array (module docstring)."""
    xp, pole, reflect, z = _prepare(x)
    shift = z * 0  # Σ 1/z² over the recurrence's steps
    for _ in range(int(STIRLING_FROM)):
        small = z < STIRLING_FROM
        shift = shift + xp.where(small, (1 / z) ** 2, 0)
        z = xp.where(small, z + 1, z)
    w = 1 / z
    positive = w + w * w / 2 + w * w * w * _series(w, BERNOULLI) + shift
    sine = xp.sin(_pi_x_from_nearest_integer(xp, xp.where(reflect, x, 0.5)))
    result = xp.where(reflect, math.pi**2 / (sine * sine) - positive, positive)
    result = xp.where(x == math.inf, 0.0, xp.where(x == -math.inf, math.nan, result))
    return xp.where(pole, math.inf, result)


class Lgamma(SmoothUnary):
    """lgamma a = ln|Γ(a)|;  da = g · ψ(a)."""

    def value(self, xp, a):
        return lgamma_array(a)

    def slope(self, xp, a, out):
        return digamma_array(a)


class Digamma(SmoothUnary):
    """digamma a = ψ(a);  da = g · ψ′(a)."""

    def value(self, xp, a):
        return digamma_array(a)

    def slope(self, xp, a, out):
        return trigamma_array(a)


def lgamma(input):
    return Lgamma.apply(to_float(input))


def digamma(input):
    return Digamma.apply(to_float(input))
