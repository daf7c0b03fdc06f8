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


# ---- Dropout1d / Dropout3d: the channel dropout of dropout2d over 1 or 3 spatial dims -------
CHANNEL_DROPOUTS = {
    "dropout1d": (nn.Dropout1d, F.dropout1d, (6, 40, 5), (40, 5)),
    "dropout3d": (nn.Dropout3d, F.dropout3d, (6, 40, 2, 2, 2), (40, 2, 2, 2)),
}


@pytest.mark.parametrize("name", CHANNEL_DROPOUTS)
@pytest.mark.parametrize("batched", [True, False])
def test_channel_dropout_zeroes_whole_channels_and_scales_the_rest(name, batched):
    layer_class, _, batched_shape, unbatched_shape = CHANNEL_DROPOUTS[name]
    shape = batched_shape if batched else unbatched_shape
    out = layer_class(0.25)(mg.ones(*shape)).numpy()
    channels = out.reshape(-1, int(np.prod(shape[-(len(unbatched_shape) - 1):])))
    assert np.all(channels.min(axis=1) == channels.max(axis=1))  # a channel is all or none
    assert set(np.unique(out)) == {0.0, np.float32(1 / 0.75)}
    assert (channels[:, 0] == 0).mean() == pytest.approx(0.25, abs=0.12)
    assert out.dtype == np.float32


@pytest.mark.parametrize("name", CHANNEL_DROPOUTS)
def test_channel_dropout_edges_eval_and_seed(name):
    layer_class, dropout_fn, _, shape = CHANNEL_DROPOUTS[name]
    x = mg.randn(*shape, dtype=mg.float64)
    np.testing.assert_array_equal(layer_class(0.5).eval()(x).numpy(), x.numpy())
    np.testing.assert_array_equal(dropout_fn(x, 0.0).numpy(), x.numpy())
    assert (dropout_fn(x, 1.0).numpy() == 0).all() and dropout_fn(x, 1.0).dtype == mg.float64
    mg.manual_seed(5)
    first = dropout_fn(x).numpy()
    mg.manual_seed(5)
    np.testing.assert_array_equal(dropout_fn(x).numpy(), first)


@given(st.sampled_from(list(CHANNEL_DROPOUTS)), seeds)
def test_channel_dropout_gradients_match_finite_differences(name, seed):
    _, dropout_fn, _, unbatched_shape = CHANNEL_DROPOUTS[name]

    def fixed_mask_dropout(x):
        mg.manual_seed(seed)
        return dropout_fn(x, 0.4)

    assert mg.gradcheck(fixed_mask_dropout, [random_tensor(seed, 2, 3, *unbatched_shape[1:])])


@pytest.mark.parametrize("name, shape, expected", [
    ("dropout1d", (4,), (r"dropout1d: expected an input \(N, C, L\) or unbatched \(C, L\), "
                         r"got shape \(4,\)")),
    ("dropout1d", (1, 2, 3, 4), r"dropout1d: .* got shape \(1, 2, 3, 4\)"),
    ("dropout3d", (2, 3, 4), (r"dropout3d: expected an input \(N, C, D, H, W\) or unbatched "
                              r"\(C, D, H, W\), got shape \(2, 3, 4\)")),
])
def test_channel_dropout_names_a_bad_input_shape(name, shape, expected):
    with pytest.raises(ValueError, match=expected):
        CHANNEL_DROPOUTS[name][1](mg.ones(*shape))


# ---- AlphaDropout / FeatureAlphaDropout ---------------------------------------------------
@pytest.mark.parametrize("p", [0.1, 0.5])
def test_alpha_dropout_keeps_a_standard_normal_at_mean_0_and_variance_1(p):
    mg.manual_seed(0)
    out = nn.AlphaDropout(p)(mg.randn(20_000)).numpy()
    assert out.dtype == np.float32
    assert out.mean() == pytest.approx(0.0, abs=0.03)
    assert out.var() == pytest.approx(1.0, abs=0.04)
    plain = F.dropout(mg.randn(20_000), p).numpy()  # plain dropout would not keep variance 1
    assert plain.var() > 1.05


def test_alpha_dropout_values_are_pytorchs():
    # PyTorch: F.alpha_dropout(torch.ones(2, 3), 0.5, True) holds only -0.7792 and 1.6656
    out = F.alpha_dropout(mg.ones(2, 3, dtype=mg.float64), 0.5, True).numpy()
    assert set(np.round(np.unique(out), 4)) <= {-0.7792, 1.6656}
    assert set(np.round(np.unique(F.alpha_dropout(mg.ones(400), 0.5, True).numpy()), 4)) == {
        np.float32(-0.7792), np.float32(1.6656)}


def test_feature_alpha_dropout_drops_whole_channels():
    mg.manual_seed(1)
    out = nn.FeatureAlphaDropout(0.5)(mg.ones(8, 10, 3, 3)).numpy().reshape(80, 9)
    assert np.all(out.min(axis=1) == out.max(axis=1))
    assert set(np.round(np.unique(out), 4)) == {np.float32(-0.7792), np.float32(1.6656)}


def test_alpha_dropouts_edges_eval_and_training_default():
    x = mg.randn(3, 4, dtype=mg.float64)
    for dropout_fn in (F.alpha_dropout, F.feature_alpha_dropout):
        np.testing.assert_array_equal(dropout_fn(x, 0.5).numpy(), x.numpy())  # training=False
        np.testing.assert_array_equal(dropout_fn(x, 0.0, True).numpy(), x.numpy())
        all_dropped = dropout_fn(x, 1.0, True)
        assert (all_dropped.numpy() == 0).all() and all_dropped.dtype == mg.float64
    np.testing.assert_array_equal(nn.AlphaDropout(0.5).eval()(x).numpy(), x.numpy())


@given(st.sampled_from([F.alpha_dropout, F.feature_alpha_dropout]), seeds)
def test_alpha_dropout_gradients_match_finite_differences(dropout_fn, seed):
    def fixed_mask_dropout(x):
        mg.manual_seed(seed)
        return dropout_fn(x, 0.3, True)

    assert mg.gradcheck(fixed_mask_dropout, [random_tensor(seed, 2, 3, 2)])


def test_alpha_dropout_errors():
    with pytest.raises(ValueError, match=r"feature_alpha_dropout: expected an input \(N, C, \.\.\.\) "
                                         r"of at least 2 dims, got shape \(3,\)"):
        F.feature_alpha_dropout(mg.ones(3), 0.5, True)
    with pytest.raises(ValueError, match="alpha_dropout: probability p must be between 0 and 1"):
        F.alpha_dropout(mg.ones(3), 2.0)


@pytest.mark.parametrize("dropout_fn", [F.dropout1d, F.dropout3d, F.alpha_dropout,
                                        F.feature_alpha_dropout])
def test_dropout_variants_on_standin_cuda_draw_the_cpu_mask(standin_gpu, dropout_fn):
    x = mg.randn(2, 3, 2, 2, 2) if dropout_fn is F.dropout3d else mg.randn(2, 3, 4)
    mg.manual_seed(2)
    on_cpu = dropout_fn(x, 0.5, True).numpy()
    mg.manual_seed(2)
    on_cuda = dropout_fn(x.to("cuda"), 0.5, True)
    assert on_cuda.device == "cuda" and on_cuda.dtype == mg.float32
    np.testing.assert_allclose(on_cuda.numpy(), on_cpu, rtol=1e-6)
