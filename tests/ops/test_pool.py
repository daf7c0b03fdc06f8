import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F
from tests.torch_fixtures import load_torch_cases


# ---- PyTorch's CPU loops written out (aten/src/ATen/native/Pool.h, cpu/*PoolKernel.cpp) ----
def torch_output_length(size, kernel, stride, pad, dilation, ceil_mode):
    """pooling_output_shape: ceil_mode rounds up, then drops a last window that would start
    in the right padding."""
    room = size + 2 * pad - dilation * (kernel - 1) - 1 + (stride - 1 if ceil_mode else 0)
    length = room // stride + 1
    if ceil_mode and (length - 1) * stride >= size + pad:
        length -= 1
    return length


def taps_inside(size, kernel, stride, pad, dilation, ceil_mode):
    """For each window along one axis, the input rows it reads (the loops skip padding)."""
    count = torch_output_length(size, kernel, stride, pad, dilation, ceil_mode)
    starts = [i * stride - pad for i in range(count)]
    return [[t + a * dilation for a in range(kernel) if 0 <= t + a * dilation < size]
            for t in starts]


def direct_max_pool(x, kernel_size, stride, padding, dilation, ceil_mode):
    """(y, indices): each window's largest pixel and its flat index h·W + w, the first on ties."""
    rows, cols = (
        taps_inside(n, k, s, p, d, ceil_mode)
        for n, k, s, p, d in zip(x.shape[2:], kernel_size, stride, padding, dilation)
    )
    y = np.empty(x.shape[:2] + (len(rows), len(cols)))
    indices = np.empty(y.shape, dtype=np.int64)
    for i, j in np.ndindex(y.shape[2:]):
        window = x[:, :, rows[i]][:, :, :, cols[j]].reshape(*x.shape[:2], -1)
        row, col = np.divmod(window.argmax(axis=-1), len(cols[j]))
        y[:, :, i, j] = window.max(axis=-1)
        indices[:, :, i, j] = np.array(rows[i])[row] * x.shape[3] + np.array(cols[j])[col]
    return y, indices


def direct_avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor):
    """Each window's sum of the pixels inside the input, divided as avg_pool2d divides."""
    (kh, kw), (sh, sw), (ph, pw) = kernel_size, stride, padding
    height, width = x.shape[2:]
    out = [
        torch_output_length(n, k, s, p, 1, ceil_mode)
        for n, k, s, p in zip(x.shape[2:], kernel_size, stride, padding)
    ]
    y = np.empty(x.shape[:2] + tuple(out))
    for i, j in np.ndindex(*out):
        top, left = i * sh - ph, j * sw - pw
        bottom, right = min(top + kh, height + ph), min(left + kw, width + pw)
        pool_size = (bottom - top) * (right - left)
        top, left, bottom, right = max(top, 0), max(left, 0), min(bottom, height), min(right, width)
        if divisor is None:
            divisor_ij = pool_size if count_include_pad else (bottom - top) * (right - left)
        else:
            divisor_ij = divisor
        y[:, :, i, j] = x[:, :, top:bottom, left:right].sum(axis=(2, 3)) / divisor_ij
    return y


@st.composite
def pool_cases(draw, dilated, max_input_elements=64):
    """(x, window): x one image (C, H, W) or a batch, float64, distinct values spaced far
    beyond gradcheck's step (no ties for the max to break); window the keyword arguments
    kernel_size, stride, padding, ceil_mode and, if `dilated`, dilation. Windows may overlap
    (stride < kernel), pad up to PyTorch's limit and, with ceil_mode, run past the edge."""
    kernel = tuple(draw(st.integers(1, 3)) for _ in "hw")
    stride = tuple(draw(st.integers(1, 3)) for _ in "hw")
    dilation = tuple(draw(st.integers(1, 2)) for _ in "hw") if dilated else (1, 1)
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    padding = tuple(draw(st.integers(0, span // 2)) for span in spans)
    ceil_mode = draw(st.booleans())
    sizes = [draw(st.integers(max(1, span - 2 * p), span + 3)) for span, p in zip(spans, padding)]
    batch = draw(st.sampled_from([(), (1,), (2,)]))  # () is one image
    shape = (*batch, draw(st.integers(1, 2)), *sizes)
    assume(math.prod(shape) <= max_input_elements)
    for n, k, s, p, d in zip(sizes, kernel, stride, padding, dilation):
        assume(all(taps_inside(n, k, s, p, d, ceil_mode)))  # no window of padding alone
    values = np.random.default_rng(draw(st.integers(0, 2**16))).permutation(math.prod(shape))
    x = mg.tensor((values / 4.0).reshape(shape), dtype=mg.float64, requires_grad=True)
    window = dict(kernel_size=kernel, stride=stride, padding=padding, ceil_mode=ceil_mode)
    if dilated:
        window["dilation"] = dilation
    return x, window


def as_batch(x):
    """x's numbers as a batch (N, C, H, W), one image becoming a batch of one."""
    return x.numpy() if x.ndim == 4 else x.numpy()[None]


def unbatched_like(x, y):
    return y if x.ndim == 4 else y[0]


divisors = st.one_of(st.none(), st.sampled_from([1, 3, -2]))


@given(pool_cases(dilated=True, max_input_elements=200))
def test_max_pool2d_values_and_indices_match_pytorchs_loops(case):
    x, window = case
    out, indices = F.max_pool2d(x, **window, return_indices=True)
    expected, expected_indices = direct_max_pool(as_batch(x), **window)
    np.testing.assert_array_equal(out.numpy(), unbatched_like(x, expected))
    np.testing.assert_array_equal(indices.numpy(), unbatched_like(x, expected_indices))
    assert indices.dtype == np.int64


@given(pool_cases(dilated=False, max_input_elements=200), st.booleans(), divisors)
def test_avg_pool2d_matches_pytorchs_loops(case, count_include_pad, divisor_override):
    x, window = case
    out = F.avg_pool2d(
        x, **window, count_include_pad=count_include_pad, divisor_override=divisor_override
    )
    expected = direct_avg_pool(as_batch(x), **window, count_include_pad=count_include_pad,
                               divisor=divisor_override)
    np.testing.assert_allclose(out.numpy(), unbatched_like(x, expected), rtol=1e-12)


@given(pool_cases(dilated=True))
def test_max_pool2d_gradient_matches_finite_differences(case):
    x, window = case
    assert mg.gradcheck(lambda x: F.max_pool2d(x, **window), x)


@given(pool_cases(dilated=False), st.booleans(), divisors)
def test_avg_pool2d_gradient_matches_finite_differences(case, count_include_pad, divisor_override):
    x, window = case
    options = dict(window, count_include_pad=count_include_pad, divisor_override=divisor_override)
    assert mg.gradcheck(lambda x: F.avg_pool2d(x, **options), x)


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


def test_ceil_mode_adds_a_window_for_the_leftover_strip_unless_it_starts_in_the_padding():
    assert F.max_pool2d(mg.randn(1, 1, 5, 5), 2, ceil_mode=True).shape == (1, 1, 3, 3)
    # 5 rows padded by 1: windows at −1, 1, 3; one at 5 would start in the right padding
    assert F.max_pool2d(mg.randn(1, 1, 5, 5), 2, padding=1, ceil_mode=True).shape == (1, 1, 3, 3)


def test_avg_pool2d_ceil_mode_divides_by_the_part_of_the_window_inside_the_padded_input():
    # 6x6 ones padded by 1: the last 3x3 window starts at row 5 and covers rows 5, 6 (padding)
    # and 7 (past the padded input): it divides by 2 rows, not 3, as PyTorch does
    out = F.avg_pool2d(mg.ones(1, 1, 6, 6), 3, stride=2, padding=1, ceil_mode=True)
    assert out[0, 0, :, 3].tolist() == pytest.approx([1 / 3, 1 / 2, 1 / 2, 1 / 4])


POOLS = {
    "max_pool2d": lambda x: F.max_pool2d(x, 3, stride=2, padding=1, dilation=2, ceil_mode=True),
    "avg_pool2d": lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True,
                                         count_include_pad=False, divisor_override=4),
    "adaptive_avg_pool2d": lambda x: F.adaptive_avg_pool2d(x, (4, None)),
    "adaptive_max_pool2d": lambda x: F.adaptive_max_pool2d(x, 4),
}


@pytest.mark.parametrize("name", POOLS)
@pytest.mark.parametrize("shape", [(2, 3, 7, 6), (3, 7, 6)], ids=["batch", "one_image"])
def test_pools_keep_float32(name, shape):
    x = mg.randn(*shape, requires_grad=True)
    y = POOLS[name](x)
    y.sum().backward()
    assert y.dtype == x.grad.dtype == np.float32


@pytest.mark.parametrize("name", POOLS)
def test_pools_give_one_image_what_they_give_a_batch_of_one(name):
    image = mg.randn(3, 7, 6, dtype=mg.float64, requires_grad=True)
    batch = mg.tensor(image.numpy()[None], requires_grad=True)
    POOLS[name](image).sum().backward()
    POOLS[name](batch).sum().backward()
    np.testing.assert_array_equal(POOLS[name](image).numpy(), POOLS[name](batch).numpy()[0])
    np.testing.assert_array_equal(image.grad.numpy(), batch.grad.numpy()[0])


# ---- against PyTorch (tests/fixtures/make_torch_fixtures_conv.py) -------------------------
def assert_pool_matches_pytorch(case):
    """Replay a fixture case: output, indices if it returned them, and the input gradient."""
    config = dict(case["config"])
    pool = getattr(F, config.pop("function"))
    x = mg.tensor(case["input"], requires_grad=True)
    out = pool(x, **config)
    if config.get("return_indices"):
        out, indices = out
        assert indices.dtype == np.int64
        np.testing.assert_array_equal(indices.numpy(), case["indices"])
    out.backward(mg.tensor(case["out_grad"]))
    np.testing.assert_allclose(out.numpy(), case["out"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(x.grad.numpy(), case["input_grad"], rtol=1e-5, atol=1e-5)


TORCH_CASES = load_torch_cases("torch_conv.npz", "pool")


@pytest.mark.parametrize("name", sorted(TORCH_CASES))
def test_pools_match_pytorch(name):
    assert_pool_matches_pytorch(TORCH_CASES[name])


# ---- errors -----------------------------------------------------------------------------
@pytest.mark.parametrize("op", ["max_pool2d", "avg_pool2d"])
@pytest.mark.parametrize("shape", [(8, 8), (1, 1, 1, 8, 8)])
def test_pools_reject_inputs_that_are_not_images(op, shape):
    message = rf"{op}: expected a 3-D \(C, H, W\) or 4-D \(N, C, H, W\) input, got shape "
    with pytest.raises(ValueError, match=message + re_shape(shape)):
        getattr(F, op)(mg.randn(*shape), 2)


def re_shape(shape):
    return "\\" + str(tuple(shape)).replace(")", "\\)")


def test_pools_suggest_adding_the_channel_dim_to_a_2d_input():
    with pytest.raises(ValueError, match=r"\(8, 8\) \(one channel\? add it with x.unsqueeze"):
        F.max_pool2d(mg.randn(8, 8), 2)


@pytest.mark.parametrize(
    "op, kwargs, message",
    [
        ("max_pool2d", dict(kernel_size=3, padding=2),
         r"max_pool2d: padding \(2, 2\) must be at most half of the window \(3x3, from "
         r"kernel_size \(3, 3\) and dilation \(1, 1\)\)"),
        ("avg_pool2d", dict(kernel_size=(2, 4), padding=(1, 3)),
         r"avg_pool2d: padding \(1, 3\) must be at most half of the window \(2x4"),
        # dilation widens the window and with it the limit, as in PyTorch: 2 taps 2 apart span
        # 3 pixels, so a pad of 1 is allowed (see the next test) and 2 is not
        ("max_pool2d", dict(kernel_size=2, dilation=2, padding=2),
         r"max_pool2d: padding \(2, 2\) must be at most half of the window \(3x3"),
    ],
)
def test_pools_reject_padding_over_half_the_window(op, kwargs, message):
    with pytest.raises(ValueError, match=message):
        getattr(F, op)(mg.randn(1, 1, 8, 8), **kwargs)


def test_max_pool2d_allows_padding_up_to_half_the_dilated_window():
    assert F.max_pool2d(mg.randn(1, 1, 4, 4), 2, stride=1, padding=1, dilation=2).shape == (
        1, 1, 4, 4
    )


def test_max_pool2d_rejects_a_dilated_window_of_padding_alone():
    # taps at −1 and 2 of a 2-row input: both padding (PyTorch returns −inf, index 6 of 4)
    message = (
        r"max_pool2d: with kernel_size \(2, 2\), dilation \(3, 3\) and padding \(1, 1\), a "
        r"window starting at -1 along H of an input of shape \(1, 1, 2, 2\) holds only padding"
    )
    with pytest.raises(ValueError, match=message):
        F.max_pool2d(mg.randn(1, 1, 2, 2), 2, stride=1, padding=1, dilation=3)


@pytest.mark.parametrize("op", ["max_pool2d", "avg_pool2d"])
def test_pools_reject_an_input_too_small_for_one_window(op):
    message = (
        rf"{op}: input of shape \(3, 2, 2\) is too small for kernel_size \(3, 3\), stride "
        r"\(3, 3\), padding \(0, 0\) and dilation \(1, 1\): the output would be 0x0"
    )
    with pytest.raises(ValueError, match=message):
        getattr(F, op)(mg.randn(3, 2, 2), 3)


def test_ceil_mode_lets_a_window_start_inside_an_input_smaller_than_it():
    # as in PyTorch: (2 − 3)/2 rounded up is 0, so one window, reading the 2x2 input
    out = F.max_pool2d(mg.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]), 3, stride=2, ceil_mode=True)
    assert out.tolist() == [[[[4.0]]]]


def test_pools_reject_an_empty_image():
    message = r"avg_pool2d: input of shape \(1, 1, 0, 4\) has no pixels"
    with pytest.raises(ValueError, match=message):
        F.avg_pool2d(mg.randn(1, 1, 0, 4), 2, padding=1)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(kernel_size=2.0), TypeError, "kernel_size must be an int or a pair"),
        (dict(kernel_size=2, stride=0), ValueError, "stride must be at least 1"),
        (dict(kernel_size=2, dilation=0), ValueError, "dilation must be at least 1"),
        (dict(kernel_size=2, padding=-1), ValueError, "padding must be at least 0"),
        (dict(kernel_size=(1, 2, 3)), TypeError, "kernel_size must be an int or a pair"),
    ],
)
def test_max_pool2d_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match="max_pool2d: " + message):
        F.max_pool2d(mg.randn(1, 1, 4, 4), **kwargs)


@pytest.mark.parametrize(
    "divisor, error, message",
    [(0, ValueError, "must not be zero"), (2.5, TypeError, "must be an int, got 2.5")],
)
def test_avg_pool2d_rejects_a_bad_divisor_override(divisor, error, message):
    with pytest.raises(error, match="avg_pool2d: divisor_override " + message):
        F.avg_pool2d(mg.randn(1, 1, 4, 4), 2, divisor_override=divisor)


def test_pool_rejects_integer_input():
    with pytest.raises(TypeError, match="max_pool2d: expected a floating-point tensor"):
        F.max_pool2d(mg.arange(16).reshape(1, 1, 4, 4), 2)
