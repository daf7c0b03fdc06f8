"""nn.functional activations under their PyTorch names: values and gradients."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F
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


# name: (call, numpy reference, whether the values must stay away from a kink at 0)
ACTIVATIONS = {
    "relu": (F.relu, lambda x: np.maximum(x, 0), True),
    "gelu": (F.gelu, _gelu_exact, False),
    "gelu-tanh": (lambda t: F.gelu(t, approximate="tanh"), _gelu_tanh, False),
    "sigmoid": (F.sigmoid, lambda x: 1 / (1 + np.exp(-x)), False),
    "tanh": (F.tanh, np.tanh, False),
    "leaky_relu": (F.leaky_relu, _leaky(0.01), True),
    "leaky_relu-0.2": (lambda t: F.leaky_relu(t, negative_slope=0.2), _leaky(0.2), True),
    "leaky_relu-2": (lambda t: F.leaky_relu(t, 2.0), _leaky(2.0), True),
    "softmax": (lambda t: F.softmax(t, dim=-1), lambda x: _softmax(x, -1), False),
    "log_softmax": (lambda t: F.log_softmax(t, dim=0), lambda x: np.log(_softmax(x, 0)), False),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
@given(data=st.data())
def test_activation(name, data):
    op, reference, has_kink_at_0 = ACTIVATIONS[name]
    x = data.draw(floats(shapes(min_dims=1), -3.0, 3.0, avoid=(0.0,) if has_kink_at_0 else ()))
    # exact gelu uses a rational erf good to 1.5e-7, the rest is exact
    np.testing.assert_allclose(op(mg.tensor(x)).numpy(), reference(x), rtol=1e-9, atol=5e-7)
    check_gradients(op, x)


def test_gelu_known_values():
    # Φ(1) = 0.8413447..., so gelu(1) = Φ(1) and gelu(-1) = Φ(1) - 1
    out = F.gelu(mg.tensor([1.0, -1.0, 0.0]))
    np.testing.assert_allclose(out.numpy(), [0.8413447, -0.1586553, 0.0], atol=1e-6)


def test_gelu_rejects_an_unknown_approximation():
    with pytest.raises(ValueError, match="gelu: approximate must be 'none' or 'tanh', got 'fast'"):
        F.gelu(mg.ones(2), approximate="fast")
