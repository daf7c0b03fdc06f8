"""The 3-D layers and functions, and InstanceNorm1d/3d, against PyTorch's numbers
(tests/fixtures/make_torch_fixtures_volumes.py): outputs, input gradients, parameter
gradients and running statistics, with the same weights."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from tests.torch_fixtures import load_torch_cases

LAYER_CASES = load_torch_cases("torch_volumes.npz", "layer")
FUNCTION_CASES = load_torch_cases("torch_volumes.npz", "function")
CLOSE = {"rtol": 1e-5, "atol": 1e-5}


@pytest.mark.parametrize("name", sorted(LAYER_CASES))
def test_layer_matches_pytorch(name):
    case = LAYER_CASES[name]
    config = dict(case["config"])
    layer = getattr(nn, config.pop("layer"))(**config)
    state = {key: case[key] for key in layer.state_dict()}
    layer.load_state_dict(state)
    x = mg.tensor(case["input"], requires_grad=True)
    out = layer(x)
    out.backward(mg.tensor(case["out_grad"]))
    np.testing.assert_allclose(out.numpy(), case["out"], **CLOSE)
    np.testing.assert_allclose(x.grad.numpy(), case["input_grad"], **CLOSE)
    for key, p in layer.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), case[f"{key}_grad"], **CLOSE)
    for key, buffer in layer.named_buffers():
        np.testing.assert_allclose(buffer.numpy(), case[f"after.{key}"], **CLOSE)


@pytest.mark.parametrize("name", sorted(FUNCTION_CASES))
def test_function_matches_pytorch(name):
    case = FUNCTION_CASES[name]
    config = dict(case["config"])
    function = getattr(F, config.pop("function"))
    x = mg.tensor(case["input"], requires_grad=True)
    weight = mg.tensor(case["weight"], requires_grad=True) if "weight" in case else None
    out = function(x, weight, **config) if weight is not None else function(x, **config)
    if config.get("return_indices"):
        out, indices = out
        assert indices.dtype == np.int64
        np.testing.assert_array_equal(indices.numpy(), case["indices"])
    out.backward(mg.tensor(case["out_grad"]))
    np.testing.assert_allclose(out.numpy(), case["out"], **CLOSE)
    np.testing.assert_allclose(x.grad.numpy(), case["input_grad"], **CLOSE)
    if weight is not None:
        np.testing.assert_allclose(weight.grad.numpy(), case["weight_grad"], **CLOSE)
