import numpy as np
import pytest
from hypothesis import given

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F
from tests.nn.gradcheck_helpers import random_tensor, seeds

LAYERS_AND_FUNCTIONS = [
    (nn.ReLU(), F.relu),
    (nn.LeakyReLU(0.2), lambda x: F.leaky_relu(x, 0.2)),
    (nn.GELU(), F.gelu),
    (nn.GELU(approximate="tanh"), lambda x: F.gelu(x, approximate="tanh")),
    (nn.Tanh(), F.tanh),
    (nn.Sigmoid(), F.sigmoid),
    (nn.Softmax(dim=1), lambda x: F.softmax(x, dim=1)),
    (nn.LogSoftmax(dim=-1), lambda x: F.log_softmax(x, dim=-1)),
    (nn.SiLU(), F.silu),
    (nn.ELU(alpha=0.7), lambda x: F.elu(x, 0.7)),
    (nn.SELU(), F.selu),
    (nn.Softplus(beta=2.0, threshold=3.0), lambda x: F.softplus(x, 2.0, 3.0)),
    (nn.Mish(), F.mish),
    (nn.Hardtanh(-0.5, 2.0), lambda x: F.hardtanh(x, -0.5, 2.0)),
    (nn.Softsign(), F.softsign),
]
IDS = [repr(layer) for layer, _ in LAYERS_AND_FUNCTIONS]


@pytest.mark.parametrize("layer, function", LAYERS_AND_FUNCTIONS, ids=IDS)
def test_activation_layer_applies_its_function(layer, function):
    x = mg.randn(3, 4)
    np.testing.assert_array_equal(layer(x).numpy(), function(x).numpy())
    assert layer(x).dtype == mg.float32 and list(layer.parameters()) == []


@pytest.mark.parametrize("layer, _", LAYERS_AND_FUNCTIONS, ids=IDS)
@given(seed=seeds)
def test_activation_layer_gradients_match_finite_differences(layer, _, seed):
    assert mg.gradcheck(layer, [random_tensor(seed, 3, 4)])


def test_leaky_relu_scales_negative_inputs_by_the_slope():
    out = nn.LeakyReLU(0.1)(mg.tensor([-2.0, 3.0]))
    np.testing.assert_allclose(out.numpy(), [-0.2, 3.0], rtol=1e-6)


def test_softmax_layer_gives_probabilities_along_its_dim():
    out = nn.Softmax(dim=0)(mg.randn(3, 5)).numpy()
    np.testing.assert_allclose(out.sum(axis=0), np.ones(5), rtol=1e-6)


@pytest.mark.parametrize("layer_type", [nn.Softmax, nn.LogSoftmax])
def test_softmax_layers_without_dim_ask_for_it(layer_type):
    with pytest.raises(ValueError, match=rf"{layer_type.__name__}: dim is None .* \(2, 3\)"):
        layer_type()(mg.randn(2, 3))


def test_activation_reprs_show_their_options():
    assert repr(nn.GELU(approximate="tanh")) == "GELU(approximate='tanh')"
    assert repr(nn.LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)"
    assert repr(nn.Softmax(dim=1)) == "Softmax(dim=1)"
