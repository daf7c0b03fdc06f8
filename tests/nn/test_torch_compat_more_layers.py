"""The activations, GroupNorm, RMSNorm, InstanceNorm2d, Conv1d and the recurrent cells load
PyTorch's state dicts by name and give PyTorch's outputs and input and parameter gradients.

The numbers come from tests/fixtures/torch_more_layers.npz, written by
tests/fixtures/make_torch_fixtures_more_layers.py (see its docstring for the keys).
"""

import os

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
from tests.nn.test_torch_compat_layers import assert_outputs_and_gradients_match, loaded

FIXTURES = np.load(
    os.path.join(os.path.dirname(__file__), "..", "fixtures", "torch_more_layers.npz")
)


def case(name):
    prefix = name + "/"
    return {k[len(prefix) :]: FIXTURES[k] for k in FIXTURES.files if k.startswith(prefix)}


LAYERS = {
    "silu": lambda: nn.SiLU(),
    "elu": lambda: nn.ELU(alpha=0.7),
    "selu": lambda: nn.SELU(),
    "softplus": lambda: nn.Softplus(beta=2.0, threshold=3.0),
    "mish": lambda: nn.Mish(),
    "hardtanh": lambda: nn.Hardtanh(-0.5, 1.5),
    "softsign": lambda: nn.Softsign(),
    "group_norm": lambda: nn.GroupNorm(2, 6),
    "group_norm_images": lambda: nn.GroupNorm(3, 6, affine=False),
    "rms_norm": lambda: nn.RMSNorm((3, 4)),
    "rms_norm_eps": lambda: nn.RMSNorm(5, eps=1e-3),
    "instance_norm2d": lambda: nn.InstanceNorm2d(3),
    "instance_norm2d_affine_unbatched": lambda: nn.InstanceNorm2d(3, affine=True),
    "conv1d": lambda: nn.Conv1d(4, 6, 3, stride=2, padding=1),
    "conv1d_same_dilated_groups": lambda: nn.Conv1d(4, 6, 4, padding="same", dilation=2,
                                                    groups=2, bias=False),
    "conv1d_unbatched": lambda: nn.Conv1d(3, 2, 2),
}


@pytest.mark.parametrize("name", LAYERS)
def test_layer_matches_pytorch(name):
    arrays = case(name)
    layer = loaded(LAYERS[name](), arrays)
    x = mg.tensor(arrays["input"], requires_grad=True)
    out = layer(x)
    assert out.dtype == np.float32
    assert_outputs_and_gradients_match(layer, arrays, {"input": x}, {"output": out})


CELLS = {
    "rnn_cell": lambda: nn.RNNCell(3, 4),
    "rnn_cell_relu_no_state": lambda: nn.RNNCell(3, 4, nonlinearity="relu"),
    "lstm_cell": lambda: nn.LSTMCell(3, 4),
    "lstm_cell_unbatched": lambda: nn.LSTMCell(3, 4),
    "gru_cell": lambda: nn.GRUCell(3, 4),
    "gru_cell_no_bias_no_state": lambda: nn.GRUCell(3, 4, bias=False),
}


@pytest.mark.parametrize("name", CELLS)
def test_cell_matches_pytorch(name):
    arrays = case(name)
    cell = loaded(CELLS[name](), arrays)
    inputs = {k: mg.tensor(arrays[k], requires_grad=True) for k in ("input", "h_0", "c_0")
              if k in arrays}
    is_lstm = isinstance(cell, nn.LSTMCell)
    hx = None
    if "h_0" in inputs:
        hx = (inputs["h_0"], inputs["c_0"]) if is_lstm else inputs["h_0"]
    out = cell(inputs["input"], hx)
    outputs = {"output": out[0], "output_c": out[1]} if is_lstm else {"output": out}
    assert_outputs_and_gradients_match(cell, arrays, inputs, outputs)
