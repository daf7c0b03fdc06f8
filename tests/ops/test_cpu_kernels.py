"""The compiled CPU loops (minigrad/ops/cpu_kernels.py) against the numpy reference versions
they replace on the CPU: same outputs, same gradients."""

import math

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

from minigrad.ops import cpu_kernels
from minigrad.ops.elementwise import normal_cdf_and_pdf
from minigrad.ops.im2col import crop_images, fold_windows_by_slices, output_size
from minigrad.ops.lstm import cell_backward, cell_forward, gate_constants
from minigrad.ops.pool import add_at_maxima, window_maxima, window_taps

geometry = st.tuples(st.integers(1, 3), st.integers(1, 3))


@st.composite
def padded_images(draw, kernels=geometry):
    """(images, kernel, stride, dilation, padding), the images at least one window big, with
    an −∞ border where `padding` says, as max_pool2d pads; small integer values make ties
    common, so the first-maximum rule is exercised."""
    kernel, stride = draw(kernels), draw(geometry)
    dilation = draw(st.tuples(st.integers(1, 2), st.integers(1, 2)))
    padding = tuple(draw(st.tuples(st.integers(0, 1), st.integers(0, 1))) for _ in "hw")
    height, width = (
        draw(st.integers(max(d * (k - 1) + 1, sum(p) + 1), d * (k - 1) + 6))
        for k, d, p in zip(kernel, dilation, padding)
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    images = rng.integers(-3, 4, size=(2, 3, height, width)).astype(dtype)
    (top, bottom), (left, right) = padding
    images[:, :, :top], images[:, :, height - bottom :] = -np.inf, -np.inf
    images[:, :, :, :left], images[:, :, :, width - right :] = -np.inf, -np.inf
    return images, kernel, stride, dilation, padding


# 2×2 windows have a loop of their own in the kernel
@given(st.one_of(padded_images(), padded_images(kernels=st.just((2, 2)))), st.integers(0, 99))
def test_max_pool_loops_match_the_numpy_reference(case, seed):
    images, kernel, stride, dilation, padding = case
    y, winner = cpu_kernels.max_pool2d(images, kernel, stride, dilation, padding)
    assume(np.isfinite(y).all())  # every window holds a pixel of the image, as max_pool2d checks
    rows, cols = (window_taps(*args) for args in zip(images.shape[2:], kernel, stride, dilation))
    expected_y, expected_winner = window_maxima(images, [rows, cols], padding)
    np.testing.assert_array_equal(y, expected_y)
    np.testing.assert_array_equal(winner, expected_winner)
    g = np.random.default_rng(seed).standard_normal(y.shape).astype(images.dtype)
    image_shape = crop_images(images, padding).shape
    dx = cpu_kernels.max_pool2d_backward(g, winner, image_shape)
    assert dx.dtype == images.dtype
    np.testing.assert_allclose(dx, add_at_maxima(g, winner, image_shape), rtol=1e-6, atol=1e-6)


def test_max_pool_loops_let_nan_win_as_pytorch_does():
    images = np.array([[[[1.0, np.nan], [3.0, 2.0]]]], dtype=np.float32)
    y, winner = cpu_kernels.max_pool2d(images, (2, 2), (2, 2), (1, 1), ((0, 0), (0, 0)))
    assert np.isnan(y[0, 0, 0, 0]) and winner[0, 0, 0, 0] == 1


@given(geometry, geometry, geometry, st.integers(0, 99))
def test_fold_loop_matches_the_slice_adds(kernel, stride, dilation, seed):
    rng = np.random.default_rng(seed)
    image_shape = (2, 3, 9, 8)
    h_out, w_out = output_size(image_shape, kernel, stride, dilation)
    windows = rng.standard_normal((2, 3, *kernel, h_out, w_out)).astype(np.float32)
    folded = cpu_kernels.fold_windows(windows, image_shape, stride, dilation)
    expected = fold_windows_by_slices(windows, image_shape, stride, dilation)
    assert folded.dtype == np.float32
    np.testing.assert_allclose(folded, expected, rtol=1e-5, atol=1e-5)


@given(st.integers(0, 2**16))
def test_add_rows_matches_numpy_add_at(seed):
    rng = np.random.default_rng(seed)
    rows = rng.integers(-4, 4, size=(3, 5))  # repeats and negative rows, as a[ids] allows
    values = rng.standard_normal((15, 2, 3)).astype(np.float32)
    target = np.zeros((4, 2, 3), np.float32)
    cpu_kernels.add_rows(target.reshape(4, -1), rows.reshape(-1), values.reshape(15, -1))
    expected = np.zeros((4, 2, 3), np.float32)
    np.add.at(expected, rows.reshape(-1), values)
    np.testing.assert_allclose(target, expected, rtol=1e-6, atol=1e-6)


@given(st.integers(1, 3), st.integers(1, 4), st.integers(0, 2**16))
def test_lstm_cell_loops_match_the_numpy_lines(batch, hidden, seed):
    rng = np.random.default_rng(seed)
    scale, offset = gate_constants(np, hidden, np.float32)

    def arrays(*shapes):
        return [rng.standard_normal(shape).astype(np.float32) for shape in shapes]

    small, wide = (batch, hidden), (batch, 4 * hidden)
    tanh_values, c_prev = np.tanh(arrays(wide)[0]), arrays(small)[0]
    gates, c = [tanh_values.copy(), tanh_values.copy()], [np.empty(small, np.float32) for _ in "ab"]
    cpu_kernels.lstm_cell_forward(gates[0], scale, offset, c_prev, c[0])
    cell_forward(gates[1], scale, offset, c_prev, c[1])
    np.testing.assert_allclose(gates[0], gates[1], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(c[0], c[1], rtol=1e-6, atol=1e-6)

    dh_next, grad_h, dc, grad_c, tanh_c, tanh_slope = arrays(*[small] * 6)
    dcs, das = [dc.copy(), dc.copy()], [np.empty(wide, np.float32) for _ in "ab"]
    for step_back, dc_i, da in zip((cpu_kernels.lstm_cell_backward, cell_backward), dcs, das):
        step_back(dh_next, grad_h, dc_i, grad_c, gates[0], tanh_c, tanh_slope, scale, offset,
                  c_prev, da)
    np.testing.assert_allclose(das[0], das[1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dcs[0], dcs[1], rtol=1e-5, atol=1e-6)


@given(st.sampled_from([np.float32, np.float64]), st.integers(0, 2**16))
def test_normal_cdf_and_pdf_loops_match_the_numpy_lines(dtype, seed):
    x = (np.random.default_rng(seed).standard_normal((3, 50)) * 4).astype(dtype)
    x[0, :4] = [0.0, -0.0, 1e4, -1e4]
    tolerance = 1e-6 if dtype == np.float32 else 1e-13  # the C library's erfc and ours
    for ours, reference in zip(cpu_kernels.normal_cdf_and_pdf(x), normal_cdf_and_pdf(x)):
        assert ours.dtype == dtype
        np.testing.assert_allclose(ours, reference, rtol=tolerance, atol=tolerance / 10)


def test_float32_normal_cdf_is_within_float32_rounding_of_the_library_erfc():
    x = np.linspace(-6, 6, 20_001).astype(np.float32)
    cdf, _ = cpu_kernels.normal_cdf_and_pdf(x)
    wide = x.astype(np.float64)
    exact = np.array([math.erfc(-v / math.sqrt(2)) / 2 for v in wide])
    # erfcc's fit is good to 1.2e-7; rounding −x²/2 to float32 before exp adds x²/2 ulps
    bound = (8 + wide**2) * np.finfo(np.float32).eps
    assert np.all(np.abs(cdf - exact) <= bound * exact)
    assert cdf.dtype == np.float32
    far = np.array([0.0, -0.0, 1e4, -1e4, np.inf, -np.inf], np.float32)
    np.testing.assert_array_equal(cpu_kernels.normal_cdf_and_pdf(far)[0], [0.5, 0.5, 1, 0, 1, 0])
