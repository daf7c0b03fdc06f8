import math

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import init


@pytest.mark.parametrize(
    "nonlinearity, param, gain",
    [
        ("linear", None, 1.0),
        ("conv2d", None, 1.0),
        ("sigmoid", None, 1.0),
        ("tanh", None, 5 / 3),
        ("relu", None, math.sqrt(2)),
        ("leaky_relu", None, math.sqrt(2 / (1 + 0.01**2))),
        ("leaky_relu", 0.2, math.sqrt(2 / (1 + 0.2**2))),
        ("selu", None, 0.75),
    ],
)
def test_calculate_gain_matches_pytorch_table(nonlinearity, param, gain):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(gain)


def test_calculate_gain_rejects_unknown_nonlinearity():
    with pytest.raises(ValueError, match="calculate_gain: unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")


@pytest.mark.parametrize(
    "shape, fans", [((3, 4), (4, 3)), ((8, 3, 5, 5), (75, 200)), ((6, 2, 7), (14, 42))]
)
def test_fan_in_and_fan_out_count_the_receptive_field(shape, fans):
    assert init._calculate_fan_in_and_fan_out(mg.empty(shape)) == fans


def test_fan_needs_two_dims():
    with pytest.raises(ValueError, match=r"at least 2 dims, got shape \(5,\)"):
        init._calculate_fan_in_and_fan_out(mg.empty(5))


def assert_uniform(t, bound):
    values = t.numpy()
    assert values.min() >= -bound and values.max() <= bound
    assert values.max() > 0.99 * bound and values.min() < -0.99 * bound
    assert values.std() == pytest.approx(bound / math.sqrt(3), rel=0.03)


def assert_normal(t, std):
    values = t.numpy()
    assert abs(values.mean()) < 0.05 * std
    assert values.std() == pytest.approx(std, rel=0.03)


def test_kaiming_uniform_bound_is_gain_times_sqrt_3_over_fan_in():
    w = init.kaiming_uniform_(mg.empty(200, 300))
    assert_uniform(w, math.sqrt(2) * math.sqrt(3 / 300))


def test_kaiming_uniform_with_a_sqrt5_is_one_over_sqrt_fan_in_as_in_linear():
    w = init.kaiming_uniform_(mg.empty(100, 400), a=math.sqrt(5))
    assert_uniform(w, 1 / math.sqrt(400))


def test_kaiming_uniform_fan_out_mode_uses_the_output_count():
    w = init.kaiming_uniform_(mg.empty(200, 30, 3, 3), mode="fan_out", nonlinearity="relu")
    assert_uniform(w, math.sqrt(2) * math.sqrt(3 / (200 * 9)))


def test_kaiming_normal_std_is_gain_over_sqrt_fan():
    w = init.kaiming_normal_(mg.empty(300, 200), nonlinearity="relu")
    assert_normal(w, math.sqrt(2) / math.sqrt(200))


def test_kaiming_rejects_unknown_mode():
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out'"):
        init.kaiming_normal_(mg.empty(3, 3), mode="fan_avg")


def test_xavier_uniform_bound_uses_fan_in_plus_fan_out():
    w = init.xavier_uniform_(mg.empty(100, 500), gain=2.0)
    assert_uniform(w, 2.0 * math.sqrt(6 / 600))


def test_xavier_normal_std_uses_fan_in_plus_fan_out():
    w = init.xavier_normal_(mg.empty(250, 350))
    assert_normal(w, math.sqrt(2 / 600))


def test_uniform_and_normal_take_their_parameters():
    assert_uniform(init.uniform_(mg.empty(50000), -3.0, 3.0), 3.0)
    values = init.normal_(mg.empty(50000), mean=5.0, std=2.0).numpy()
    assert values.mean() == pytest.approx(5.0, abs=0.05)
    assert values.std() == pytest.approx(2.0, rel=0.03)


def test_constant_zeros_ones_fill():
    t = mg.empty(2, 3)
    assert (init.constant_(t, 0.25).numpy() == 0.25).all()
    assert (init.zeros_(t).numpy() == 0).all()
    assert (init.ones_(t).numpy() == 1).all()


@pytest.mark.parametrize("dtype", [mg.float32, mg.float64])
def test_init_writes_in_place_and_keeps_the_dtype(dtype):
    t = mg.zeros(20, 30, dtype=dtype)
    array = t.data
    out = init.kaiming_uniform_(t)
    assert out is t and t.data is array
    assert t.dtype == dtype and (t.numpy() != 0).any()


def test_init_of_a_parameter_records_no_graph():
    p = mg.nn.Parameter(mg.zeros(3, 4))
    init.xavier_normal_(p)
    assert p.is_leaf and p.requires_grad


def test_init_is_reproducible_with_a_seed():
    mg.manual_seed(7)
    first = init.normal_(mg.empty(4, 4)).numpy().copy()
    mg.manual_seed(7)
    np.testing.assert_array_equal(init.normal_(mg.empty(4, 4)).numpy(), first)
