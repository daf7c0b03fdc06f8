import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F
from tests.nn.gradcheck_helpers import gradcheck_module, random_tensor, seeds


def ids(*values):
    return mg.tensor(np.array(values, dtype=np.int64))


def test_embedding_weight_is_standard_normal():
    layer = nn.Embedding(1000, 50)
    assert [(n, tuple(p.shape)) for n, p in layer.named_parameters()] == [("weight", (1000, 50))]
    values = layer.weight.numpy()
    assert values.dtype == np.float32
    assert abs(values.mean()) < 0.02 and values.std() == pytest.approx(1.0, abs=0.02)


def test_embedding_looks_up_rows():
    layer = nn.Embedding(5, 3)
    out = layer(ids([4, 0], [2, 2]))
    assert out.shape == (2, 2, 3) and out.dtype == mg.float32
    np.testing.assert_array_equal(out.numpy(), layer.weight.numpy()[[[4, 0], [2, 2]]])
    rows = F.embedding(ids(1, 3), layer.weight)
    np.testing.assert_array_equal(rows.numpy(), layer.weight.numpy()[[1, 3]])


def test_embedding_gradient_adds_up_repeated_ids():
    layer = nn.Embedding(4, 2)
    layer(ids(1, 2, 2, 2)).sum().backward()
    np.testing.assert_array_equal(layer.weight.grad.numpy(), [[0, 0], [1, 1], [3, 3], [0, 0]])


@given(st.lists(st.integers(0, 4), min_size=1, max_size=6), st.integers(1, 3), seeds)
def test_embedding_gradients_match_finite_differences(id_list, dim, seed):
    layer = nn.Embedding(5, dim)
    assert gradcheck_module(layer, [ids(*id_list)])


@given(seeds)
def test_functional_embedding_gradients_match_finite_differences(seed):
    weight = random_tensor(seed, 4, 3)
    assert mg.gradcheck(lambda w: F.embedding(ids([0, 3], [3, 1]), w), [weight])


def test_padding_row_starts_at_zero_and_gets_no_gradient():
    layer = nn.Embedding(4, 3, padding_idx=2)
    np.testing.assert_array_equal(layer.weight.numpy()[2], np.zeros(3))
    out = layer(ids([2, 1, 2], [1, 0, 2]))
    np.testing.assert_array_equal(out.numpy()[0, 0], np.zeros(3))
    (out * 2).sum().backward()
    np.testing.assert_array_equal(layer.weight.grad.numpy(), [[2] * 3, [4] * 3, [0] * 3, [0] * 3])


def test_padding_row_is_read_as_it_is():
    # as in PyTorch, padding_idx stops the gradient; it does not force the output to zero
    layer = nn.Embedding(3, 2, padding_idx=0)
    layer.weight.data[0] = 7.0
    np.testing.assert_array_equal(layer(ids(0)).numpy(), [[7.0, 7.0]])


def test_negative_padding_idx_counts_from_the_end():
    layer = nn.Embedding(5, 2, padding_idx=-1)
    assert layer.padding_idx == 4
    assert repr(layer) == "Embedding(5, 2, padding_idx=4)"


def test_embedding_rejects_padding_idx_out_of_range():
    with pytest.raises(ValueError, match="padding_idx 5 is out of range for 5 embeddings"):
        nn.Embedding(5, 2, padding_idx=5)


def test_embedding_rejects_float_indices():
    with pytest.raises(TypeError, match="indices must be an integer tensor, got dtype float32"):
        nn.Embedding(5, 2)(mg.tensor([1.0, 2.0]))


@pytest.mark.parametrize("bad_id", [5, -1])
def test_embedding_rejects_indices_out_of_range(bad_id):
    with pytest.raises(IndexError, match=r"indices must be in 0..4 for a weight of shape \(5, 2\)"):
        nn.Embedding(5, 2)(ids(0, bad_id))
