"""PyTorch's state dicts load into minigrad's layers and give PyTorch's outputs and gradients.

The numbers come from tests/fixtures/torch_layers.npz, written by
tests/fixtures/make_torch_fixtures_layers.py (see its docstring for the keys). Matching them
shows that parameter names, shapes, the recurrent layers' gate orders and the formulas are
PyTorch's.
"""

import os

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn

FIXTURES = np.load(os.path.join(os.path.dirname(__file__), "..", "fixtures", "torch_layers.npz"))
TOLERANCE = dict(rtol=1e-5, atol=1e-5)
BATCH_NORM_CASES = [("batch_norm1d", nn.BatchNorm1d), ("batch_norm2d", nn.BatchNorm2d)]


def case(name):
    prefix = name + "/"
    return {k[len(prefix) :]: FIXTURES[k] for k in FIXTURES.files if k.startswith(prefix)}


def prefixed(arrays, prefix):
    return {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}


def loaded(module, arrays, state="state/"):
    module.load_state_dict(prefixed(arrays, state))
    return module


def assert_outputs_and_gradients_match(module, arrays, inputs, outputs):
    """`outputs` maps fixture keys ("output", "output_h_n", ...) to minigrad's results;
    backpropagates Σ output ⊙ cotangent and compares the inputs' and parameters' gradients."""
    loss = 0
    for key, out in outputs.items():
        np.testing.assert_allclose(out.numpy(), arrays[key], **TOLERANCE, err_msg=key)
        loss = loss + (out * mg.tensor(arrays["cotangent" + key[len("output") :]])).sum()
    loss.backward()
    expected_grads = prefixed(arrays, "grad/")
    tensors = dict(module.named_parameters(), **inputs)
    assert set(expected_grads) <= set(tensors)
    for name, expected in expected_grads.items():
        np.testing.assert_allclose(tensors[name].grad.numpy(), expected, **TOLERANCE, err_msg=name)


def test_linear_matches_pytorch():
    arrays = case("linear")
    layer = loaded(nn.Linear(5, 3), arrays)
    x = mg.tensor(arrays["input"], requires_grad=True)
    assert_outputs_and_gradients_match(layer, arrays, {"input": x}, {"output": layer(x)})


@pytest.mark.parametrize("name, layer_type", BATCH_NORM_CASES)
def test_batch_norm_training_step_and_running_stats_match_pytorch(name, layer_type):
    arrays = case(name)
    layer = loaded(layer_type(3), arrays)
    out = layer(mg.tensor(arrays["train_input"]))
    np.testing.assert_allclose(out.numpy(), arrays["train_output"], **TOLERANCE)
    for buffer, expected in prefixed(arrays, "after/").items():
        np.testing.assert_allclose(
            layer.state_dict()[buffer].numpy(), expected, **TOLERANCE, err_msg=buffer
        )


@pytest.mark.parametrize("name, layer_type", BATCH_NORM_CASES)
def test_batch_norm_eval_matches_pytorch(name, layer_type):
    arrays = case(name)
    layer = loaded(layer_type(3), arrays, state="after/").eval()
    x = mg.tensor(arrays["input"], requires_grad=True)
    assert_outputs_and_gradients_match(layer, arrays, {"input": x}, {"output": layer(x)})


def test_layer_norm_matches_pytorch():
    arrays = case("layer_norm")
    layer = loaded(nn.LayerNorm((3, 4)), arrays)
    x = mg.tensor(arrays["input"], requires_grad=True)
    assert_outputs_and_gradients_match(layer, arrays, {"input": x}, {"output": layer(x)})


def test_embedding_with_padding_matches_pytorch():
    arrays = case("embedding")
    layer = loaded(nn.Embedding(10, 4, padding_idx=1), arrays)
    out = layer(mg.tensor(arrays["input"]))
    assert_outputs_and_gradients_match(layer, arrays, {}, {"output": out})


RECURRENT_CASES = {
    "lstm_batch_first": lambda: nn.LSTM(3, 4, 2, batch_first=True),
    "lstm": lambda: nn.LSTM(3, 4),
    "lstm_bidirectional": lambda: nn.LSTM(3, 4, 2, bidirectional=True),
    "gru_bidirectional_batch_first": lambda: nn.GRU(3, 4, 2, batch_first=True, bidirectional=True),
    "gru_unbatched_no_bias": lambda: nn.GRU(3, 4, bias=False),
    "rnn_tanh": lambda: nn.RNN(3, 4, 2),
    "rnn_relu_bidirectional": lambda: nn.RNN(3, 4, nonlinearity="relu", bidirectional=True),
}


@pytest.mark.parametrize("name", RECURRENT_CASES)
def test_recurrent_layer_matches_pytorch(name):
    arrays = case(name)
    layer = loaded(RECURRENT_CASES[name](), arrays)
    is_lstm = isinstance(layer, nn.LSTM)
    given = [k for k in ("input", "h_0", "c_0") if k in arrays]
    inputs = {k: mg.tensor(arrays[k], requires_grad=True) for k in given}
    hx = None
    if "h_0" in inputs:
        hx = (inputs["h_0"], inputs["c_0"]) if is_lstm else inputs["h_0"]
    output, final = layer(inputs["input"], hx)
    outputs = {"output": output, "output_h_n": final[0] if is_lstm else final}
    if is_lstm:
        outputs["output_c_n"] = final[1]
    assert_outputs_and_gradients_match(layer, arrays, inputs, outputs)
