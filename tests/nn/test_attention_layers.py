"""MultiheadAttention, TransformerEncoderLayer/Encoder and positional encodings: gradients by
finite differences, PyTorch's outputs from its own state dicts, and the masks' meaning."""

import math
import os

import numpy as np
import pytest
from hypothesis import given, settings

import minigrad as mg
from minigrad import nn
from tests.nn.gradcheck_helpers import gradcheck_module, random_tensor, randomize_parameters, seeds

FIXTURES = np.load(os.path.join(os.path.dirname(__file__), "..", "fixtures", "torch_attention.npz"))


def state(prefix):
    return {k[len(prefix) :]: FIXTURES[k] for k in FIXTURES.files if k.startswith(prefix)}


def test_multihead_attention_matches_pytorch_with_a_padding_mask():
    mha = nn.MultiheadAttention(8, 2, batch_first=True).eval()
    mha.load_state_dict(state("mha/state/"))
    x = mg.tensor(FIXTURES["x"])
    out, weights = mha(x, x, x, key_padding_mask=mg.tensor(FIXTURES["key_padding_mask"]))
    np.testing.assert_allclose(out.numpy(), FIXTURES["mha/output"], atol=1e-5)
    np.testing.assert_allclose(weights.numpy(), FIXTURES["mha/weights"], atol=1e-5)


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_layer_matches_pytorch(norm_first):
    case = f"encoder_norm_first={norm_first}"
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True,
                                       norm_first=norm_first, activation="gelu").eval()
    layer.load_state_dict(state(f"{case}/state/"))
    padding = FIXTURES["key_padding_mask"]
    out = layer(mg.tensor(FIXTURES["x"]), src_key_padding_mask=mg.tensor(padding))
    real = ~padding  # PyTorch's fast path leaves padded positions undefined: compare the rest
    np.testing.assert_allclose(out.numpy()[real], FIXTURES[f"{case}/output"][real], atol=1e-5)


@settings(max_examples=5)
@given(seeds)
def test_multihead_attention_gradients_match_finite_differences(seed):
    mg.manual_seed(seed)
    mha = randomize_parameters(nn.MultiheadAttention(4, 2, batch_first=True), seed)
    q, kv = random_tensor(seed, 2, 3, 4), random_tensor(seed + 1, 2, 2, 4)
    padding = mg.tensor(np.array([[False, False], [False, True]]))
    assert gradcheck_module(mha, [q, kv], call=lambda m, q, kv: m(q, kv, kv, key_padding_mask=padding)[0])


@settings(max_examples=3)
@given(seeds)
def test_encoder_layer_gradients_match_finite_differences(seed):
    mg.manual_seed(seed)
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.0, batch_first=True)
    randomize_parameters(layer, seed)
    assert gradcheck_module(layer, [random_tensor(seed, 1, 3, 4)])


@pytest.mark.parametrize("batch_first", [True, False])
def test_self_attention_packed_projection_matches_three_separate_ones(batch_first):
    mha = randomize_parameters(nn.MultiheadAttention(6, 3, batch_first=batch_first), seed=3)
    x = random_tensor(4, 2, 5, 6)
    results = []
    for same_tensor in (True, False):  # x three times, then three different tensors equal to x
        key, value = (x, x) if same_tensor else (x * 1.0, x * 1.0)
        out, _ = mha(x, key, value, need_weights=False)
        out.sum().backward()
        results.append([out.numpy(), x.grad.numpy(), mha.in_proj_weight.grad.numpy()])
        x.grad = mha.in_proj_weight.grad = None
    for packed, separate in zip(*results):
        np.testing.assert_allclose(packed, separate, rtol=1e-10, atol=1e-12)


def test_sequence_first_layout_is_the_default_as_in_pytorch():
    mha = nn.MultiheadAttention(4, 2).eval()
    x = mg.randn(3, 2, 4)  # (L, N, E)
    out, _ = mha(x, x, x)
    batch_first = nn.MultiheadAttention(4, 2, batch_first=True).eval()
    batch_first.load_state_dict(mha.state_dict())
    xb = x.transpose(0, 1)
    np.testing.assert_allclose(out.transpose(0, 1).numpy(), batch_first(xb, xb, xb)[0].numpy(), atol=1e-6)


def test_padded_keys_get_no_attention_weight_and_do_not_change_the_output():
    mha = nn.MultiheadAttention(4, 1, batch_first=True).eval()
    x = mg.randn(1, 4, 4)
    padding = mg.tensor(np.array([[False, False, True, True]]))
    out, weights = mha(x, x, x, key_padding_mask=padding)
    assert np.all(weights.numpy()[..., 2:] == 0)
    changed = x.numpy().copy()
    changed[0, 2:] = 100.0
    out2, _ = mha(x, mg.tensor(changed), mg.tensor(changed), key_padding_mask=padding)
    np.testing.assert_allclose(out.numpy(), out2.numpy(), atol=1e-6)


def test_causal_mask_lets_a_position_see_only_the_past():
    mha = nn.MultiheadAttention(4, 2, batch_first=True).eval()
    x = mg.randn(1, 5, 4)
    _, weights = mha(x, x, x, is_causal=True, attn_mask=None)
    assert np.all(np.triu(weights.numpy()[0], k=1) == 0)


def test_encoder_stacks_independent_copies():
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, batch_first=True)
    encoder = nn.TransformerEncoder(layer, num_layers=2, norm=nn.LayerNorm(4))
    names = [n for n, _ in encoder.named_parameters()]
    assert "layers.1.self_attn.in_proj_weight" in names and "norm.weight" in names
    assert encoder.layers[0].linear1.weight is not encoder.layers[1].linear1.weight
    assert encoder(mg.randn(2, 3, 4)).shape == (2, 3, 4)


def test_sinusoidal_table_follows_the_formula():
    pe = nn.SinusoidalPositionalEncoding(6, max_len=10)
    pos, i = 3, 1
    assert math.isclose(pe.pe.numpy()[pos, 2 * i], math.sin(pos / 10000 ** (2 * i / 6)), rel_tol=1e-6)
    assert math.isclose(pe.pe.numpy()[pos, 2 * i + 1], math.cos(pos / 10000 ** (2 * i / 6)), rel_tol=1e-6)
    assert "pe" not in pe.state_dict()


def test_learned_positions_are_trained_and_bounded_by_max_len():
    pos = nn.LearnedPositionalEmbedding(4, 3)
    x = mg.zeros(2, 3, 3)
    pos(x).sum().backward()
    assert pos.embedding.weight.grad.numpy()[:3].tolist() == [[2.0] * 3] * 3
    with pytest.raises(ValueError, match="max_len"):
        pos(mg.zeros(1, 5, 3))


def test_bad_configuration_and_shapes_raise_clear_errors():
    with pytest.raises(ValueError, match="divisible"):
        nn.MultiheadAttention(5, 2)
    with pytest.raises(ValueError, match="query must be"):
        nn.MultiheadAttention(4, 2, batch_first=True)(mg.randn(2, 3, 5), mg.randn(2, 3, 5), mg.randn(2, 3, 5))
    with pytest.raises(ValueError, match="activation"):
        nn.TransformerEncoderLayer(4, 2, activation="swish")
