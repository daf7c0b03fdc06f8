"""Transposed convolutions, 1-D pools, interpolation, padding modes, shuffles, fold/unfold,
Bilinear and EmbeddingBag give PyTorch's outputs, indices and gradients, from PyTorch's state
dicts.

The numbers come from tests/fixtures/torch_spatial.npz, written by
tests/fixtures/make_torch_fixtures_spatial.py (its docstring has the layout).
"""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from tests.torch_fixtures import load_torch_cases

CASES = {name: case for name, case in load_torch_cases("torch_spatial.npz", "").items()
         if "call" in case["config"]}
BILINEAR_CASES = load_torch_cases("torch_spatial.npz", "bilinear")
BAG_CASES = load_torch_cases("torch_spatial.npz", "embedding_bag")
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def loaded(layer, case):
    state = {k[len("state."):]: v for k, v in case.items() if k.startswith("state.")}
    assert set(layer.state_dict()) == set(state)  # PyTorch's names
    layer.load_state_dict(state)
    return layer


def assert_gradients_match(case, out, inputs, layer):
    np.testing.assert_allclose(out.numpy(), case["out"], **TOLERANCE)
    (out * mg.tensor(case["out_grad"])).sum().backward()
    for key, t in inputs.items():
        np.testing.assert_allclose(t.grad.numpy(), case[key], **TOLERANCE, err_msg=key)
    for param, p in layer.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), case[f"grad.{param}"], **TOLERANCE,
                                   err_msg=param)


@pytest.mark.parametrize("name", CASES)
def test_matches_pytorch(name):
    case = CASES[name]
    config = case["config"]
    x = mg.tensor(case["input"], requires_grad=True)
    kind, function = config["call"].split(".")
    layer = nn.Module()  # a function has no parameters
    if kind == "nn":
        layer = loaded(getattr(nn, function)(*config["args"], **config["kwargs"]), case)
        out = layer(x, **config["forward_kwargs"])
    else:
        out = getattr(F, function)(x, *config["args"], **config["kwargs"])
    if "indices" in case:
        out, indices = out
        np.testing.assert_array_equal(indices.numpy(), case["indices"])
    assert out.dtype == np.float32
    assert_gradients_match(case, out, {"input_grad": x}, layer)


@pytest.mark.parametrize("name", BILINEAR_CASES)
def test_bilinear_matches_pytorch(name):
    case = BILINEAR_CASES[name]
    layer = loaded(nn.Bilinear(*case["config"]["args"], **case["config"]["kwargs"]), case)
    x1, x2 = (mg.tensor(case[k], requires_grad=True) for k in ("input", "input2"))
    out = layer(x1, x2)
    assert out.dtype == np.float32
    assert_gradients_match(case, out, {"input_grad": x1, "input2_grad": x2}, layer)


@pytest.mark.parametrize("name", BAG_CASES)
def test_embedding_bag_matches_pytorch(name):
    case = BAG_CASES[name]
    layer = loaded(nn.EmbeddingBag(10, 3, **case["config"]["kwargs"]), case)
    inputs, weights = {}, {}
    if "offsets" in case:
        inputs["offsets"] = mg.tensor(case["offsets"])
    if "input" in case:
        weights["input_grad"] = inputs["per_sample_weights"] = mg.tensor(case["input"],
                                                                         requires_grad=True)
    out = layer(mg.tensor(case["ids"]), **inputs)
    assert out.dtype == np.float32
    assert_gradients_match(case, out, weights, layer)
