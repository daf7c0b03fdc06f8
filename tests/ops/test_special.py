"""erf, erfc and erfinv (ops/special.py) against Python's math.erf/math.erfc, which call the C
library: the accuracy its docstring claims, the edges, and the gradients."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.ops.special import erf_and_erfc, erfinv_array
from tests.gradients import check_gradients
from tests.strategies import floats, shapes

GRID = np.linspace(-26.5, 26.5, 100_001)  # beyond ±26.5 erfc(|x|) is subnormal or 0


def test_erf_and_erfc_are_good_to_about_1e_15_against_the_c_library():
    erf, erfc = erf_and_erfc(GRID)
    exact_erf = np.array([math.erf(v) for v in GRID])
    exact_erfc = np.array([math.erfc(v) for v in GRID])
    assert np.max(np.abs(erf - exact_erf) / np.maximum(np.abs(exact_erf), 1e-300)) < 1e-15
    relative = np.abs(erfc - exact_erfc) / exact_erfc
    assert relative[GRID >= 2].max() < 2e-15
    assert relative.max() < 3e-13  # just below 2, erfc = 1 − erf is 5e-3 with erf's error


def test_erf_edges_and_float32():
    x = np.array([-np.inf, -0.0, 0.0, np.inf, np.nan, 1e-300])
    erf, erfc = erf_and_erfc(x)
    np.testing.assert_array_equal(erf, [-1, -0.0, 0, 1, np.nan, 2 / math.sqrt(math.pi) * 1e-300])
    assert np.signbit(erf[1])
    np.testing.assert_array_equal(erfc, [2, 1, 1, 0, np.nan, 1])
    assert mg.erf(mg.tensor([0.5, -3.0])).dtype == mg.float32
    assert mg.erfinv(mg.tensor([0.5, -1.0])).dtype == mg.float32


def test_erfinv_inverts_erf_to_the_last_bits():
    x = np.linspace(-5.9, 5.9, 10_001)
    y = np.array([math.erf(v) for v in x])
    back = np.array([math.erf(v) for v in erfinv_array(y)])
    np.testing.assert_allclose(back, y, rtol=0, atol=1e-15)  # a few units in the last place
    inside = np.abs(x) < 1
    np.testing.assert_allclose(erfinv_array(y[inside]), x[inside], rtol=2e-15)
    np.testing.assert_array_equal(erfinv_array(np.array([1.0, -1.0, 1.5, np.nan])),
                                  [np.inf, -np.inf, np.nan, np.nan])


def test_exact_gelu_uses_the_same_erf():
    x = np.linspace(-8, 8, 101)
    expected = x * np.array([math.erfc(-v / math.sqrt(2)) / 2 for v in x])
    # at x = −8, rounding x/√2 alone moves erfc by 2(x/√2)²·1.1e-16 = 7e-15, relatively
    np.testing.assert_allclose(F.gelu(mg.tensor(x)).numpy(), expected, rtol=3e-14, atol=1e-300)


SPECIAL = {
    "erf": (mg.erf, -3.0, 3.0),
    "erfc": (mg.Tensor.erfc, -3.0, 3.0),
    "erfinv": (mg.Tensor.erfinv, -0.95, 0.95),
}


@given(name=st.sampled_from(sorted(SPECIAL)), data=st.data())
def test_special_function_gradient(name, data):
    op, low, high = SPECIAL[name]
    check_gradients(op, data.draw(floats(shapes(), low, high)))
