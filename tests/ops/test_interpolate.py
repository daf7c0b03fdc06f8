"""F.interpolate and the Upsample layers: values against independent numpy references (np.repeat,
np.interp), gradients against finite differences, and the errors. PyTorch's exact coordinate
rules on odd sizes and scale factors are checked by tests/nn/test_spatial_torch_fixtures.py."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from tests.gradients import check_gradients

IMAGES = np.random.default_rng(0).standard_normal((2, 2, 3, 4)).astype(np.float32)


def test_nearest_by_an_integer_factor_repeats_pixels():
    out = F.interpolate(mg.tensor(IMAGES), scale_factor=(2, 3))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy(), IMAGES.repeat(2, axis=2).repeat(3, axis=3))


def test_linear_with_align_corners_is_np_interp_between_the_corners():
    x = IMAGES[:, :, 0]  # (N, C, L) with L = 4
    out = F.interpolate(mg.tensor(x), size=9, mode="linear", align_corners=True).numpy()
    where = np.linspace(0, 3, 9)
    expected = np.apply_along_axis(lambda row: np.interp(where, np.arange(4), row), -1, x)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_bilinear_is_linear_along_each_axis_in_turn():
    both = F.interpolate(mg.tensor(IMAGES), size=(5, 7), mode="bilinear").numpy()
    rows = F.interpolate(mg.tensor(IMAGES.transpose(0, 3, 1, 2).reshape(8, 2, 3)), size=5,
                         mode="linear").numpy().reshape(2, 4, 2, 5).transpose(0, 2, 3, 1)
    then_cols = F.interpolate(mg.tensor(rows.reshape(2, 2 * 5, 4)), size=7, mode="linear")
    np.testing.assert_allclose(both, then_cols.numpy().reshape(2, 2, 5, 7), rtol=1e-5, atol=1e-6)


@given(
    mode=st.sampled_from(["nearest", "nearest-exact", "bilinear", "bicubic", "area"]),
    size=st.tuples(st.integers(1, 6), st.integers(1, 6)),
    align_corners=st.booleans(),
)
def test_interpolate_gradients_match_finite_differences(mode, size, align_corners):
    corners = align_corners if mode in ("bilinear", "bicubic") else None
    x = IMAGES[:1].astype(np.float64)
    assert check_gradients(
        lambda t: F.interpolate(t, size=size, mode=mode, align_corners=corners), x)


def test_linear_gradients_match_finite_differences():
    x = IMAGES[:, :, 0].astype(np.float64)
    assert check_gradients(lambda t: F.interpolate(t, scale_factor=1.7, mode="linear"), x)


def test_upsample_layers_set_pytorchs_modes():
    x = mg.tensor(IMAGES)
    np.testing.assert_array_equal(nn.UpsamplingNearest2d(scale_factor=2)(x).numpy(),
                                  F.interpolate(x, scale_factor=2).numpy())
    np.testing.assert_array_equal(
        nn.UpsamplingBilinear2d(size=(5, 6))(x).numpy(),
        F.interpolate(x, size=(5, 6), mode="bilinear", align_corners=True).numpy())
    assert nn.Upsample(scale_factor=2.0, mode="bilinear").state_dict() == {}
    assert repr(nn.Upsample(size=3)) == "Upsample(size=3, mode='nearest')"


X = mg.tensor(IMAGES)
ERRORS = {
    "both_sizes": (lambda: F.interpolate(X, size=4, scale_factor=2), ValueError,
                   "interpolate: give exactly one of size and scale_factor"),
    "neither_size": (lambda: F.interpolate(X), ValueError, "interpolate: give exactly one"),
    "mode": (lambda: F.interpolate(X, size=4, mode="cubic"), ValueError,
             "interpolate: mode must be one of"),
    "linear_on_images": (lambda: F.interpolate(X, size=4, mode="linear"), ValueError,
                         r"interpolate: mode='linear' needs a 3-D input, got shape \(2, 2, 3, 4\)"),
    "align_corners_nearest": (lambda: F.interpolate(X, size=4, align_corners=True), ValueError,
                              "interpolate: align_corners can only be set"),
    "rank": (lambda: F.interpolate(X[0, 0], size=4), ValueError, "interpolate: expected a 3-D"),
    "size_length": (lambda: F.interpolate(X, size=(4, 4, 4)), TypeError,
                    "interpolate: size must be a number or 2 of them"),
    "empty": (lambda: F.interpolate(X, scale_factor=0.2), ValueError,
              r"interpolate: scale_factor 0.2 gives an empty output \(0, 0\)"),
    "antialias": (lambda: F.interpolate(X, size=2, mode="bilinear", antialias=True), ValueError,
                  "interpolate: antialias=True is not supported"),
    "integers": (lambda: F.interpolate(mg.tensor([[[1, 2]]], dtype=mg.int64), size=4), TypeError,
                 "interpolate: expected a floating-point tensor"),
}


@pytest.mark.parametrize("name", ERRORS)
def test_bad_arguments_raise_our_errors(name):
    call, error, message = ERRORS[name]
    with pytest.raises(error, match=message):
        call()
