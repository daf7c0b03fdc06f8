"""get_parameter, get_buffer, set_submodule and register_module: members by dotted path."""

import pytest

from minigrad import nn


def model():
    return nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))


def test_get_parameter_and_get_buffer_follow_dotted_paths():
    net = model()
    assert net.get_parameter("0.weight") is net[0].weight
    assert net.get_buffer("1.running_mean") is net[1].running_mean
    layer = nn.Linear(2, 2)
    assert layer.get_parameter("bias") is layer.bias


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda net: net.get_parameter("0.bias2"), "Linear has no parameter 'bias2'"),
        (lambda net: net.get_parameter("2.bias"), "Sequential has no submodule '2'"),
        (lambda net: net.get_buffer("0.weight"), "Linear has no buffer 'weight'"),
        (lambda net: net.get_parameter("0"), "Sequential has no parameter '0'"),
        (lambda net: net.set_submodule("2", nn.ReLU(), strict=True), "and strict=True"),
        (lambda net: net.set_submodule("0.x.y", nn.ReLU()), "Linear has no submodule 'x'"),
    ],
)
def test_missing_members_are_attribute_errors_naming_the_path(call, message):
    with pytest.raises(AttributeError, match=message):
        call(model())


def test_set_submodule_replaces_or_adds_and_checks_its_arguments():
    net = model()
    relu = nn.ReLU()
    net.set_submodule("1", relu, strict=True)
    assert net[1] is relu
    net.set_submodule("0.inner", nn.Tanh())
    assert isinstance(net.get_submodule("0.inner"), nn.Tanh)
    assert "0.inner" in dict(net.named_modules())
    with pytest.raises(ValueError, match="set_submodule: the target path is empty"):
        net.set_submodule("", relu)
    with pytest.raises(TypeError, match="module must be a Module"):
        net.set_submodule("1", 3)


def test_register_module_is_add_module():
    net = nn.Module()
    net.register_module("head", nn.Linear(1, 1))
    assert list(dict(net.named_children())) == ["head"]
