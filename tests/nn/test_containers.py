"""ModuleDict, ParameterList and ParameterDict register what they hold, under PyTorch's names."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn


class Holder(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleDict({"encoder": nn.Linear(3, 2), "head": nn.Linear(2, 1)})
        self.scales = nn.ParameterList([mg.ones(2), nn.Parameter(mg.zeros(3))])
        self.extras = nn.ParameterDict({"shift": mg.zeros(1)})


def test_containers_put_pytorch_names_in_the_state_dict():
    assert list(Holder().state_dict()) == [
        "layers.encoder.weight", "layers.encoder.bias", "layers.head.weight", "layers.head.bias",
        "scales.0", "scales.1", "extras.shift",
    ]


def test_tensors_become_parameters_that_the_optimizer_sees():
    holder = Holder()
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in holder.scales)
    assert len(list(holder.parameters())) == 7


def test_module_dict_behaves_like_a_dict():
    layers = nn.ModuleDict()
    layers["a"] = nn.ReLU()
    layers.update([("b", nn.Tanh())])
    assert list(layers) == ["a", "b"] and "a" in layers and len(layers) == 2
    assert isinstance(layers["b"], nn.Tanh)
    del layers["a"]
    assert list(layers.keys()) == ["b"]


def test_parameter_list_indexes_appends_and_replaces():
    params = nn.ParameterList([mg.ones(1)])
    params.append(mg.zeros(2))
    assert params[-1].shape == (2,) and len(params) == 2
    params[0] = mg.full((3,), 2.0)
    assert list(dict(params.named_parameters())) == ["0", "1"]
    np.testing.assert_array_equal(params[0].numpy(), [2, 2, 2])
    with pytest.raises(IndexError, match="index 2 out of range for length 2"):
        params[2]


def test_parameter_containers_reject_what_is_not_a_tensor():
    with pytest.raises(TypeError, match=r"ParameterDict: entry 'x' must be a Tensor"):
        nn.ParameterDict({"x": 1.0})


def test_state_dict_round_trips_through_the_containers():
    source, target = Holder(), Holder()
    for p in source.parameters():
        p.data[...] = np.random.default_rng(0).standard_normal(p.shape)
    target.load_state_dict({k: v.numpy() for k, v in source.state_dict().items()})
    np.testing.assert_array_equal(target.scales[1].numpy(), source.scales[1].numpy())


def test_to_converts_what_the_containers_hold():
    holder = Holder().to(mg.float64)
    assert holder.scales[0].dtype == np.float64 and holder.extras["shift"].dtype == np.float64
    assert holder.layers["head"].weight.dtype == np.float64


def test_to_moves_what_the_containers_hold_to_the_device(standin_gpu):
    holder = Holder().to("cuda")
    assert {p.device for p in holder.parameters()} == {"cuda"}
