"""RNN, LSTM and GRU on PackedSequence inputs: PyTorch's outputs, final states and gradients
(tests/fixtures/torch_packed.npz, lengths [1, 5, 3, 3] unsorted), each sequence run alone as
an independent reference, finite differences, the CuPy stand-in, and errors."""

from functools import partial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
from minigrad import nn
from minigrad.nn.utils.rnn import PackedSequence, pack_padded_sequence, pack_sequence
from tests.nn.gradcheck_helpers import gradcheck_module, random_tensor, seeds
from tests.torch_fixtures import load_torch_cases

LAYER_CASES = load_torch_cases("torch_packed.npz", "layer_")
LENGTHS = [1, 5, 3, 3]
LAYERS = {
    "lstm": nn.LSTM,
    "lstm_projection": partial(nn.LSTM, proj_size=1),
    "gru": nn.GRU,
    "rnn_tanh": nn.RNN,
    "rnn_relu": partial(nn.RNN, nonlinearity="relu"),
}


def states_of(final):
    return final if isinstance(final, tuple) else (final,)


@pytest.mark.parametrize("name", LAYER_CASES)
def test_packed_layer_matches_pytorch(name):
    case = LAYER_CASES[name]
    config = case["config"]
    layer = getattr(nn, config["kind"])(3, 4, batch_first=True, **config["options"])
    layer.load_state_dict({key[len("state."):]: value for key, value in case.items()
                           if key.startswith("state.")})
    leaves = {key: mg.tensor(case[key], requires_grad=True) for key in ("input", "h_0", "c_0")
              if key in case}
    hx = None
    if "h_0" in leaves:
        hx = (leaves["h_0"], leaves["c_0"]) if "c_0" in leaves else leaves["h_0"]
    packed = pack_padded_sequence(leaves["input"], LENGTHS, batch_first=True,
                                  enforce_sorted=False)
    output, final = layer(packed, hx)
    assert isinstance(output, PackedSequence) and output.batch_sizes is packed.batch_sizes
    np.testing.assert_array_equal(output.unsorted_indices.numpy(), [3, 0, 1, 2])
    results = dict(zip(("output", "h_n", "c_n"), (output.data, *states_of(final))))
    close = {"rtol": 1e-5, "atol": 1e-6}
    loss = 0
    for key, value in results.items():
        np.testing.assert_allclose(value.numpy(), case[key], **close, err_msg=key)
        loss = loss + (value * mg.tensor(case["cotangent_" + key])).sum()
    loss.backward()
    tensors = {**dict(layer.named_parameters()), **leaves}
    for key in case:
        if key.startswith("grad."):
            name_ = key[len("grad."):]
            np.testing.assert_allclose(tensors[name_].grad.numpy(), case[key], **close,
                                       err_msg=key)


@pytest.mark.parametrize("kind", LAYERS)
def test_each_sequence_gets_what_it_gets_when_run_alone(kind):
    """The independent reference: a packed batch gives every sequence the output and final
    states that the same layer gives it run alone, unpadded, from its own initial state."""
    mg.manual_seed(0)
    layer = LAYERS[kind](3, 4, num_layers=2, bidirectional=True)
    sequences = [mg.randn(n, 3) for n in LENGTHS]
    is_lstm = isinstance(layer, nn.LSTM)
    h_0 = mg.randn(4, len(LENGTHS), layer.proj_size or 4)
    hx = (h_0, mg.randn(4, len(LENGTHS), 4)) if is_lstm else h_0
    output, final = layer(pack_sequence(sequences, enforce_sorted=False), hx)
    unpacked = nn.utils.rnn.unpack_sequence(output)
    for n, sequence in enumerate(sequences):
        own_hx = tuple(s[:, n] for s in hx) if is_lstm else hx[:, n]
        alone, alone_final = layer(sequence, own_hx)
        np.testing.assert_allclose(unpacked[n].numpy(), alone.numpy(), rtol=1e-5, atol=1e-6)
        for state, alone_state in zip(states_of(final), states_of(alone_final), strict=True):
            np.testing.assert_allclose(state[:, n].numpy(), alone_state.numpy(), rtol=1e-5,
                                       atol=1e-6)


def test_sorted_packing_needs_no_indices_and_gives_the_same_numbers():
    mg.manual_seed(1)
    layer = nn.GRU(3, 4, bidirectional=True)
    x = mg.randn(5, 4, 3)
    sorted_out, sorted_h = layer(pack_padded_sequence(x, [5, 3, 3, 1]))
    assert sorted_out.sorted_indices is None
    order = [3, 0, 1, 2]  # the unsorted batch [1, 5, 3, 3]
    out, h_n = layer(pack_padded_sequence(x[:, order], LENGTHS, enforce_sorted=False))
    np.testing.assert_allclose(out.data.numpy(), sorted_out.data.numpy(), rtol=1e-6)
    np.testing.assert_allclose(h_n.numpy(), sorted_h.numpy()[:, order], rtol=1e-6)


def packed_outputs(layer, x, lengths, *hx):
    """The packed output's data and every final state in one tensor, for one gradcheck."""
    if not hx:
        hx = None
    elif not isinstance(layer, nn.LSTM):
        hx = hx[0]
    packed = pack_padded_sequence(x, lengths, batch_first=layer.batch_first, enforce_sorted=False)
    output, final = layer(packed, hx)
    return mg.cat([output.data.flatten(), *(state.flatten() for state in states_of(final))])


@pytest.mark.parametrize("kind", LAYERS)
@settings(max_examples=6, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 3), min_size=1, max_size=3),
    num_layers=st.integers(1, 2),
    bidirectional=st.booleans(),
    batch_first=st.booleans(),
    bias=st.booleans(),
    with_state=st.booleans(),
    seed=seeds,
)
def test_packed_gradients_match_finite_differences(kind, lengths, num_layers, bidirectional,
                                                   batch_first, bias, with_state, seed):
    layer = LAYERS[kind](2, 2, num_layers, bias=bias, batch_first=batch_first,
                         bidirectional=bidirectional)
    batch, steps = len(lengths), max(lengths)
    inputs = [random_tensor(seed, *((batch, steps) if batch_first else (steps, batch)), 2),
              lengths]
    if with_state:
        rows = num_layers * (2 if bidirectional else 1)
        inputs.append(random_tensor(seed + 1, rows, batch, layer.proj_size or 2))
        if isinstance(layer, nn.LSTM):
            inputs.append(random_tensor(seed + 2, rows, batch, 2))
    assert gradcheck_module(layer, inputs, call=packed_outputs)


@pytest.mark.parametrize("kind", ["lstm_projection", "gru", "rnn_relu"])
def test_packed_layer_on_standin_cuda_matches_the_cpu(standin_gpu, kind):
    results = {}
    for device in ("cpu", "cuda"):
        mg.manual_seed(0)
        layer = LAYERS[kind](3, 4, num_layers=2, bidirectional=True, batch_first=True)
        layer.to(device)
        x = mg.randn(4, 5, 3).to(device).requires_grad_()
        output, final = layer(pack_padded_sequence(x, LENGTHS, batch_first=True,
                                                   enforce_sorted=False))
        padded, _ = nn.utils.rnn.pad_packed_sequence(output, batch_first=True)
        assert padded.device == device and states_of(final)[0].device == device
        (padded.sum() + sum(state.sum() for state in states_of(final))).backward()
        results[device] = [padded.numpy(), *(s.numpy() for s in states_of(final)),
                           x.grad.numpy(), layer.weight_hh_l1_reverse.grad.numpy()]
    for cpu, cuda in zip(results["cpu"], results["cuda"], strict=True):
        np.testing.assert_allclose(cuda, cpu, rtol=1e-5, atol=1e-6)


# ---- errors -------------------------------------------------------------------------------


def test_packed_data_of_the_wrong_shape_names_the_layer():
    packed = pack_sequence([mg.zeros(3, 2), mg.zeros(2, 2)])
    with pytest.raises(ValueError, match=r"GRU\(3, 4\): expected a PackedSequence of data "
                                         r"\(Σ lengths, input_size\) with input_size=3, got "
                                         r"shape \(5, 2\)"):
        nn.GRU(3, 4)(packed)


def test_initial_states_must_have_one_row_per_packed_sequence():
    packed = pack_sequence([mg.zeros(3, 3), mg.zeros(2, 3)])
    with pytest.raises(ValueError, match=r"LSTM\(3, 4\): expected h_0 of shape \(1, 2, 4\)"):
        nn.LSTM(3, 4)(packed, (mg.zeros(1, 3, 4), mg.zeros(1, 3, 4)))
