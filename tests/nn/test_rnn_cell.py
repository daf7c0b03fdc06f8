"""RNNCell, LSTMCell and GRUCell: gradients by finite differences, and one step of the cell
equals one step of the layer with the same weights."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn as nn
from tests.nn.gradcheck_helpers import gradcheck_module, random_tensor, seeds

CELLS = {
    "rnn_tanh": lambda bias: nn.RNNCell(3, 2, bias),
    "rnn_relu": lambda bias: nn.RNNCell(3, 2, bias, nonlinearity="relu"),
    "lstm": lambda bias: nn.LSTMCell(3, 2, bias),
    "gru": lambda bias: nn.GRUCell(3, 2, bias),
}


def states_for(cell, seed, batch_shape):
    if isinstance(cell, nn.LSTMCell):
        return random_tensor(seed + 1, *batch_shape, 2), random_tensor(seed + 2, *batch_shape, 2)
    return random_tensor(seed + 1, *batch_shape, 2)


@pytest.mark.parametrize("name", CELLS)
@given(seed=seeds, bias=st.booleans(), batched=st.booleans())
def test_cell_gradients_match_finite_differences(name, seed, bias, batched):
    cell = CELLS[name](bias)
    batch_shape = (2,) if batched else ()
    x, hx = random_tensor(seed, *batch_shape, 3), states_for(cell, seed, batch_shape)
    if isinstance(cell, nn.LSTMCell):
        assert gradcheck_module(cell, [x, *hx], lambda m, x, h, c: mg.stack(m(x, (h, c))))
    else:
        assert gradcheck_module(cell, [x, hx])


@pytest.mark.parametrize("cell_type, layer_type", [
    (nn.RNNCell, nn.RNN), (nn.LSTMCell, nn.LSTM), (nn.GRUCell, nn.GRU)
])
def test_one_cell_step_is_one_layer_step(cell_type, layer_type):
    cell, layer = cell_type(3, 4), layer_type(3, 4)
    layer.load_state_dict({f"{k}_l0": v for k, v in cell.state_dict().items()})
    x = mg.randn(2, 3)
    out = cell(x)
    _, final = layer(x.unsqueeze(0))
    finals = final if isinstance(final, tuple) else (final,)
    outs = out if isinstance(out, tuple) else (out,)
    for a, b in zip(outs, finals):
        np.testing.assert_allclose(a.numpy(), b[0].numpy(), rtol=1e-6)


def test_cells_name_themselves_and_the_shapes_of_bad_input():
    with pytest.raises(ValueError, match=r"LSTMCell\(3, 4\): expected input .* input_size=3, got shape \(2, 5\)"):
        nn.LSTMCell(3, 4)(mg.randn(2, 5))
    with pytest.raises(ValueError, match=r"GRUCell\(3, 4\): expected h_0 of shape \(2, 4\) .* got \(3, 4\)"):
        nn.GRUCell(3, 4)(mg.randn(2, 3), mg.randn(3, 4))
    with pytest.raises(TypeError, match=r"LSTMCell\(3, 4\): expected hx to be \(h_0, c_0\), got Tensor"):
        nn.LSTMCell(3, 4)(mg.randn(2, 3), mg.randn(2, 4))
    with pytest.raises(ValueError, match=r"RNNCell\(3, 4\): nonlinearity must be 'tanh' or 'relu'"):
        nn.RNNCell(3, 4, nonlinearity="gelu")
