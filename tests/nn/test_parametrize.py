"""nn.utils.parametrize: register / remove / is_parametrized / cached, with PyTorch's names
(ParametrizedLinear, parametrizations.weight.original, original0/original1), and our errors."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn.utils import parametrize


class Symmetric(nn.Module):
    def forward(self, x):
        return x.triu() + x.triu(1).T


class Scaled(nn.Module):
    """x · 2, stored as x / 2."""

    def forward(self, x):
        return x * 2

    def right_inverse(self, w):
        return w / 2


class SumAndDifference(nn.Module):
    """w = a + b, stored as two tensors."""

    def forward(self, a, b):
        return a + b

    def right_inverse(self, w):
        return w * 0.75, w * 0.25


def test_the_parametrized_weight_is_computed_from_the_same_parameter_object():
    layer = nn.Linear(3, 3)
    weight = layer.weight
    before = weight.numpy().copy()
    parametrize.register_parametrization(layer, "weight", Symmetric())
    assert type(layer).__name__ == "ParametrizedLinear" and isinstance(layer, nn.Linear)
    assert layer.parametrizations.weight.original is weight
    assert list(layer.state_dict()) == ["bias", "parametrizations.weight.original"]
    np.testing.assert_array_equal(layer.weight.numpy(), np.triu(before) + np.triu(before, 1).T)
    layer(mg.ones(1, 3)).sum().backward()
    assert weight.grad is not None and np.allclose(weight.grad.numpy(), np.triu(np.ones((3, 3))) * 2 - np.eye(3))
    assert type(nn.Linear(1, 1)) is nn.Linear  # the class of other layers is untouched


def test_right_inverse_sets_what_is_stored_and_chains_apply_in_order():
    layer = nn.Linear(2, 2)
    parametrize.register_parametrization(layer, "weight", Scaled())
    parametrize.register_parametrization(layer, "weight", Scaled())
    layer.weight = mg.ones(2, 2) * 8
    np.testing.assert_allclose(layer.parametrizations.weight.original.numpy(), np.full((2, 2), 2))
    np.testing.assert_allclose(layer.weight.numpy(), np.full((2, 2), 8))
    assert len(layer.parametrizations.weight) == 2


def test_a_right_inverse_with_two_outputs_stores_original0_and_original1():
    layer = nn.Linear(2, 2)
    weight = layer.weight.numpy().copy()
    parametrize.register_parametrization(layer, "weight", SumAndDifference())
    stored = layer.parametrizations.weight
    assert list(layer.state_dict()) == ["bias", "parametrizations.weight.original0",
                                        "parametrizations.weight.original1"]
    assert isinstance(stored.original0, nn.Parameter)
    np.testing.assert_allclose(stored.original1.numpy(), weight * 0.25, rtol=1e-6)
    np.testing.assert_allclose(layer.weight.numpy(), weight, rtol=1e-6)
    with pytest.raises(ValueError, match="stored as 2 tensors, so it cannot be left unpar"):
        parametrize.remove_parametrizations(layer, "weight", leave_parametrized=False)


def test_remove_leaves_the_value_or_the_original_and_restores_the_class():
    layer = nn.Linear(2, 2)
    weight = layer.weight
    original = weight.numpy().copy()
    parametrize.register_parametrization(layer, "weight", Scaled())
    parametrize.register_parametrization(layer, "bias", Scaled())
    parametrize.remove_parametrizations(layer, "weight")
    assert layer.weight is weight and parametrize.is_parametrized(layer)
    np.testing.assert_allclose(weight.numpy(), original, rtol=1e-6)
    bias = layer.parametrizations.bias.original
    parametrize.remove_parametrizations(layer, "bias", leave_parametrized=False)
    assert layer.bias is bias and type(layer) is nn.Linear
    assert not parametrize.is_parametrized(layer) and "parametrizations" not in layer._modules
    assert sorted(layer.state_dict()) == ["bias", "weight"]


def test_buffers_can_be_parametrized_and_stay_buffers():
    norm = nn.BatchNorm1d(3)
    parametrize.register_parametrization(norm, "running_mean", Scaled())
    assert "parametrizations.running_mean.original" in dict(norm.named_buffers())
    np.testing.assert_array_equal(norm.running_mean.numpy(), [0, 0, 0])


def test_is_parametrized_and_type_before_parametrizations():
    layer = nn.Linear(2, 2)
    assert not parametrize.is_parametrized(layer)
    parametrize.register_parametrization(layer, "weight", Scaled())
    assert parametrize.is_parametrized(layer) and parametrize.is_parametrized(layer, "weight")
    assert not parametrize.is_parametrized(layer, "bias")
    assert parametrize.type_before_parametrizations(layer) is nn.Linear


def test_cached_computes_each_tensor_once_inside_the_block():
    calls = []

    class Counted(nn.Module):
        def forward(self, x):
            calls.append(1)
            return x

    layer = parametrize.register_parametrization(nn.Linear(2, 2), "weight", Counted())
    calls.clear()
    with parametrize.cached():
        assert layer.weight is layer.weight
        with parametrize.cached():
            layer.weight  # noqa: B018
    assert len(calls) == 1
    layer.weight  # noqa: B018
    assert len(calls) == 2


def test_the_module_trains_through_its_parametrization():
    mg.manual_seed(0)
    layer = parametrize.register_parametrization(nn.Linear(3, 3), "weight", Symmetric())
    optimizer = mg.optim.SGD(layer.parameters(), lr=0.1)
    x, target = mg.randn(8, 3), mg.randn(8, 3)
    losses = []
    for _ in range(5):
        optimizer.zero_grad()
        loss = ((layer(x) - target) ** 2).mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
    np.testing.assert_allclose(layer.weight.numpy(), layer.weight.numpy().T)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda layer: parametrize.register_parametrization(layer, "nope", Scaled()),
         ValueError, "Linear has no parameter, buffer or parametrized tensor named 'nope'"),
        (lambda layer: parametrize.register_parametrization(layer, "weight", FirstRow()),
         ValueError, r"changes the shape of the tensor from \(2, 2\) to \(2,\); pass unsafe"),
        (lambda layer: parametrize.register_parametrization(layer, "weight", Double()),
         ValueError, "changes the dtype of the tensor from float32 to float64"),
        (lambda layer: parametrize.register_parametrization(layer, "weight", NotATensor()),
         TypeError, "the parametrization must return a Tensor, got list"),
        (lambda layer: parametrize.remove_parametrizations(layer, "weight"),
         ValueError, "Linear has no parametrization on 'weight'"),
        (lambda layer: setattr(parametrize.register_parametrization(layer, "weight", Symmetric()),
                               "weight", mg.ones(2, 2)),
         RuntimeError, "Symmetric does not implement right_inverse"),
    ],
)
def test_bad_parametrizations_are_our_errors(call, error, message):
    with pytest.raises(error, match=message):
        call(nn.Linear(2, 2))


def test_unsafe_allows_a_change_of_shape():
    layer = parametrize.register_parametrization(nn.Linear(2, 2), "weight", FirstRow(),
                                                 unsafe=True)
    assert layer.weight.shape == (2,)


class FirstRow(nn.Module):
    def forward(self, x):
        return x[0]


class Double(nn.Module):
    def forward(self, x):
        return x.double()


class NotATensor(nn.Module):
    def forward(self, x):
        return [x]
