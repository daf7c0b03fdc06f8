"""im2col: every sliding window of a batch of images laid out as a column of one matrix, so
that a convolution becomes a single matrix product; col2im, its adjoint, adds columns back
into an image (the backward of im2col).

A kH×kW window with stride (s_h, s_w) and dilation (d_h, d_w) at output position (i, j) reads
the input pixels

    x[n, c, i·s_h + a·d_h, j·s_w + b·d_w]        for kernel offsets a < kH, b < kW.

`sliding_windows` exposes all of them at once as a strided VIEW of x (no copy, no loop): the
view's element [n, c, a, b, i, j] is the pixel above. Stepping i moves s_h rows and stepping a
moves d_h rows, so the view only needs the right strides.

When windows overlap (stride smaller than the window), one pixel is read by several windows,
so in the backward pass its gradient is the SUM of what those windows hand back.
`fold_windows` does that sum without looping over pixels: for one kernel offset (a, b), the
pixels read across all windows form a strided slice of the image, hit at most once each, so
`image[..., slice] += windows[..., a, b, :, :]` is exact; kH·kW such slice-adds cover every
window. `array_module` picks numpy or CuPy, so the same code runs on both devices. On the CPU,
a compiled loop (`ops.cpu_kernels`) does the same sum in one pass over the windows.
"""

import itertools

import numpy as np

from minigrad.backend import array_module


def output_size(image_shape, kernel_size, stride, dilation):
    """(H_out, W_out): how many windows fit down and across an (already padded) image.
    A window spans d·(k−1)+1 pixels, so (size − span) // stride + 1 of them fit."""
    return tuple(
        (size - (d * (k - 1) + 1)) // s + 1
        for size, k, s, d in zip(image_shape[2:], kernel_size, stride, dilation)
    )


def pad_images(x, padding, value=0.0):
    """x (N, C, H, W) with `padding` = ((top, bottom), (left, right)) rows/columns of `value`."""
    (top, bottom), (left, right) = padding
    if top == bottom == left == right == 0:
        return x
    n, c, h, w = x.shape
    padded = array_module(x).full((n, c, top + h + bottom, left + w + right), value, x.dtype)
    padded[:, :, top : top + h, left : left + w] = x
    return padded


def crop_images(x, padding):
    """The inverse of `pad_images`: the middle of x, without the padding."""
    (top, bottom), (left, right) = padding
    h, w = x.shape[2:]
    return x[:, :, top : h - bottom, left : w - right]


def sliding_windows(x, kernel_size, stride, dilation):
    """A view (N, C, kH, kW, H_out, W_out) of x (N, C, H, W): [n, c, a, b, i, j] is
    x[n, c, i·s_h + a·d_h, j·s_w + b·d_w]. Never write to it: several entries share a pixel."""
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, stride, dilation
    n, c = x.shape[:2]
    h_out, w_out = output_size(x.shape, kernel_size, stride, dilation)
    step_n, step_c, step_h, step_w = x.strides
    return array_module(x).lib.stride_tricks.as_strided(
        x,
        shape=(n, c, kh, kw, h_out, w_out),
        strides=(step_n, step_c, step_h * dh, step_w * dw, step_h * sh, step_w * sw),
    )


def fold_windows(windows, image_shape, stride, dilation):
    """The adjoint of `sliding_windows`: a zero image of `image_shape` with every window's
    entries added back onto the pixels they were read from (overlaps accumulate)."""
    # kH·kW passes over the image become one compiled loop; Numba has no float16 (autocast's
    # dtype), which takes the slices
    if isinstance(windows, np.ndarray) and windows.dtype != np.float16:
        from minigrad.ops import cpu_kernels  # numba loads on first use, not on import

        windows = np.ascontiguousarray(windows)
        return cpu_kernels.fold_windows(windows, tuple(image_shape), tuple(stride), tuple(dilation))
    return fold_windows_by_slices(windows, image_shape, stride, dilation)


def fold_windows_by_slices(windows, image_shape, stride, dilation):
    """`fold_windows` on numpy or CuPy: kH·kW strided slice-adds (the module docstring)."""
    n, c, kh, kw, h_out, w_out = windows.shape
    (sh, sw), (dh, dw) = stride, dilation
    image = array_module(windows).zeros(image_shape, dtype=windows.dtype)
    for a, b in itertools.product(range(kh), range(kw)):
        rows = slice(a * dh, a * dh + sh * (h_out - 1) + 1, sh)
        cols = slice(b * dw, b * dw + sw * (w_out - 1) + 1, sw)
        image[:, :, rows, cols] += windows[:, :, a, b]
    return image


def im2col(x, kernel_size, stride, dilation, groups=1):
    """x (N, C, H, W) as columns (N, groups, C/groups·kH·kW, H_out·W_out): for each image and
    group of channels, a matrix with one row per (channel, a, b) and one column per window."""
    windows = sliding_windows(x, kernel_size, stride, dilation)
    n, c, kh, kw, h_out, w_out = windows.shape
    return windows.reshape(n, groups, c // groups * kh * kw, h_out * w_out)


def col2im(cols, image_shape, kernel_size, stride, dilation):
    """The adjoint of `im2col`: columns (N, groups, C/groups·kH·kW, H_out·W_out) summed back
    into an image of `image_shape` (N, C, H, W)."""
    n, c = image_shape[:2]
    h_out, w_out = output_size(image_shape, kernel_size, stride, dilation)
    windows = cols.reshape(n, c, *kernel_size, h_out, w_out)
    return fold_windows(windows, image_shape, stride, dilation)
