"""Each layer gives the same outputs and gradients on 'cuda' as on 'cpu' (needs a GPU)."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn

pytestmark = pytest.mark.gpu

CASES = {
    "linear": (lambda: nn.Linear(4, 3), lambda: mg.randn(5, 4)),
    "batch_norm1d": (lambda: nn.BatchNorm1d(3), lambda: mg.randn(6, 3, 2)),
    "batch_norm2d": (lambda: nn.BatchNorm2d(3), lambda: mg.randn(4, 3, 5, 5)),
    "layer_norm": (lambda: nn.LayerNorm((3, 4)), lambda: mg.randn(2, 3, 4)),
    "dropout": (lambda: nn.Sequential(nn.GELU(), nn.Dropout(0.3)), lambda: mg.randn(8, 8)),
    "embedding": (
        lambda: nn.Embedding(10, 4, padding_idx=0),
        lambda: mg.randint(0, 10, size=(3, 5)),
    ),
    "lstm": (lambda: nn.LSTM(3, 4, num_layers=2, batch_first=True), lambda: mg.randn(2, 5, 3)),
    "lstm_bidirectional": (
        lambda: nn.LSTM(3, 4, num_layers=2, bidirectional=True), lambda: mg.randn(5, 2, 3)
    ),
    "gru": (
        lambda: nn.GRU(3, 4, num_layers=2, batch_first=True, bidirectional=True),
        lambda: mg.randn(2, 5, 3),
    ),
    "rnn_tanh": (lambda: nn.RNN(3, 4, num_layers=2), lambda: mg.randn(5, 2, 3)),
    "rnn_relu": (lambda: nn.RNN(3, 4, nonlinearity="relu", bias=False), lambda: mg.randn(5, 3)),
}


def forward_and_backward(make_layer, make_input, device):
    """Output, gradients and buffers, from the same seed so both devices start alike."""
    mg.manual_seed(0)
    layer = make_layer().to(device)
    x = make_input().to(device)
    if x.dtype.kind == "f":
        x.requires_grad_()
    out = layer(x)
    out = out[0] if isinstance(out, tuple) else out
    (out * out).sum().backward()
    grads = {name: p.grad.numpy() for name, p in layer.named_parameters()}
    if x.requires_grad:
        grads["input"] = x.grad.numpy()
    return out.numpy(), grads, {name: b.numpy() for name, b in layer.named_buffers()}


@pytest.mark.parametrize("name", CASES)
def test_layer_on_cuda_matches_cpu(name):
    cpu_out, cpu_grads, cpu_buffers = forward_and_backward(*CASES[name], "cpu")
    cuda_out, cuda_grads, cuda_buffers = forward_and_backward(*CASES[name], "cuda")
    np.testing.assert_allclose(cuda_out, cpu_out, rtol=1e-4, atol=1e-5)
    for key in cpu_grads:
        np.testing.assert_allclose(cuda_grads[key], cpu_grads[key], rtol=1e-4, atol=1e-5)
    for key in cpu_buffers:
        np.testing.assert_allclose(cuda_buffers[key], cpu_buffers[key], rtol=1e-4, atol=1e-5)
