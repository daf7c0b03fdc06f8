"""Transposed convolutions, 1-D pools, interpolation, padding modes, shuffles and fold/unfold
give PyTorch's outputs, indices and gradients, from PyTorch's state dicts.

The numbers come from tests/fixtures/torch_spatial.npz, written by
tests/fixtures/make_torch_fixtures_spatial.py (its docstring has the layout).
"""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from tests.torch_fixtures import load_torch_cases

CASES = load_torch_cases("torch_spatial.npz", "")
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


@pytest.mark.parametrize("name", CASES)
def test_matches_pytorch(name):
    case = CASES[name]
    x = mg.tensor(case["input"], requires_grad=True)
    kind, layer_name = case["config"]["call"].split(".")
    layer = None
    if kind == "nn":
        layer = getattr(nn, layer_name)(*case["config"]["args"], **case["config"]["kwargs"])
        state = {k[len("state."):]: v for k, v in case.items() if k.startswith("state.")}
        assert set(layer.state_dict()) == set(state)  # PyTorch's names
        layer.load_state_dict(state)
        out = layer(x, **case["config"]["forward_kwargs"])
    else:
        out = getattr(F, layer_name)(x, *case["config"]["args"], **case["config"]["kwargs"])
    if "indices" in case:
        out, indices = out
        np.testing.assert_array_equal(indices.numpy(), case["indices"])
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), case["out"], **TOLERANCE)
    (out * mg.tensor(case["out_grad"])).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), case["input_grad"], **TOLERANCE)
    for param, p in (layer.named_parameters() if layer is not None else []):
        np.testing.assert_allclose(p.grad.numpy(), case[f"grad.{param}"], **TOLERANCE,
                                   err_msg=param)
