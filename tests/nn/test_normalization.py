import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F
from tests.nn.gradcheck_helpers import (
    gradcheck_module,
    random_tensor,
    randomize_parameters,
    seeds,
)

small = st.integers(1, 3)
# (layer type, input shape) with at least 2 values per channel
batch_norm_cases = st.one_of(
    st.tuples(st.just(nn.BatchNorm1d), st.tuples(st.integers(2, 4), small)),
    st.tuples(st.just(nn.BatchNorm1d), st.tuples(st.integers(2, 3), small, small)),
    st.tuples(st.just(nn.BatchNorm2d), st.tuples(st.integers(2, 3), small, small, small)),
)


def per_channel_stats(values):
    """Mean and biased variance of each channel (dim 1) of a numpy array, in float64."""
    axes = (0,) + tuple(range(2, values.ndim))
    return values.astype(np.float64).mean(axis=axes), values.astype(np.float64).var(axis=axes)


# ---- batch norm ----------------------------------------------------------------------------
def test_batch_norm_state_has_pytorch_names_and_defaults():
    layer = nn.BatchNorm2d(3)
    state = layer.state_dict()
    assert list(state) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    np.testing.assert_array_equal(state["weight"].numpy(), np.ones(3))
    np.testing.assert_array_equal(state["bias"].numpy(), np.zeros(3))
    np.testing.assert_array_equal(state["running_mean"].numpy(), np.zeros(3))
    np.testing.assert_array_equal(state["running_var"].numpy(), np.ones(3))
    assert state["num_batches_tracked"].dtype == mg.int64
    assert state["num_batches_tracked"].item() == 0
    assert (layer.eps, layer.momentum) == (1e-5, 0.1)


@given(batch_norm_cases, seeds)
def test_batch_norm_training_gradients_match_finite_differences(case, seed):
    layer_type, shape = case
    layer = randomize_parameters(layer_type(shape[1]), seed)
    assert gradcheck_module(layer, [random_tensor(seed, *shape)])


@given(batch_norm_cases, seeds)
def test_batch_norm_eval_gradients_match_finite_differences(case, seed):
    layer_type, shape = case
    layer = randomize_parameters(layer_type(shape[1]), seed).eval()
    layer.running_mean.copy_(np.random.default_rng(seed).standard_normal(shape[1]))
    layer.running_var.copy_(np.random.default_rng(seed).uniform(0.5, 2.0, shape[1]))
    assert gradcheck_module(layer, [random_tensor(seed, *shape)])


@given(seeds)
def test_functional_batch_norm_gradients_match_finite_differences(seed):
    x, weight, bias = random_tensor(seed, 3, 2, 2), *(random_tensor(seed + k, 2) for k in (1, 2))

    def batch_norm(x, weight, bias):
        return F.batch_norm(x, None, None, weight, bias, training=True)

    assert mg.gradcheck(batch_norm, [x, weight, bias])


def test_batch_norm_training_normalises_each_channel_with_batch_statistics():
    x = mg.randn(8, 3, 4, 4) * 5 + 2
    out = nn.BatchNorm2d(3)(x)
    mean, var = per_channel_stats(out.numpy())
    np.testing.assert_allclose(mean, 0, atol=1e-5)
    np.testing.assert_allclose(var, 1, rtol=1e-3)
    assert out.dtype == mg.float32


def test_batch_norm_running_stats_follow_pytorchs_update():
    layer = nn.BatchNorm1d(3, momentum=0.2)
    expected_mean, expected_var = np.zeros(3), np.ones(3)
    for step in range(1, 4):
        x = mg.randn(5, 3, 2) * step + step
        layer(x)
        mean, var = per_channel_stats(x.numpy())
        n = 5 * 2
        expected_mean = 0.8 * expected_mean + 0.2 * mean
        expected_var = 0.8 * expected_var + 0.2 * var * n / (n - 1)  # unbiased
        np.testing.assert_allclose(layer.running_mean.numpy(), expected_mean, rtol=1e-5)
        np.testing.assert_allclose(layer.running_var.numpy(), expected_var, rtol=1e-5)
        assert layer.num_batches_tracked.item() == step
    assert layer.running_mean.dtype == mg.float32 and layer.running_var.dtype == mg.float32


def test_batch_norm_momentum_none_averages_all_batches_equally():
    layer = nn.BatchNorm1d(2, momentum=None)
    batches = [mg.randn(4, 2) + k for k in range(3)]
    for x in batches:
        layer(x)
    batch_means = [per_channel_stats(x.numpy())[0] for x in batches]
    np.testing.assert_allclose(layer.running_mean.numpy(), np.mean(batch_means, axis=0), rtol=1e-5)


def test_batch_norm_eval_uses_running_stats_and_changes_nothing():
    layer = nn.BatchNorm1d(2)
    layer(mg.randn(6, 2) * 3 + 1)
    layer.eval()
    state = {k: v.numpy().copy() for k, v in layer.state_dict().items()}
    x = mg.randn(4, 2)
    expected = (x.numpy() - state["running_mean"]) / np.sqrt(state["running_var"] + 1e-5)
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-5, atol=1e-6)
    for k, v in layer.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), state[k])


def test_batch_norm_without_running_stats_uses_batch_statistics_in_eval_too():
    layer = nn.BatchNorm1d(2, track_running_stats=False).eval()
    assert list(layer.state_dict()) == ["weight", "bias"]
    assert layer.running_mean is None and layer.num_batches_tracked is None
    mean, var = per_channel_stats(layer(mg.randn(10, 2) * 4 + 3).numpy())
    np.testing.assert_allclose(mean, 0, atol=1e-5)
    np.testing.assert_allclose(var, 1, rtol=1e-3)


def test_batch_norm_without_affine_has_no_parameters():
    layer = nn.BatchNorm2d(3, affine=False)
    assert list(layer.parameters()) == []
    assert list(layer.state_dict()) == ["running_mean", "running_var", "num_batches_tracked"]


def test_batch_norm_training_needs_more_than_one_value_per_channel():
    with pytest.raises(ValueError, match=r"more than 1 value per channel .* \(1, 3\)"):
        nn.BatchNorm1d(3)(mg.randn(1, 3))


@pytest.mark.parametrize(
    "layer, shape",
    [
        (nn.BatchNorm1d(3), (2, 3, 4, 4)),
        (nn.BatchNorm1d(3), (2, 4)),
        (nn.BatchNorm2d(3), (2, 3, 4)),
        (nn.BatchNorm2d(3), (2, 5, 4, 4)),
    ],
)
def test_batch_norm_wrong_input_shape_names_the_layer_and_shape(layer, shape):
    with pytest.raises(ValueError) as error:
        layer(mg.randn(*shape))
    assert str(error.value).startswith(f"{type(layer).__name__}(3): expected input")
    assert f"got shape {shape}" in str(error.value)


@pytest.mark.parametrize(
    "weight_shape, running", [((4,), False), ((3,), True)], ids=["weight", "running_mean"]
)
def test_functional_batch_norm_checks_channels_against_its_tensors(weight_shape, running):
    stats = (mg.zeros(4), mg.ones(4)) if running else (None, None)
    with pytest.raises(ValueError, match=r"has 3 channels \(dim 1\), but (weight|running_mean)"):
        F.batch_norm(mg.randn(2, 3), *stats, weight=mg.ones(*weight_shape), training=True)


# ---- layer norm ----------------------------------------------------------------------------
def test_layer_norm_parameters_have_pytorch_names_shapes_and_defaults():
    layer = nn.LayerNorm((3, 4))
    assert [(n, tuple(p.shape)) for n, p in layer.named_parameters()] == [
        ("weight", (3, 4)),
        ("bias", (3, 4)),
    ]
    np.testing.assert_array_equal(layer.weight.numpy(), np.ones((3, 4)))
    np.testing.assert_array_equal(layer.bias.numpy(), np.zeros((3, 4)))
    assert nn.LayerNorm(5).normalized_shape == (5,) and layer.eps == 1e-5
    assert list(nn.LayerNorm(5, bias=False).state_dict()) == ["weight"]
    assert list(nn.LayerNorm(5, elementwise_affine=False).parameters()) == []


def test_layer_norm_normalises_each_sample_over_its_last_dims():
    x = mg.randn(2, 5, 3, 4) * 3 + 7
    out = nn.LayerNorm((3, 4))(x).numpy().reshape(10, 12).astype(np.float64)
    np.testing.assert_allclose(out.mean(axis=1), 0, atol=1e-5)
    np.testing.assert_allclose(out.var(axis=1), 1, rtol=1e-3)
    assert nn.LayerNorm(4)(x).dtype == mg.float32


@given(st.lists(small, min_size=1, max_size=3), st.integers(1, 2), st.booleans(), seeds)
def test_layer_norm_gradients_match_finite_differences(shape, normalized_dims, affine, seed):
    normalized_dims = min(normalized_dims, len(shape))
    layer = nn.LayerNorm(shape[len(shape) - normalized_dims :], elementwise_affine=affine)
    randomize_parameters(layer, seed)
    assert gradcheck_module(layer, [random_tensor(seed, 2, *shape)])


@given(seeds)
def test_functional_layer_norm_gradients_match_finite_differences(seed):
    x, weight, bias = random_tensor(seed, 2, 3), *(random_tensor(seed + k, 3) for k in (1, 2))
    assert mg.gradcheck(lambda *t: F.layer_norm(t[0], 3, t[1], t[2], eps=1e-3), [x, weight, bias])


def test_layer_norm_input_not_ending_in_normalized_shape_is_an_error():
    with pytest.raises(ValueError, match=r"layer_norm: input of shape \(2, 3, 5\) does not end in "
                                         r"normalized_shape \(3, 4\)"):
        nn.LayerNorm((3, 4))(mg.randn(2, 3, 5))


# ---- group norm, instance norm, RMS norm ----------------------------------------------------
def test_group_instance_and_rms_norm_have_pytorch_names_and_defaults():
    assert list(nn.GroupNorm(2, 4).state_dict()) == ["weight", "bias"]
    assert list(nn.RMSNorm(3).state_dict()) == ["weight"] and nn.RMSNorm(3).eps is None
    assert list(nn.InstanceNorm2d(3).state_dict()) == []
    tracked = nn.InstanceNorm2d(3, affine=True, track_running_stats=True)
    assert list(tracked.state_dict()) == [
        "weight", "bias", "running_mean", "running_var", "num_batches_tracked"
    ]


@given(st.sampled_from([(2, 4, 3), (3, 6, 2, 2), (1, 2, 5)]), st.sampled_from([1, 2]), seeds)
def test_group_norm_gradients_match_finite_differences(shape, groups, seed):
    layer = randomize_parameters(nn.GroupNorm(groups, shape[1]), seed)
    assert gradcheck_module(layer, [random_tensor(seed, *shape)])


def test_group_norm_normalises_each_group_of_each_sample():
    x = mg.tensor(np.random.default_rng(0).standard_normal((2, 4, 3)) * 5 + 2)
    out = F.group_norm(x, 2).numpy().reshape(2, 2, 6)
    np.testing.assert_allclose(out.mean(axis=2), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=2), 1, atol=1e-4)


@given(st.sampled_from([((2, 3), (3,)), ((2, 3, 4), (3, 4)), ((5,), (5,))]), seeds)
def test_rms_norm_gradients_match_finite_differences(shapes, seed):
    input_shape, normalized_shape = shapes
    layer = randomize_parameters(nn.RMSNorm(normalized_shape, eps=1e-6), seed)
    assert gradcheck_module(layer, [random_tensor(seed, *input_shape)])


def test_rms_norm_default_eps_is_the_dtypes_machine_epsilon():
    x = mg.tensor(np.zeros((1, 2), dtype=np.float32))
    x.data[0, 0] = 1e-4  # mean square 5e-9, below float32's eps (1.2e-7)
    expected = 1e-4 / np.sqrt(5e-9 + np.finfo(np.float32).eps)
    np.testing.assert_allclose(nn.RMSNorm(2)(x).numpy()[0, 0], expected, rtol=1e-5)
    assert nn.RMSNorm(2)(x).dtype == np.float32


@given(st.sampled_from([(2, 3, 2, 2), (3, 2, 3), (1, 2, 1, 3)]), seeds)
def test_instance_norm_training_gradients_match_finite_differences(shape, seed):
    layer = randomize_parameters(nn.InstanceNorm2d(shape[-3], affine=True), seed)
    assert gradcheck_module(layer, [random_tensor(seed, *shape)])


@given(seeds)
def test_instance_norm_eval_with_running_stats_gradients_match_finite_differences(seed):
    layer = nn.InstanceNorm2d(3, affine=True, track_running_stats=True)
    randomize_parameters(layer, seed).eval()
    layer.running_var.copy_(np.random.default_rng(seed).uniform(0.5, 2.0, 3))
    assert gradcheck_module(layer, [random_tensor(seed, 2, 3, 2, 2)])


def test_instance_norm_running_stats_average_the_instances():
    layer = nn.InstanceNorm2d(2, momentum=0.5, track_running_stats=True)
    values = np.random.default_rng(0).standard_normal((3, 2, 2, 2))
    layer(mg.tensor(values))
    instance_mean = values.mean(axis=(2, 3)).mean(axis=0)
    instance_var = values.var(axis=(2, 3), ddof=1).mean(axis=0)
    np.testing.assert_allclose(layer.running_mean.numpy(), 0.5 * instance_mean, rtol=1e-6)
    np.testing.assert_allclose(layer.running_var.numpy(), 0.5 + 0.5 * instance_var, rtol=1e-6)
    assert layer.num_batches_tracked.item() == 0  # instance norm never counts, as in PyTorch


def test_instance_norm_with_momentum_none_keeps_its_running_stats():
    # PyTorch passes momentum 0 for None (batch norm's cumulative average is not used)
    layer = nn.InstanceNorm1d(2, momentum=None, track_running_stats=True)
    layer(mg.randn(3, 2, 5))
    np.testing.assert_array_equal(layer.running_mean.numpy(), np.zeros(2, np.float32))
    np.testing.assert_array_equal(layer.running_var.numpy(), np.ones(2, np.float32))


@pytest.mark.parametrize("make, shape, message", [
    (lambda: nn.GroupNorm(2, 4), (2, 3, 5), r"GroupNorm\(2, 4\): expected input \(N, C, \*\) with C=4, got shape \(2, 3, 5\)"),
    (lambda: nn.InstanceNorm2d(3), (2, 3, 4), r"InstanceNorm2d\(3\): expected .* C=3, got shape \(2, 3, 4\)"),
    (lambda: nn.RMSNorm(4), (2, 3), r"rms_norm: input of shape \(2, 3\) does not end in normalized_shape \(4,\)"),
])
def test_normalization_layers_name_themselves_and_the_shape_on_bad_input(make, shape, message):
    with pytest.raises(ValueError, match=message):
        make()(mg.randn(*shape))


def test_group_norm_rejects_groups_that_do_not_divide_the_channels():
    with pytest.raises(ValueError, match=r"GroupNorm: num_channels \(5\) must be divisible by num_groups \(2\)"):
        nn.GroupNorm(2, 5)
