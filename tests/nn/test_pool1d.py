"""The 1-D pools: the same numbers as the 2-D pools over one-row images (an independent
numpy reference for the plain windows), gradients against finite differences, the layers'
arguments, and the errors. PyTorch's values are in tests/nn/test_spatial_torch_fixtures.py."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from tests.gradients import check_gradients

SEQUENCES = np.random.default_rng(0).standard_normal((2, 3, 9))


def test_plain_windows_match_numpy():
    windows = SEQUENCES[..., :8].reshape(2, 3, 4, 2)  # kernel 2, stride 2 (the last one left out)
    x = mg.tensor(SEQUENCES.astype(np.float32))
    np.testing.assert_allclose(F.max_pool1d(x, 2).numpy(), windows.max(-1), rtol=1e-6)
    np.testing.assert_allclose(F.avg_pool1d(x, 2).numpy(), windows.mean(-1), rtol=1e-6)
    pooled, indices = F.max_pool1d(x, 2, return_indices=True)
    np.testing.assert_array_equal(indices.numpy(), windows.argmax(-1) + np.arange(0, 8, 2))
    np.testing.assert_allclose(F.adaptive_avg_pool1d(x, 1).numpy()[..., 0], SEQUENCES.mean(-1),
                               rtol=1e-6)
    assert pooled.dtype == np.float32


@given(
    kernel=st.integers(1, 3), stride=st.integers(1, 3), ceil_mode=st.booleans(),
    pad=st.integers(0, 1), output_size=st.integers(1, 5),
)
def test_gradients_match_finite_differences(kernel, stride, ceil_mode, pad, output_size):
    pad = min(pad, kernel // 2)
    pools = [
        lambda t: F.max_pool1d(t, kernel, stride, pad, ceil_mode=ceil_mode),
        lambda t: F.avg_pool1d(t, kernel, stride, pad, ceil_mode, count_include_pad=False),
        lambda t: F.adaptive_avg_pool1d(t, output_size),
        lambda t: F.adaptive_max_pool1d(t, output_size),
    ]
    for pool in pools:
        assert check_gradients(pool, SEQUENCES[:1])


def test_layers_take_pytorchs_arguments():
    x = mg.tensor(SEQUENCES.astype(np.float32))
    assert nn.MaxPool1d(3, stride=2, padding=1, dilation=2, ceil_mode=True)(x).shape == (2, 3, 4)
    out, indices = nn.MaxPool1d(2, return_indices=True)(x[0])
    assert out.shape == indices.shape == (3, 4)
    assert nn.AvgPool1d(3, 1, 1, count_include_pad=False)(x).shape == (2, 3, 9)
    assert nn.AdaptiveAvgPool1d(4)(x).shape == nn.AdaptiveMaxPool1d(4)(x).shape == (2, 3, 4)
    assert nn.AdaptiveMaxPool1d(2, return_indices=True)(x)[1].dtype == np.int64


X = mg.tensor(SEQUENCES.astype(np.float32))
ERRORS = {
    "images": (lambda: F.max_pool1d(X[None], 2), ValueError,
               r"max_pool1d: expected a 2-D \(C, L\) or 3-D \(N, C, L\) input, got shape"),
    "pair_kernel": (lambda: F.avg_pool1d(X, (2, 2)), TypeError,
                    "avg_pool1d: kernel_size must be an int or a tuple of 1"),
    "adaptive_pair": (lambda: F.adaptive_avg_pool1d(X, (2, 2)), TypeError,
                      "adaptive_avg_pool1d: output_size must be an int or a tuple of 1"),
    "adaptive_rank": (lambda: F.adaptive_max_pool1d(X[0, 0], 2), ValueError,
                      "adaptive_max_pool1d: expected a 2-D"),
    "too_small": (lambda: F.max_pool1d(X, 12), ValueError, "max_pool2d: input of shape"),
}


@pytest.mark.parametrize("name", ERRORS)
def test_bad_arguments_raise_our_errors(name):
    call, error, message = ERRORS[name]
    with pytest.raises(error, match=message):
        call()
