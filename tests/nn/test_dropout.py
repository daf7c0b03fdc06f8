import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F
from tests.nn.gradcheck_helpers import random_tensor, seeds


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_zeroes_a_fraction_p_and_scales_the_rest(p):
    x = mg.rand(200_000) + 1  # no zeros of its own
    out = nn.Dropout(p)(x).numpy()
    dropped = out == 0
    assert dropped.mean() == pytest.approx(p, abs=0.01)
    kept_scale = out[~dropped] / x.numpy()[~dropped]
    np.testing.assert_allclose(kept_scale, 1 / (1 - p), rtol=1e-6)
    assert out.dtype == np.float32


def test_dropout_keeps_the_expected_value():
    out = F.dropout(mg.ones(200_000), p=0.3)
    assert out.mean().item() == pytest.approx(1.0, abs=0.01)


def test_dropout_in_eval_mode_is_the_identity():
    layer = nn.Dropout(0.5).eval()
    x = mg.randn(4, 5)
    np.testing.assert_array_equal(layer(x).numpy(), x.numpy())
    np.testing.assert_array_equal(F.dropout(x, 0.5, training=False).numpy(), x.numpy())


def test_train_mode_after_eval_drops_again():
    layer = nn.Dropout(0.5).eval().train()
    assert (layer(mg.ones(1000)).numpy() == 0).any()


def test_dropout_edge_probabilities():
    x = mg.randn(100)
    np.testing.assert_array_equal(F.dropout(x, 0.0).numpy(), x.numpy())
    assert (F.dropout(x, 1.0).numpy() == 0).all()


def test_dropout_mask_follows_the_seed():
    x = mg.ones(50)
    mg.manual_seed(3)
    first = F.dropout(x).numpy()
    mg.manual_seed(3)
    np.testing.assert_array_equal(F.dropout(x).numpy(), first)
    assert (F.dropout(x).numpy() != first).any()


@given(st.sampled_from([0.2, 0.5]), seeds)
def test_dropout_gradients_match_finite_differences(p, seed):
    def fixed_mask_dropout(x):
        mg.manual_seed(seed)  # the same mask on every call gradcheck makes
        return F.dropout(x, p)

    assert mg.gradcheck(fixed_mask_dropout, [random_tensor(seed, 3, 4)])


@pytest.mark.parametrize("p", [-0.1, 1.5, "0.5"])
def test_dropout_rejects_probabilities_outside_0_1(p):
    with pytest.raises(ValueError, match="Dropout: probability p must be between 0 and 1"):
        nn.Dropout(p)
    with pytest.raises(ValueError, match="dropout: probability p must be between 0 and 1"):
        F.dropout(mg.ones(2), p)


def test_dropout2d_zeroes_whole_channels_and_scales_the_rest():
    layer = nn.Dropout2d(0.5)
    out = layer(mg.ones(8, 16, 3, 3)).numpy()
    per_channel = out.reshape(8, 16, 9)
    assert np.all(per_channel.min(axis=2) == per_channel.max(axis=2))  # a channel is all or none
    assert set(np.unique(out)) == {0.0, 2.0}
    assert layer.eval()(mg.ones(2, 3, 2, 2)).numpy().min() == 1.0


@given(seeds)
def test_dropout2d_gradient_is_the_mask(seed):
    x = random_tensor(seed, 2, 3, 2, 2)
    mg.manual_seed(seed)
    out = F.dropout2d(x, 0.4)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), (out.numpy() / x.numpy()))


def test_dropout2d_names_a_bad_input_shape():
    with pytest.raises(ValueError, match=r"dropout2d: expected an input \(N, C, H, W\) or \(N, C, L\), got shape \(4, 5\)"):
        nn.Dropout2d()(mg.ones(4, 5))
