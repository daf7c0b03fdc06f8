import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F
from tests.nn.gradcheck_helpers import gradcheck_module, random_tensor, seeds

batch_shapes = st.lists(st.integers(1, 3), max_size=2).map(tuple)
features = st.integers(1, 4)


def test_linear_parameters_have_pytorch_names_and_shapes():
    layer = nn.Linear(4, 3)
    assert [(n, tuple(p.shape)) for n, p in layer.named_parameters()] == [
        ("weight", (3, 4)),
        ("bias", (3,)),
    ]
    assert list(nn.Linear(4, 3, bias=False).state_dict()) == ["weight"]


def test_linear_default_init_is_uniform_within_one_over_sqrt_fan_in():
    layer = nn.Linear(50, 400)
    bound = 1 / math.sqrt(50)
    for p in (layer.weight, layer.bias):
        values = p.numpy()
        assert p.dtype == mg.float32
        assert values.min() >= -bound and values.max() <= bound
        assert values.max() > 0.9 * bound and values.min() < -0.9 * bound
    assert layer.weight.numpy().std() == pytest.approx(bound / math.sqrt(3), rel=0.03)


def test_linear_computes_x_weight_transposed_plus_bias():
    layer = nn.Linear(3, 2)
    x = mg.randn(5, 3)
    expected = x.numpy() @ layer.weight.numpy().T + layer.bias.numpy()
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-6)
    assert layer(x).dtype == mg.float32


@given(batch_shapes, features, features, st.booleans(), seeds)
def test_linear_gradients_match_finite_differences(batch, n_in, n_out, bias, seed):
    layer = nn.Linear(n_in, n_out, bias=bias)
    assert gradcheck_module(layer, [random_tensor(seed, *batch, n_in)])


@given(batch_shapes, features, features, seeds)
def test_functional_linear_gradients_match_finite_differences(batch, n_in, n_out, seed):
    x = random_tensor(seed, *batch, n_in)
    weight, bias = random_tensor(seed + 1, n_out, n_in), random_tensor(seed + 2, n_out)
    assert mg.gradcheck(F.linear, [x, weight, bias])
    assert mg.gradcheck(lambda x, w: F.linear(x, w), [x, weight])


def test_linear_with_wrong_in_features_names_the_layer_and_shapes():
    with pytest.raises(ValueError) as error:
        nn.Linear(4, 3)(mg.randn(2, 5))
    message = str(error.value)
    assert "Linear(in_features=4, out_features=3, bias=True)" in message
    assert "(2, 5)" in message


def test_functional_linear_with_mismatched_weight_names_both_shapes():
    with pytest.raises(ValueError, match=r"linear: input of shape \(2, 5\) does not fit weight "
                                         r"of shape \(3, 4\)"):
        F.linear(mg.randn(2, 5), mg.randn(3, 4))


def test_identity_returns_its_input_and_ignores_arguments():
    x = mg.randn(2, 3)
    assert nn.Identity(54, unused="x")(x) is x
    assert list(nn.Identity().parameters()) == []
