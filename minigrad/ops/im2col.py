"""im2col: every sliding window of a batch of images laid out as a column of one matrix, so
that a convolution becomes a single matrix product; col2im, its adjoint, adds columns back
into an image (the backward of im2col).

Everything here works for any number of spatial dims: images (N, C, H, W), volumes
(N, C, D, H, W), and the same words hold per axis. A kH×kW window with stride (s_h, s_w) and
dilation (d_h, d_w) at output position (i, j) reads the input pixels

    x[n, c, i·s_h + a·d_h, j·s_w + b·d_w]        for kernel offsets a < kH, b < kW

(a volume adds a depth axis the same way). `sliding_windows` exposes all of them at once as
a strided VIEW of x (no copy, no loop): the view's element [n, c, a, b, i, j] is the pixel
above. Stepping i moves s_h rows and stepping a moves d_h rows, so the view only needs the
right strides.

When windows overlap (stride smaller than the window), one pixel is read by several windows,
so in the backward pass its gradient is the SUM of what those windows hand back.
`fold_windows` does that sum without looping over pixels: for one kernel offset (a, b), the
pixels read across all windows form a strided slice of the image, hit at most once each, so
`image[..., slice] += windows[..., a, b, :, :]` is exact; kH·kW such slice-adds cover every
window. `array_module` picks numpy or CuPy, so the same code runs on both devices. On the CPU,
a compiled loop (`ops.cpu_kernels`) does the same sum in one pass over the windows of images;
volumes take the slice-adds.
"""

import itertools
import math

import numpy as np

from minigrad.backend import array_module


def output_size(image_shape, kernel_size, stride, dilation):
    """(H_out, W_out) (or (D_out, H_out, W_out)): how many windows fit along each axis of an
    (already padded) image. A window spans d·(k−1)+1 pixels, so (size − span) // stride + 1
    of them fit."""
    return tuple(
        (size - (d * (k - 1) + 1)) // s + 1
        for size, k, s, d in zip(image_shape[2:], kernel_size, stride, dilation)
    )


def pad_images(x, padding, value=0.0):
    """x (N, C, *spatial) with `padding` = ((before, after) per spatial axis, e.g. ((top,
    bottom), (left, right))) pixels of `value` around it."""
    if not any(before or after for before, after in padding):
        return x
    shape = x.shape[:2] + tuple(
        before + n + after for n, (before, after) in zip(x.shape[2:], padding)
    )
    padded = array_module(x).full(shape, value, x.dtype)
    padded[_inside(x.shape, padding)] = x
    return padded


def crop_images(x, padding):
    """The inverse of `pad_images`: the middle of x, without the padding."""
    return x[_inside(x.shape, padding, padded=True)]


def _inside(shape, padding, padded=False):
    """The index of the unpadded pixels in the padded image (`shape` is the padded one's
    when `padded`, else the unpadded one's)."""
    return (slice(None), slice(None)) + tuple(
        slice(before, n - after if padded else before + n)
        for n, (before, after) in zip(shape[2:], padding)
    )


def sliding_windows(x, kernel_size, stride, dilation):
    """A view (N, C, kH, kW, H_out, W_out) of x (N, C, H, W) (a volume: (N, C, kD, kH, kW,
    D_out, H_out, W_out)): [n, c, a, b, i, j] is x[n, c, i·s_h + a·d_h, j·s_w + b·d_w].
    Never write to it: several entries share a pixel."""
    steps = x.strides[2:]
    return array_module(x).lib.stride_tricks.as_strided(
        x,
        shape=x.shape[:2] + tuple(kernel_size) + output_size(x.shape, kernel_size, stride, dilation),
        strides=x.strides[:2]
        + tuple(step * d for step, d in zip(steps, dilation))
        + tuple(step * s for step, s in zip(steps, stride)),
    )


def fold_windows(windows, image_shape, stride, dilation):
    """The adjoint of `sliding_windows`: a zero image of `image_shape` with every window's
    entries added back onto the pixels they were read from (overlaps accumulate)."""
    # kH·kW passes over an image become one compiled loop; volumes, and float16 (autocast's
    # dtype, which Numba lacks), take the slices
    if isinstance(windows, np.ndarray) and len(image_shape) == 4 and windows.dtype != np.float16:
        from minigrad.ops import cpu_kernels  # numba loads on first use, not on import

        windows = np.ascontiguousarray(windows)
        return cpu_kernels.fold_windows(windows, tuple(image_shape), tuple(stride), tuple(dilation))
    return fold_windows_by_slices(windows, image_shape, stride, dilation)


def fold_windows_by_slices(windows, image_shape, stride, dilation):
    """`fold_windows` on numpy or CuPy: one strided slice-add per kernel offset (the module
    docstring)."""
    dims = len(image_shape) - 2
    kernel_size, counts = windows.shape[2 : 2 + dims], windows.shape[2 + dims :]
    image = array_module(windows).zeros(image_shape, dtype=windows.dtype)
    for offsets in itertools.product(*(range(k) for k in kernel_size)):
        pixels = tuple(
            slice(a * d, a * d + s * (count - 1) + 1, s)
            for a, d, s, count in zip(offsets, dilation, stride, counts)
        )
        image[(slice(None), slice(None)) + pixels] += windows[(slice(None), slice(None)) + offsets]
    return image


def im2col(x, kernel_size, stride, dilation, groups=1):
    """x (N, C, *spatial) as columns (N, groups, C/groups·prod(kernel_size), prod(out)): for
    each image and group of channels, a matrix with one row per (channel, kernel offset) and
    one column per window."""
    windows = sliding_windows(x, kernel_size, stride, dilation)
    n, c = windows.shape[:2]
    dims = len(kernel_size)
    windows_per_image = math.prod(windows.shape[2 + dims :])
    return windows.reshape(n, groups, c // groups * math.prod(kernel_size), windows_per_image)


def col2im(cols, image_shape, kernel_size, stride, dilation):
    """The adjoint of `im2col`: columns (N, groups, C/groups·prod(kernel_size), prod(out))
    summed back into an image of `image_shape` (N, C, *spatial)."""
    n, c = image_shape[:2]
    counts = output_size(image_shape, kernel_size, stride, dilation)
    windows = cols.reshape(n, c, *kernel_size, *counts)
    return fold_windows(windows, image_shape, stride, dilation)
