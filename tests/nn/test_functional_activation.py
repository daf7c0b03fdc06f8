"""nn.functional activations under their PyTorch names: values and gradients."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.nn.functional.activation import SELU_ALPHA, SELU_SCALE
from tests.gradients import check_gradients
from tests.strategies import floats, shapes


def _gelu_exact(x):
    return x * 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def _leaky(slope):
    return lambda x: np.where(x > 0, x, slope * x)


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# name: (call, numpy reference, the kinks that drawn values stay away from)
ACTIVATIONS = {
    "relu": (F.relu, lambda x: np.maximum(x, 0), (0.0,)),
    "gelu": (F.gelu, _gelu_exact, ()),
    "gelu-tanh": (lambda t: F.gelu(t, approximate="tanh"), _gelu_tanh, ()),
    "sigmoid": (F.sigmoid, lambda x: 1 / (1 + np.exp(-x)), ()),
    "tanh": (F.tanh, np.tanh, ()),
    "leaky_relu": (F.leaky_relu, _leaky(0.01), (0.0,)),
    "leaky_relu-0.2": (lambda t: F.leaky_relu(t, negative_slope=0.2), _leaky(0.2), (0.0,)),
    "leaky_relu-2": (lambda t: F.leaky_relu(t, 2.0), _leaky(2.0), (0.0,)),
    "softmax": (lambda t: F.softmax(t, dim=-1), lambda x: _softmax(x, -1), ()),
    "log_softmax": (lambda t: F.log_softmax(t, dim=0), lambda x: np.log(_softmax(x, 0)), ()),
    "silu": (F.silu, lambda x: x / (1 + np.exp(-x)), ()),
    "elu": (F.elu, lambda x: np.where(x > 0, x, np.expm1(x)), ()),
    "elu-0.5": (lambda t: F.elu(t, alpha=0.5), lambda x: np.where(x > 0, x, 0.5 * np.expm1(x)), (0.0,)),
    "selu": (F.selu, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x)), (0.0,)),
    "softplus": (F.softplus, lambda x: np.logaddexp(0, x), ()),
    "softplus-beta2-threshold2": (lambda t: F.softplus(t, beta=2, threshold=2),
                                  lambda x: np.where(2 * x > 2, x, np.log1p(np.exp(2 * x)) / 2), (1.0,)),
    "mish": (F.mish, lambda x: x * np.tanh(np.log1p(np.exp(x))), ()),
    "hardtanh": (F.hardtanh, lambda x: np.clip(x, -1, 1), (-1.0, 1.0)),
    "hardtanh-0-2": (lambda t: F.hardtanh(t, 0.0, 2.0), lambda x: np.clip(x, 0, 2), (0.0, 2.0)),
    "softsign": (F.softsign, lambda x: x / (1 + np.abs(x)), ()),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
@given(data=st.data())
def test_activation(name, data):
    op, reference, kinks = ACTIVATIONS[name]
    x = data.draw(floats(shapes(min_dims=1), -3.0, 3.0, avoid=kinks))
    # exact gelu's erf (ops/special.py) is good to ~1e-15, like the rest
    np.testing.assert_allclose(op(mg.tensor(x)).numpy(), reference(x), rtol=1e-9, atol=1e-13)
    check_gradients(op, x)


def test_gelu_known_values():
    # Φ(1) = 0.8413447..., so gelu(1) = Φ(1) and gelu(-1) = Φ(1) - 1
    out = F.gelu(mg.tensor([1.0, -1.0, 0.0]))
    np.testing.assert_allclose(out.numpy(), [0.8413447, -0.1586553, 0.0], atol=1e-6)


def test_gelu_rejects_an_unknown_approximation():
    with pytest.raises(ValueError, match="gelu: approximate must be 'none' or 'tanh', got 'fast'"):
        F.gelu(mg.ones(2), approximate="fast")


STABLE_AT_EXTREMES = ["silu", "elu", "selu", "softplus", "mish", "hardtanh", "softsign"]


@pytest.mark.parametrize("name", STABLE_AT_EXTREMES)
def test_activation_is_finite_in_float32_at_plus_minus_1e4(name):
    op, reference, _ = ACTIVATIONS[name]
    x = mg.tensor(np.array([-1e4, -100.0, 0.5, 100.0, 1e4], dtype=np.float32), requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is right
        out = op(x)
        out.sum().backward()
    assert out.dtype == np.float32 and x.grad.dtype == np.float32
    with np.errstate(over="ignore"):
        expected = reference(x.numpy().astype(np.float64))
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6, atol=1e-6)
    assert np.all(np.isfinite(x.grad.numpy()))


def test_softplus_keeps_the_tiny_values_of_very_negative_inputs():
    # ln(1 + e^-30) = e^-30 to float precision; the naive formula rounds it to 0
    out = F.softplus(mg.tensor(np.array([-30.0], dtype=np.float32)))
    np.testing.assert_allclose(out.numpy(), [np.exp(-30.0)], rtol=1e-6)


def test_hardtanh_slope_is_zero_at_its_ends_as_in_pytorch():
    x = mg.tensor([-1.0, -0.5, 1.0, 2.0], requires_grad=True)
    F.hardtanh(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 0.0, 0.0])


def test_hardtanh_rejects_an_empty_range():
    with pytest.raises(ValueError, match=r"hardtanh: min_val \(1\) must not exceed max_val \(0\)"):
        F.hardtanh(mg.ones(2), 1, 0)
