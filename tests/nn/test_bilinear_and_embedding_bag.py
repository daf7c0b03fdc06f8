"""Bilinear and EmbeddingBag: values against numpy written out from the definitions, gradients
against finite differences, PyTorch's init and names, and the errors. PyTorch's values are in
tests/nn/test_spatial_torch_fixtures.py."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from tests.gradients import check_gradients

RNG = np.random.default_rng(0)
X1, X2 = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((2, 3, 5))
A, B = RNG.standard_normal((6, 4, 5)), RNG.standard_normal(6)
WEIGHT = RNG.standard_normal((7, 3))
IDS = np.array([1, 2, 6, 5, 4, 3, 2, 2, 0])


def test_bilinear_is_the_bilinear_form():
    out = F.bilinear(mg.tensor(X1), mg.tensor(X2), mg.tensor(A), mg.tensor(B))
    np.testing.assert_allclose(out.numpy(), np.einsum("nti,oij,ntj->nto", X1, A, X2) + B)


def test_bilinear_gradients_match_finite_differences():
    assert check_gradients(F.bilinear, X1[0], X2[0], A, B)


def test_bilinear_layer_init_and_names_are_pytorchs():
    layer = nn.Bilinear(40, 5, 6)
    assert list(layer.state_dict()) == ["weight", "bias"] and layer.weight.shape == (6, 40, 5)
    bound = 1 / math.sqrt(40)
    assert 0.9 * bound < np.abs(layer.weight.numpy()).max() <= bound
    assert np.abs(layer.bias.numpy()).max() <= bound and layer.weight.dtype == np.float32
    assert nn.Bilinear(2, 3, 4, bias=False).bias is None


def numpy_bags(ids, bounds, mode, padding_idx, sample_weights=None):
    out = np.zeros((len(bounds) - 1, WEIGHT.shape[1]))
    for b, (start, end) in enumerate(itertools.pairwise(bounds)):
        kept = [k for k in range(start, end) if ids[k] != padding_idx]
        if not kept:
            continue
        rows = WEIGHT[ids[kept]] * (1 if sample_weights is None else sample_weights[kept, None])
        out[b] = {"sum": rows.sum, "mean": rows.mean, "max": rows.max}[mode](axis=0)
    return out


@given(
    mode=st.sampled_from(["sum", "mean", "max"]),
    cuts=st.lists(st.integers(0, len(IDS)), max_size=3),
    padding_idx=st.sampled_from([None, 2]),
)
def test_embedding_bag_matches_numpy_and_finite_differences(mode, cuts, padding_idx):
    bounds = [0, *sorted(cuts), len(IDS)]
    ids, offsets = mg.tensor(IDS), mg.tensor(np.array(bounds[:-1]))
    out = F.embedding_bag(ids, mg.tensor(WEIGHT), offsets, mode=mode, padding_idx=padding_idx)
    np.testing.assert_allclose(out.numpy(), numpy_bags(IDS, bounds, mode, padding_idx))
    assert check_gradients(
        lambda w: F.embedding_bag(ids, w, offsets, mode=mode, padding_idx=padding_idx), WEIGHT)


def test_embedding_bag_per_sample_weights_get_gradients():
    ids, offsets = mg.tensor(IDS), mg.tensor(np.array([0, 4]))
    weights = RNG.standard_normal(len(IDS))
    out = F.embedding_bag(ids, mg.tensor(WEIGHT), offsets, mode="sum",
                          per_sample_weights=mg.tensor(weights))
    np.testing.assert_allclose(out.numpy(), numpy_bags(IDS, [0, 4, 9], "sum", None, weights))
    assert check_gradients(
        lambda w, p: F.embedding_bag(ids, w, offsets, mode="sum", per_sample_weights=p),
        WEIGHT, weights)


def test_embedding_bag_layer_takes_rows_as_bags():
    mg.manual_seed(0)
    layer = nn.EmbeddingBag(7, 3, mode="max", padding_idx=0)
    assert list(layer.state_dict()) == ["weight"] and not layer.weight.numpy()[0].any()
    out = layer(mg.tensor(IDS.reshape(3, 3)))
    table = layer.weight.numpy()
    expected = np.stack([table[[i for i in row if i != 0]].max(0) for row in IDS.reshape(3, 3)])
    np.testing.assert_allclose(out.numpy(), expected)
    assert out.dtype == np.float32


IDS_T, W_T = mg.tensor(IDS), mg.tensor(WEIGHT)
ERRORS = {
    "bilinear_shapes": (lambda: F.bilinear(mg.tensor(X1), mg.tensor(X2[:1]), mg.tensor(A)),
                        ValueError, r"bilinear: inputs of shapes \(2, 3, 4\) and \(1, 3, 5\)"),
    "bilinear_bias": (lambda: F.bilinear(mg.tensor(X1), mg.tensor(X2), mg.tensor(A), mg.zeros(5)),
                      ValueError, r"bias of shape \(5,\)"),
    "bag_mode": (lambda: F.embedding_bag(IDS_T, W_T, mg.tensor(np.array([0])), mode="min"), ValueError,
                 "embedding_bag: mode must be one of"),
    "bag_offsets_missing": (lambda: F.embedding_bag(IDS_T, W_T), ValueError,
                            r"embedding_bag: expected a 2-D input \(B, L\), or a 1-D input"),
    "bag_offsets_2d": (lambda: F.embedding_bag(IDS_T.reshape(3, 3), W_T, mg.tensor(np.array([0]))),
                       ValueError, "embedding_bag: offsets must be None for a 2-D input"),
    "bag_offsets_start": (lambda: F.embedding_bag(IDS_T, W_T, mg.tensor(np.array([1, 3]))), ValueError,
                          r"embedding_bag: offsets must start at 0 .* got \[1, 3\]"),
    "bag_weights_mode": (lambda: F.embedding_bag(IDS_T, W_T, mg.tensor(np.array([0])),
                                                 per_sample_weights=mg.ones(9).double()),
                         ValueError, "embedding_bag: per_sample_weights needs mode='sum'"),
    "bag_float_ids": (lambda: F.embedding_bag(W_T, W_T), TypeError,
                      "embedding_bag: input must hold integer ids"),
    "bag_max_norm": (lambda: nn.EmbeddingBag(7, 2, max_norm=1.0)(IDS_T.reshape(3, 3)),
                     ValueError, "embedding_bag: max_norm=1.0 is not supported"),
    "bag_id_range": (lambda: F.embedding_bag(IDS_T * 2, W_T, mg.tensor(np.array([0]))), IndexError,
                     "embedding: indices must be in 0..6"),
}


@pytest.mark.parametrize("name", ERRORS)
def test_bad_arguments_raise_our_errors(name):
    call, error, message = ERRORS[name]
    with pytest.raises(error, match=message):
        call()
