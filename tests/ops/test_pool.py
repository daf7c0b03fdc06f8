import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F
from tests.torch_fixtures import load_torch_cases


@st.composite
def pool_cases(draw, max_input_elements=64):
    """(input, kernel_size, stride, padding): windows may overlap (stride < kernel) and pad."""
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)  # PyTorch allows up to k/2
    sizes = [draw(st.integers(max(1, k - 2 * p), k + 3)) for k, p in zip(kernel, padding)]
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), *sizes)
    assume(math.prod(shape) <= max_input_elements)
    # distinct values, spaced far beyond gradcheck's step: no ties for the max to break
    values = np.random.default_rng(draw(st.integers(0, 2**16))).permutation(math.prod(shape))
    x = mg.tensor((values / 4.0).reshape(shape), dtype=mg.float64, requires_grad=True)
    return x, kernel, stride, padding


def direct_pool(x, kernel, stride, padding, reduce, count_include_pad=True):
    """Pooling as plain loops: `reduce` of each window's values (padding is NaN here)."""
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=np.nan)
    h_out, w_out = (x.shape[2] - kh) // sh + 1, (x.shape[3] - kw) // sw + 1
    y = np.zeros(x.shape[:2] + (h_out, w_out))
    for n, c, i, j in np.ndindex(y.shape):
        window = x[n, c, i * sh : i * sh + kh, j * sw : j * sw + kw]
        y[n, c, i, j] = reduce(window, count_include_pad)
    return y


def window_max(window, _):
    return np.nanmax(window)


def window_mean(window, count_include_pad):
    return np.nansum(window) / (window.size if count_include_pad else np.sum(~np.isnan(window)))


@given(pool_cases(max_input_elements=200))
def test_max_pool2d_forward_matches_direct_loops(case):
    x, kernel, stride, padding = case
    expected = direct_pool(x.numpy(), kernel, stride, padding, window_max)
    np.testing.assert_array_equal(F.max_pool2d(x, kernel, stride, padding).numpy(), expected)


@given(pool_cases(max_input_elements=200), st.booleans())
def test_avg_pool2d_forward_matches_direct_loops(case, count_include_pad):
    x, kernel, stride, padding = case
    expected = direct_pool(x.numpy(), kernel, stride, padding, window_mean, count_include_pad)
    out = F.avg_pool2d(x, kernel, stride, padding, count_include_pad)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)


@given(pool_cases())
def test_max_pool2d_gradient_matches_finite_differences(case):
    x, kernel, stride, padding = case
    assert mg.gradcheck(lambda x: F.max_pool2d(x, kernel, stride, padding), x)


@given(pool_cases(), st.booleans())
def test_avg_pool2d_gradient_matches_finite_differences(case, count_include_pad):
    x, kernel, stride, padding = case
    assert mg.gradcheck(lambda x: F.avg_pool2d(x, kernel, stride, padding, count_include_pad), x)


def test_max_pool2d_gives_a_tie_to_the_first_maximum_and_sums_overlaps():
    x = mg.zeros(1, 1, 3, 3, requires_grad=True)
    F.max_pool2d(x, kernel_size=2, stride=1).sum().backward()
    # all four 2x2 windows tie; each picks its top-left pixel, PyTorch's choice
    assert x.grad[0, 0].tolist() == [[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 0.0]]


def test_overlapping_max_windows_send_the_shared_maximum_every_gradient():
    x = mg.zeros(1, 1, 1, 5, requires_grad=True)
    with mg.no_grad():
        x[0, 0, 0, 2] = 9.0
    F.max_pool2d(x, kernel_size=(1, 3), stride=1).sum().backward()
    assert x.grad.reshape(-1).tolist() == [0.0, 0.0, 3.0, 0.0, 0.0]


@pytest.mark.parametrize("pool", [F.max_pool2d, F.avg_pool2d])
def test_pools_keep_float32(pool):
    x = mg.randn(2, 3, 6, 6, requires_grad=True)
    y = pool(x, 3, stride=2, padding=1)
    y.sum().backward()
    assert y.dtype == x.grad.dtype == np.float32


TORCH_CASES = load_torch_cases("torch_conv.npz", "pool")


@pytest.mark.parametrize("name", sorted(TORCH_CASES))
def test_pools_match_pytorch(name):
    case = TORCH_CASES[name]
    config = dict(case["config"])
    pool = getattr(F, config.pop("function"))
    x = mg.tensor(case["input"], requires_grad=True)
    out = pool(x, **config)
    out.backward(mg.tensor(case["out_grad"]))
    np.testing.assert_allclose(out.numpy(), case["out"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(x.grad.numpy(), case["input_grad"], rtol=1e-5, atol=1e-5)


# ---- errors -----------------------------------------------------------------------------
@pytest.mark.parametrize("pool, op", [(F.max_pool2d, "max_pool2d"), (F.avg_pool2d, "avg_pool2d")])
def test_pools_reject_a_single_image_and_suggest_unsqueeze(pool, op):
    with pytest.raises(ValueError, match=rf"{op}: expected a 4-D input .*\(3, 8, 8\).*unsqueeze"):
        pool(mg.randn(3, 8, 8), 2)


def test_pool_rejects_padding_over_half_the_kernel():
    with pytest.raises(ValueError, match=r"max_pool2d: padding \(2, 2\) must be at most half"):
        F.max_pool2d(mg.randn(1, 1, 8, 8), 3, padding=2)


def test_pool_rejects_a_window_larger_than_the_padded_input():
    with pytest.raises(ValueError, match=r"avg_pool2d: the window \(4x4.*padded input \(3x3\)"):
        F.avg_pool2d(mg.randn(1, 1, 3, 3), 4)


def test_pool_rejects_a_kernel_size_that_is_not_ints():
    with pytest.raises(TypeError, match="max_pool2d: kernel_size must be an int or a pair"):
        F.max_pool2d(mg.randn(1, 1, 4, 4), 2.0)


def test_pool_rejects_integer_input():
    with pytest.raises(TypeError, match="max_pool2d: expected a floating-point tensor"):
        F.max_pool2d(mg.arange(16).reshape(1, 1, 4, 4), 2)
