"""Forward hooks and pre-hooks (PyTorch's semantics: a hook that returns something replaces
the input or output; handles remove exactly their hook) and get_submodule."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn


def test_forward_hook_sees_input_and_output_and_can_replace_the_output():
    layer = nn.Linear(3, 2)
    seen = []
    layer.register_forward_hook(lambda module, args, output: seen.append((module, args, output)))
    handle = layer.register_forward_hook(lambda module, args, output: output * 0)
    x = mg.randn(4, 3)
    out = layer(x)
    assert seen[0][0] is layer and seen[0][1] == (x,)
    assert np.all(out.numpy() == 0)
    handle.remove()
    assert np.any(layer(x).numpy() != 0)
    assert len(seen) == 2


def test_forward_pre_hook_can_replace_the_input_with_a_tensor_or_a_tuple():
    layer = nn.Identity()
    x = mg.ones(2)
    handle = layer.register_forward_pre_hook(lambda module, args: args[0] * 3)
    np.testing.assert_array_equal(layer(x).numpy(), [3, 3])
    handle.remove()
    layer.register_forward_pre_hook(lambda module, args: (args[0] + 1,))
    np.testing.assert_array_equal(layer(x).numpy(), [2, 2])


def test_hooks_run_in_registration_order_and_pre_hooks_before_forward():
    calls = []
    layer = nn.Identity()
    layer.register_forward_pre_hook(lambda m, args: calls.append("pre"))
    layer.register_forward_hook(lambda m, args, out: calls.append("first"))
    layer.register_forward_hook(lambda m, args, out: calls.append("second"))
    layer(mg.ones(1))
    assert calls == ["pre", "first", "second"]


def test_removing_a_handle_removes_only_its_hook_even_twice():
    layer = nn.Identity()
    calls = []
    first = layer.register_forward_hook(lambda m, a, o: calls.append(1))
    layer.register_forward_hook(lambda m, a, o: calls.append(2))
    first.remove()
    first.remove()
    layer(mg.ones(1))
    assert calls == [2]


def test_handle_as_context_manager_removes_the_hook_on_exit():
    layer = nn.Identity()
    calls = []
    with layer.register_forward_hook(lambda m, a, o: calls.append(1)):
        layer(mg.ones(1))
    layer(mg.ones(1))
    assert calls == [1]


def test_a_hook_on_a_child_records_activations_and_gradients_still_flow():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    activations = {}
    model[1].register_forward_hook(lambda m, a, out: activations.setdefault("relu", out))
    model(mg.randn(5, 3)).sum().backward()
    assert activations["relu"].shape == (5, 4)
    assert model[0].weight.grad is not None


def test_get_submodule_walks_dotted_paths():
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU(), nn.Linear(2, 1)))
    assert model.get_submodule("") is model
    assert model.get_submodule("1.1") is model[1][1]


def test_get_submodule_names_the_missing_part():
    model = nn.Sequential(nn.Linear(2, 2))
    with pytest.raises(AttributeError, match=r"Linear has no submodule 'weight'"):
        model.get_submodule("0.weight")
    with pytest.raises(AttributeError, match=r"Sequential has no submodule '3'"):
        model.get_submodule("3")
