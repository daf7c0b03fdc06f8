"""LSTM with proj_size: PyTorch's parameters and shapes, gradients against finite differences
(padded and packed), and errors. (Its numbers against PyTorch's: the
layer_lstm_projection_* case of test_rnn_packed.py.)"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
from minigrad import nn
from minigrad.nn.utils.rnn import pack_padded_sequence
from tests.nn.gradcheck_helpers import gradcheck_module, random_tensor, seeds


def test_projection_parameters_have_pytorch_names_order_and_shapes():
    layer = nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2)
    expected = []
    for k, layer_input in ((0, 3), (1, 4)):  # layer 1 reads both directions' projections
        for suffix in ("", "_reverse"):
            expected += [(f"weight_ih_l{k}{suffix}", (20, layer_input)),
                         (f"weight_hh_l{k}{suffix}", (20, 2)), (f"bias_ih_l{k}{suffix}", (20,)),
                         (f"bias_hh_l{k}{suffix}", (20,)), (f"weight_hr_l{k}{suffix}", (2, 5))]
    assert [(n, tuple(p.shape)) for n, p in layer.named_parameters()] == expected
    assert repr(layer) == "LSTM(3, 5, proj_size=2, num_layers=2, bidirectional=True)"


def test_projected_outputs_and_states_have_their_widths():
    output, (h_n, c_n) = nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2)(
        mg.randn(4, 6, 3))
    assert output.shape == (4, 6, 4) and h_n.shape == (4, 6, 2) and c_n.shape == (4, 6, 5)
    np.testing.assert_array_equal(output.numpy()[-1, :, :2], h_n.numpy()[2])


def test_padded_and_fully_packed_inputs_give_the_same_numbers():
    mg.manual_seed(0)
    layer = nn.LSTM(3, 4, num_layers=2, proj_size=3, bidirectional=True)
    x = mg.randn(5, 2, 3)
    hx = (mg.randn(4, 2, 3), mg.randn(4, 2, 4))
    output, (h_n, c_n) = layer(x, hx)
    packed, (packed_h, packed_c) = layer(pack_padded_sequence(x, [5, 5]), hx)
    np.testing.assert_allclose(packed.data.numpy(), output.numpy().reshape(10, 6), rtol=1e-6)
    np.testing.assert_allclose(packed_h.numpy(), h_n.numpy(), rtol=1e-6)
    np.testing.assert_allclose(packed_c.numpy(), c_n.numpy(), rtol=1e-6)


def all_outputs(layer, x, lengths, h_0, c_0):
    """The output and both final states in one tensor; packed when lengths are given."""
    if lengths is not None:
        x = pack_padded_sequence(x, lengths, enforce_sorted=False)
    output, (h_n, c_n) = layer(x, (h_0, c_0))
    output = output.data if lengths is not None else output
    return mg.cat([output.flatten(), h_n.flatten(), c_n.flatten()])


@settings(max_examples=8, deadline=None)
@given(num_layers=st.integers(1, 2), bidirectional=st.booleans(), bias=st.booleans(),
       packed=st.booleans(), seed=seeds)
def test_projection_gradients_match_finite_differences(num_layers, bidirectional, bias, packed,
                                                       seed):
    layer = nn.LSTM(2, 3, num_layers, bias=bias, bidirectional=bidirectional, proj_size=2)
    rows = num_layers * (2 if bidirectional else 1)
    lengths = [2, 3] if packed else None
    inputs = [random_tensor(seed, 3, 2, 2), lengths, random_tensor(seed + 1, rows, 2, 2),
              random_tensor(seed + 2, rows, 2, 3)]
    assert gradcheck_module(layer, inputs, call=all_outputs)


@pytest.mark.parametrize("proj_size", [4, 5, -1])
def test_proj_size_must_be_smaller_than_hidden_size(proj_size):
    with pytest.raises(ValueError, match=rf"LSTM\(3, 4\): proj_size must be at least 0 \(no "
                                         rf"projection\) and smaller than hidden_size, got "
                                         rf"{proj_size}"):
        nn.LSTM(3, 4, proj_size=proj_size)


def test_only_the_lstm_projects():
    with pytest.raises(ValueError, match=r"GRU: proj_size is only supported for LSTM, got 2"):
        nn.GRU(3, 4, proj_size=2)


def test_h_0_must_be_proj_size_wide():
    layer = nn.LSTM(3, 4, proj_size=2)
    with pytest.raises(ValueError, match=r"expected h_0 of shape \(1, 5, 2\) \(num_layers \* "
                                         r"num_directions, N, proj_size\), got \(1, 5, 4\)"):
        layer(mg.zeros(7, 5, 3), (mg.zeros(1, 5, 4), mg.zeros(1, 5, 4)))
