"""TransformerDecoderLayer, TransformerDecoder and Transformer: gradients by finite differences,
PyTorch's outputs and input gradients from its own state dicts, the causal mask, and errors."""

import os

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from tests.nn.gradcheck_helpers import gradcheck_module, random_tensor, randomize_parameters

FIXTURES = np.load(os.path.join(os.path.dirname(__file__), "..", "fixtures", "torch_decoder.npz"))
SMALL = dict(dim_feedforward=16, dropout=0.0)

TORCH_CASES = {
    "decoder_layer_norm_first=False": (
        lambda: nn.TransformerDecoderLayer(8, 2, batch_first=True, **SMALL), ("tgt", "memory")),
    "decoder_layer_norm_first=True": (
        lambda: nn.TransformerDecoderLayer(8, 2, activation="gelu", batch_first=True,
                                           norm_first=True, **SMALL), ("tgt", "memory")),
    "decoder": (
        lambda: nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, **SMALL), num_layers=2,
                                      norm=nn.LayerNorm(8)), ("tgt", "memory")),
    "transformer": (
        lambda: nn.Transformer(8, 2, num_encoder_layers=2, num_decoder_layers=2,
                               batch_first=True, **SMALL), ("src", "tgt")),
}


def case_arrays(case):
    prefix = f"{case}/"
    return {k[len(prefix) :]: FIXTURES[k] for k in FIXTURES.files if k.startswith(prefix)}


@pytest.mark.parametrize("case", TORCH_CASES)
def test_output_and_input_gradients_match_pytorch(case):
    make_module, sequence_names = TORCH_CASES[case]
    arrays = case_arrays(case)
    module = make_module().eval()
    module.load_state_dict({k[len("state/") :]: v for k, v in arrays.items() if k.startswith("state/")})
    sequences = {name: mg.tensor(arrays[name], requires_grad=True) for name in sequence_names}
    masks = {name: mg.tensor(value) for name, value in arrays.items()
             if name.endswith("_mask") and "/" not in name}
    out = module(**sequences, **masks)
    assert out.dtype == mg.float32
    (out * mg.tensor(arrays["cotangent"])).sum().backward()
    np.testing.assert_allclose(out.numpy(), arrays["output"], atol=1e-5)
    for name, x in sequences.items():
        np.testing.assert_allclose(x.grad.numpy(), arrays[f"grad/{name}"], atol=1e-5, err_msg=name)


def test_square_subsequent_mask_is_minus_infinity_above_the_diagonal():
    mask = nn.Transformer.generate_square_subsequent_mask(5)
    assert mask.dtype == mg.float32 and mask.shape == (5, 5)
    np.testing.assert_array_equal(mask.numpy(), FIXTURES["square_subsequent_mask"])
    assert np.all(np.isneginf(mask.numpy()[np.triu_indices(5, 1)]))
    assert np.all(mask.numpy()[np.tril_indices(5)] == 0)


MASKS = {
    "no masks": {},
    "causal and padding": {
        "tgt_mask": nn.Transformer.generate_square_subsequent_mask(3, dtype=mg.float64),
        "tgt_key_padding_mask": mg.tensor(np.array([[False, False, True], [False] * 3])),
        "memory_key_padding_mask": mg.tensor(np.array([[False, True], [False, False]])),
    },
}


@pytest.mark.parametrize("norm_first", [False, True], ids=["post-norm", "pre-norm"])
@pytest.mark.parametrize("masks", MASKS, ids=list(MASKS))
def test_decoder_layer_gradients_match_finite_differences(norm_first, masks):
    layer = nn.TransformerDecoderLayer(4, 2, dim_feedforward=6, dropout=0.0, batch_first=True,
                                       norm_first=norm_first)
    randomize_parameters(layer, seed=1)
    tgt, memory = random_tensor(2, 2, 3, 4), random_tensor(3, 2, 2, 4)
    assert gradcheck_module(layer, [tgt, memory],
                            call=lambda m, tgt, memory: m(tgt, memory, **MASKS[masks]))


def test_causal_target_mask_hides_later_target_positions():
    mg.manual_seed(0)
    decoder = nn.TransformerDecoder(nn.TransformerDecoderLayer(4, 2, 8, dropout=0.0), 2).eval()
    tgt, memory = mg.randn(4, 1, 4), mg.randn(3, 1, 4)
    mask = nn.Transformer.generate_square_subsequent_mask(4)
    changed = tgt.numpy().copy()
    changed[2:] = 50.0
    before = decoder(tgt, memory, tgt_mask=mask).numpy()
    after = decoder(mg.tensor(changed), memory, tgt_mask=mask, tgt_is_causal=True).numpy()
    np.testing.assert_allclose(after[:2], before[:2], atol=1e-6)
    assert not np.allclose(after[2:], before[2:])


def test_decoder_stacks_independent_copies_under_pytorch_names():
    decoder = nn.TransformerDecoder(nn.TransformerDecoderLayer(4, 2, 8), 2, norm=nn.LayerNorm(4))
    names = {n for n, _ in decoder.named_parameters()}
    assert {"layers.1.multihead_attn.in_proj_weight", "layers.0.norm3.bias", "norm.weight"} <= names
    assert decoder.layers[0].linear1.weight is not decoder.layers[1].linear1.weight
    transformer = nn.Transformer(4, 2, 1, 1, 8)
    names = {n for n, _ in transformer.named_parameters()}
    assert {"encoder.norm.weight", "decoder.layers.0.self_attn.out_proj.weight"} <= names


def test_mismatched_model_width_or_batch_raises_an_error_naming_the_layer_and_shapes():
    layer = nn.TransformerDecoderLayer(4, 2, 8, batch_first=True)
    with pytest.raises(ValueError, match=r"TransformerDecoderLayer.*d_model=4.*tgt \(2, 3, 5\)"):
        layer(mg.randn(2, 3, 5), mg.randn(2, 2, 4))
    with pytest.raises(ValueError, match=r"TransformerDecoderLayer.*tgt \(2, 3, 4\), memory \(3, 2, 4\)"):
        layer(mg.randn(2, 3, 4), mg.randn(3, 2, 4))
    transformer = nn.Transformer(4, 2, 1, 1, 8)  # sequence-first: the batch is dim 1
    with pytest.raises(ValueError, match=r"Transformer:.*\(L, N, d_model\).*src \(5, 2, 4\), tgt \(3, 1, 4\)"):
        transformer(mg.randn(5, 2, 4), mg.randn(3, 1, 4))
    with pytest.raises(ValueError, match=r"TransformerEncoderLayer:.*d_model=4.*src \(3, 2, 6\)"):
        nn.TransformerEncoderLayer(4, 2, 8)(mg.randn(3, 2, 6))
    with pytest.raises(ValueError, match="activation"):
        nn.TransformerDecoderLayer(4, 2, activation="swish")
