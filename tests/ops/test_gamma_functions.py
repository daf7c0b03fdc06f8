"""lgamma, digamma and trigamma (ops/gamma_functions.py): lgamma against Python's math.lgamma
(the C library's), digamma against PyTorch's float64 digamma (fixtures) and exact values,
trigamma against exact values (it is digamma's slope), the edges, and the gradients."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad.ops.gamma_functions import digamma_array, lgamma_array, trigamma_array
from tests.gradients import check_gradients
from tests.strategies import floats, shapes
from tests.torch_fixtures import load_torch_cases

EULER_GAMMA = 0.5772156649015329


def _without_poles(x):
    return x[~((x <= 0) & (x == np.floor(x)))]


def test_lgamma_matches_the_c_library_across_magnitudes_and_signs():
    x = _without_poles(np.concatenate([np.linspace(-30.3, 60, 20_001),
                                       np.geomspace(1e-300, 1e300, 2_001)]))
    exact = np.array([math.lgamma(v) for v in x])
    error = np.abs(lgamma_array(x) - exact)
    # relative to |result|, absolute near lgamma's roots 1 and 2 (module docstring)
    assert np.max(error / np.maximum(np.abs(exact), 1)) < 1e-14


def test_digamma_matches_torch_float64_and_exact_values():
    case = load_torch_cases("torch_distributions.npz", "special_digamma")["special_digamma"]
    np.testing.assert_allclose(digamma_array(case["x"]), case["digamma"], rtol=1e-13, atol=1e-14)
    # ψ(1) = −γ, ψ(½) = −γ − 2 ln 2, ψ(n) = −γ + Σ_{k<n} 1/k
    exact = [-EULER_GAMMA, -EULER_GAMMA - 2 * math.log(2), -EULER_GAMMA + sum(1 / k for k in range(1, 7))]
    np.testing.assert_allclose(digamma_array(np.array([1.0, 0.5, 7.0])), exact, rtol=2e-15)


def test_digamma_obeys_its_recurrence_to_the_last_bits_on_the_negative_side():
    # ψ(x) = ψ(x + 1) − 1/x links the reflected side (x < 0) to the direct one
    x = np.linspace(-6.9, -0.1, 69) + 0.013
    np.testing.assert_allclose(digamma_array(x), digamma_array(x + 1) - 1 / x, rtol=1e-13)


def test_trigamma_exact_values():
    # ψ′(1) = π²/6, ψ′(½) = π²/2, ψ′(−½) = π²/2 + 4 (from the recurrence)
    np.testing.assert_allclose(trigamma_array(np.array([1.0, 0.5, -0.5])),
                               [math.pi**2 / 6, math.pi**2 / 2, math.pi**2 / 2 + 4], rtol=1e-14)


def test_edges_poles_and_dtypes():
    edges = np.array([0.0, -0.0, -1.0, -7.0, np.inf, -np.inf, np.nan])
    np.testing.assert_array_equal(lgamma_array(edges), [np.inf] * 6 + [np.nan])
    np.testing.assert_array_equal(digamma_array(edges),
                                  [-np.inf, np.inf, np.nan, np.nan, np.inf, np.nan, np.nan])
    np.testing.assert_array_equal(trigamma_array(edges[[0, 2, 4]]), [np.inf, np.inf, 0.0])
    x32 = mg.tensor([0.5, 3.0, 40.0])
    assert x32.lgamma().dtype == mg.float32 and mg.digamma(x32).dtype == mg.float32
    np.testing.assert_allclose(x32.lgamma().numpy(), [math.lgamma(v) for v in (0.5, 3.0, 40.0)],
                               rtol=1e-7)
    assert mg.lgamma(mg.tensor([1, 4])).dtype == mg.float32  # integers as float32, as PyTorch


@given(name=st.sampled_from(["lgamma", "digamma"]), data=st.data())
def test_gamma_function_gradients(name, data):
    x = data.draw(floats(shapes(), 0.05, 6.0))
    negative = data.draw(st.booleans())
    if negative:  # between the poles: −2.9..−2.1, where the reflection is used
        x = -2.5 + (x - 3) / 7.5
    check_gradients(getattr(mg, name), x)
