"""RNN, LSTM and GRU gradients against central finite differences in float64: the input, the
initial states and every parameter, through every option that changes the graph (layers,
directions, layout, bias, given states)."""

from functools import partial

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn as nn
from tests.nn.gradcheck_helpers import gradcheck_module, random_tensor, seeds

LAYERS = {
    "lstm": nn.LSTM,
    "gru": nn.GRU,
    "rnn_tanh": nn.RNN,
    "rnn_relu": partial(nn.RNN, nonlinearity="relu"),
}


def all_outputs(layer, x, *hx):
    """output and every final state of layer(x, hx) in one tensor, so one gradcheck covers
    them all."""
    if not hx:
        hx = None
    elif not isinstance(layer, nn.LSTM):
        hx = hx[0]
    output, final = layer(x, hx)
    final = final if isinstance(final, tuple) else (final,)
    return mg.cat([output.flatten(), *(state.flatten() for state in final)])


@pytest.mark.parametrize("kind", LAYERS)
@settings(max_examples=15)
@given(
    num_layers=st.integers(1, 2),
    bidirectional=st.booleans(),
    batch_first=st.booleans(),
    bias=st.booleans(),
    with_state=st.booleans(),
    steps=st.integers(1, 3),
    batch=st.integers(1, 2),
    input_size=st.integers(1, 2),
    hidden_size=st.integers(1, 2),
    seed=seeds,
)
@example(2, True, False, True, True, 3, 2, 2, 2, 0)
@example(2, True, True, True, True, 3, 2, 2, 2, 0)
@example(2, False, True, False, False, 2, 1, 1, 2, 0)
def test_gradients_match_finite_differences(
    kind, num_layers, bidirectional, batch_first, bias, with_state, steps, batch, input_size,
    hidden_size, seed
):
    layer = LAYERS[kind](input_size, hidden_size, num_layers, bias=bias, batch_first=batch_first,
                         bidirectional=bidirectional)
    shape = (batch, steps) if batch_first else (steps, batch)
    inputs = [random_tensor(seed, *shape, input_size)]
    if with_state:
        state_shape = (num_layers * (2 if bidirectional else 1), batch, hidden_size)
        states = 2 if kind == "lstm" else 1
        inputs += [random_tensor(seed + 1 + i, *state_shape) for i in range(states)]
    assert gradcheck_module(layer, inputs, call=all_outputs)


@pytest.mark.parametrize("kind", LAYERS)
def test_unbatched_bidirectional_gradients_match_finite_differences(kind):
    layer = LAYERS[kind](2, 2, num_layers=2, bidirectional=True)
    states = 2 if kind == "lstm" else 1
    inputs = [random_tensor(0, 3, 2)] + [random_tensor(1 + i, 4, 2) for i in range(states)]
    assert gradcheck_module(layer, inputs, call=all_outputs)
