"""F.pad's reflect, replicate and circular modes and the padding layers: values against
numpy's np.pad, gradients against finite differences, and the errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from tests.gradients import check_gradients

NUMPY_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


@st.composite
def padding_cases(draw):
    mode = draw(st.sampled_from(list(NUMPY_MODES)))
    padded_dims = draw(st.integers(1, 3))
    shape = tuple(draw(st.integers(1, 2)) for _ in range(draw(st.integers(1, 2)))) + tuple(
        draw(st.integers(2, 4)) for _ in range(padded_dims))
    limit = {"reflect": lambda n: n - 1, "circular": lambda n: n, "replicate": lambda n: 3}[mode]
    pad = []
    for n in reversed(shape[-padded_dims:]):  # F.pad's order: last dim first
        pad += [draw(st.integers(0, limit(n))), draw(st.integers(0, limit(n)))]
    x = np.random.default_rng(draw(st.integers(0, 2**16))).standard_normal(shape)
    return x, tuple(pad), mode


def numpy_widths(ndim, pad):
    widths = [(0, 0)] * ndim
    for k in range(len(pad) // 2):
        widths[ndim - 1 - k] = (pad[2 * k], pad[2 * k + 1])
    return widths


@given(padding_cases())
def test_pad_modes_match_numpy(case):
    x, pad, mode = case
    out = F.pad(mg.tensor(x.astype(np.float32)), pad, mode=mode)
    expected = np.pad(x, numpy_widths(x.ndim, pad), mode=NUMPY_MODES[mode])
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)


@given(padding_cases())
def test_pad_modes_gradients_match_finite_differences(case):
    x, pad, mode = case
    assert check_gradients(lambda t: F.pad(t, pad, mode=mode), x)


def test_padding_layers_use_their_mode_and_pytorchs_order():
    x = mg.tensor(np.arange(12.0).reshape(1, 3, 4))
    assert nn.ReflectionPad1d((2, 1))(x).shape == (1, 3, 7)
    np.testing.assert_array_equal(nn.ReplicationPad2d((1, 0, 2, 0))(x).numpy()[0, 0], [0, 0, 1, 2, 3])
    np.testing.assert_array_equal(nn.CircularPad1d(1)(x).numpy()[0, 0], [3, 0, 1, 2, 3, 0])
    np.testing.assert_array_equal(nn.ConstantPad1d((0, 1), 7.0)(x).numpy()[0, 0], [0, 1, 2, 3, 7])
    np.testing.assert_array_equal(nn.ZeroPad2d((0, 0, 0, 1))(x).numpy()[0, -1], [0, 0, 0, 0])
    assert isinstance(nn.ZeroPad2d(1), nn.ConstantPad2d)
    assert nn.ReflectionPad2d(1).state_dict() == {}


X = mg.randn(2, 3, 4)
ERRORS = {
    "reflect_too_wide": (lambda: F.pad(X, (4, 0), mode="reflect"), ValueError,
                         r"pad: mode='reflect' needs pads of at most 3 along dim 2 of size 4"),
    "circular_too_wide": (lambda: F.pad(X, (0, 5), mode="circular"), ValueError,
                          r"pad: mode='circular' needs pads of at most 4"),
    "value_with_reflect": (lambda: F.pad(X, (1, 1), mode="reflect", value=1.0), ValueError,
                           "pad: mode='reflect' takes no value"),
    "too_few_dims": (lambda: F.pad(X[0, 0], (1, 1), mode="replicate"), ValueError,
                     r"pad: mode='replicate' pads the last 1, 2 or 3 dims .* shape \(4,\)"),
    "too_many_dims": (lambda: F.pad(mg.randn(1, 1, 2, 2, 2, 2), (1, 1), mode="circular"),
                      ValueError, "pad: mode='circular' pads the last 1, 2 or 3 dims"),
    "empty_dim": (lambda: F.pad(mg.zeros(2, 0), (1, 1), mode="replicate"), ValueError,
                  "pad: mode='replicate' has nothing to copy along dim 1 of size 0"),
    "unknown_mode": (lambda: F.pad(X, (1, 1), mode="mirror"), ValueError,
                     "pad: mode must be one of"),
    "layer_padding": (lambda: nn.ReflectionPad2d((1, 2)), ValueError,
                      r"ReflectionPad2d: padding must be an int or 4 ints"),
}


@pytest.mark.parametrize("name", ERRORS)
def test_bad_padding_raises_our_errors(name):
    call, error, message = ERRORS[name]
    with pytest.raises(error, match=message):
        call()
