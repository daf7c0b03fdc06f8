"""The error function and its relatives: erf, erfc, erfinv.

    erf(x) = 2/√π ∫₀ˣ e^(−t²) dt,   erfc(x) = 1 − erf(x),   erfinv(erf(x)) = x

numpy has no erf, so `erf_and_erfc` computes both from arithmetic and exp alone: code that
runs unchanged on numpy and CuPy arrays. GELU's exact Φ(x) = erfc(−x/√2)/2 uses it too
(ops/elementwise.py). Two textbook expansions,
each where it converges fast:

* |x| < 2: the Maclaurin series erf(x) = 2/√π · Σₙ (−1)ⁿ x^(2n+1) / (n!·(2n+1)). At |x| = 2
  the n-th term is below 1e-17 by n = 30; the terms never exceed 4, so the alternating
  signs cost at most a few units of 1e-16.
* |x| ≥ 2: Laplace's continued fraction erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x +
  …)))), evaluated from depth 50 up. It converges the faster the larger x; at x = 2 depth 50
  is good to 1e-15. e^(−x²) is taken as e^(−y²)·e^(−(x−y)(x+y)) with y = x rounded down to
  1/16, so that rounding x² (worth x² ulps in the exponent) does not cost 1e-13 at x = 26.

Measured against Python's math.erf/math.erfc (the C library's) on 200,001 points of
[−26.5, 26.5] in float64 (beyond, erfc is subnormal or 0; tests/ops/test_special.py checks
these bounds): erf's relative error is at most 9e-16; erfc's at most 1e-15 for x ≥ 2 and
1.7e-13 just below 2 (there erfc = 1 − erf is small, 5e-3, and keeps erf's absolute error).
About 200 passes over memory: GELU on the CPU uses a compiled loop instead (cpu_kernels.py).

erfinv starts from Winitzki's closed-form guess (relative error below 2e-3) and takes two
Halley steps on erf(x) − y = 0, each cubing the error; near ±1 the residual is computed as
(1 − y) − erfc(x), which is exact where erf(x) − y would lose every digit.
"""

import math

from minigrad.backend import array_module
from minigrad.ops.smooth import SmoothUnary, to_float

SERIES_LIMIT = 2.0
SERIES_TERMS = 30
FRACTION_DEPTH = 50
TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


def erf_and_erfc(x):
    """(erf(x), erfc(x)) for a numpy or CuPy float array, each to ~1e-15 (module docstring).

    float32 and float16 are computed in float64 and rounded back: in their own precision the
    series' terms (up to 4, of alternating sign) would cost erf 1e-6 and erfc = 1 − erf a
    relative 1e-4 near 2, where float32's erfc should be good to a few 1e-8."""
    xp = array_module(x)
    if x.dtype.itemsize < 8:
        erf_x, erfc_x = erf_and_erfc(x.astype(xp.float64))
        return erf_x.astype(x.dtype), erfc_x.astype(x.dtype)
    z = xp.abs(x)
    erf_near = _maclaurin_erf(xp.minimum(z, SERIES_LIMIT))
    erfc_far = _continued_fraction_erfc(xp.maximum(z, SERIES_LIMIT))
    near = z < SERIES_LIMIT
    erf_z = xp.where(near, erf_near, 1 - erfc_far)
    erfc_z = xp.where(near, 1 - erf_near, erfc_far)
    # erf is odd: erf(−z) = −erf(z), erfc(−z) = 2 − erfc(z)
    return xp.copysign(erf_z, x), xp.where(x < 0, 2 - erfc_z, erfc_z)


def _maclaurin_erf(z):
    """2/√π · Σₙ (−1)ⁿ z^(2n+1) / (n!(2n+1)), by Horner's rule in z²."""
    z2 = z * z
    total = z * 0
    for n in range(SERIES_TERMS, -1, -1):
        total *= z2
        total += (-1) ** n / (math.factorial(n) * (2 * n + 1))
    return TWO_OVER_SQRT_PI * z * total


def _continued_fraction_erfc(z):
    """e^(−z²)/√π / (z + ½/(z + 1/(z + (3/2)/(z + …)))), from the deepest level up."""
    denominator = z
    for n in range(FRACTION_DEPTH, 0, -1):
        denominator = z + (n / 2) / denominator
    return gaussian(z) / (math.sqrt(math.pi) * denominator)


def gaussian(z):
    """e^(−z²) for z ≥ 0, with z² split so that its rounding does not reach the exponent.
    z is capped at 40 (e^(−1600) is 0 in every dtype), so that z = inf gives 0, not inf − inf."""
    xp = array_module(z)
    z = xp.minimum(z, 40)
    y = xp.floor(z * 16) / 16
    return xp.exp(-y * y) * xp.exp(-(z - y) * (z + y))


def erfinv_array(y):
    """x with erf(x) = y for y in [−1, 1] (±inf at ±1, nan outside)."""
    xp = array_module(y)
    t = xp.abs(y)
    t = xp.where(t < 1, t, 0)  # ±1 and beyond are settled at the end, without log(0) warnings
    log_gap = xp.log((1 - t) * (1 + t))  # ln(1 − y²), without cancelling near 1
    a = 0.147  # Winitzki's constant
    c = 2 / (math.pi * a) + log_gap / 2
    x = xp.sqrt(xp.sqrt(c * c - log_gap / a) - c)
    for _ in range(2):  # Halley: x ← x − u/(1 + x·u), u = (erf(x) − t)/erf'(x)
        erf_x, erfc_x = erf_and_erfc(x)
        residual = xp.where(t > 0.5, (1 - t) - erfc_x, erf_x - t)
        u = residual / (TWO_OVER_SQRT_PI * gaussian(x))
        x = x - u / (1 + x * u)
    t = xp.abs(y)
    beyond = xp.where(t == 1, math.inf, math.nan).astype(x.dtype)
    x = xp.where(t < 1, x, beyond)  # NaN stays NaN
    return xp.copysign(x, y)


class Erf(SmoothUnary):
    """erf a;  da = g · 2/√π · e^(−a²)."""

    def value(self, xp, a):
        return erf_and_erfc(a)[0]

    def slope(self, xp, a, out):
        return TWO_OVER_SQRT_PI * gaussian(xp.abs(a))


class Erfc(SmoothUnary):
    """erfc a = 1 − erf a;  da = −g · 2/√π · e^(−a²)."""

    def value(self, xp, a):
        return erf_and_erfc(a)[1]

    def slope(self, xp, a, out):
        return -TWO_OVER_SQRT_PI * gaussian(xp.abs(a))


class Erfinv(SmoothUnary):
    """erfinv a;  da = g / erf'(erfinv a) = g · √π/2 · e^(out²)."""

    def value(self, xp, a):
        return erfinv_array(a)

    def slope(self, xp, a, out):
        return (math.sqrt(math.pi) / 2) * xp.exp(out * out)


def erf(input):
    return Erf.apply(to_float(input))


def erfc(input):
    return Erfc.apply(to_float(input))


def erfinv(input):
    return Erfinv.apply(to_float(input))
