"""2-D max and average pooling over sliding windows (PyTorch's max_pool2d and avg_pool2d).

A window is kernel_size pixels, its taps `dilation` apart (max pooling only), windows `stride`
apart over the input padded on every side (with −∞ for max, 0 for average). With ceil_mode the
last window may run past the padded input; the input is padded further on the bottom/right
until it fits (`window_args.pool_window`), and average pooling leaves that part out of its divisor,
as PyTorch does. Padding arrives as ((top, bottom), (left, right)), as in `im2col`.

Max pooling first finds each window's maximum and where it came from, a flat index h·W + w
into its image (what return_indices hands back, as in PyTorch); backward sends the gradient to
those pixels. On the CPU compiled loops do both (`ops.cpu_kernels`); on CuPy (and in the tests,
as their reference) `window_maxima` gathers the windows through tables of their rows and
columns, which adaptive max pooling shares. Average pooling sums a strided view of the windows
(`sliding_windows`) and folds the gradient back where windows overlap (`fold_windows`).
"""

import math

import numpy as np

from minigrad.autograd import Function
from minigrad.backend import array_module
from minigrad.ops.im2col import crop_images, fold_windows, pad_images, sliding_windows
from minigrad.ops.window_args import on_image_batch, pool_window
from minigrad.tensor import Tensor

NO_DILATION = (1, 1)
NO_PADDING = ((0, 0), (0, 0))


class MaxOfWindows(Function):
    """y[n, c, i, j] = the largest pixel of window (i, j) = x[n, c].flat[indices[n, c, i, j]].

    The maxima and their indices are found together beforehand (the functions below); the max
    passes on only the pixel that won, so

        dx[n, c].flat[k] = Σ g[n, c, i, j] over the windows (i, j) whose maximum is pixel k

    and 0 for a pixel that won no window. The first maximum wins a tie, as in PyTorch.
    """

    def forward(self, x, maxima, indices):
        self.indices, self.input_shape = indices, x.shape
        return maxima

    def backward(self, g):
        if isinstance(g, np.ndarray):
            from minigrad.ops import cpu_kernels  # numba loads on first use, not on import

            return cpu_kernels.max_pool2d_backward(g, self.indices, self.input_shape)
        return add_at_maxima(g, self.indices, self.input_shape)


def add_at_maxima(g, indices, input_shape):
    """dx of `input_shape` with each g[n, c, i, j] added at pixel indices[n, c, i, j] of its
    image. The reference version, on numpy or CuPy; add.at sums the gradients of a pixel that
    is the maximum of several windows."""
    xp = array_module(g)
    n, c, h, w = input_shape
    image_starts = xp.arange(n * c).reshape(n, c, 1, 1) * (h * w)
    dx = xp.zeros(n * c * h * w, dtype=g.dtype)
    xp.add.at(dx, (image_starts + indices).reshape(-1), g.reshape(-1))
    return dx.reshape(input_shape)


def pick_maxima(batch, maxima, indices, return_indices):
    """The pooled tensor (and, if asked, the indices as int64, PyTorch's dtype) from maxima
    found in `batch`."""
    pooled = MaxOfWindows.apply(batch, maxima=maxima, indices=indices)
    if return_indices:
        return pooled, Tensor._make(indices.astype(np.int64, copy=False))
    return pooled


def find_maxima(x, kernel_size, stride, dilation, padding):
    """(maxima, indices) of the windows of x (N, C, H, W) padded with −∞: compiled loops on
    the CPU (one pass, no window copies; see ops/cpu_kernels.py), `window_maxima` elsewhere."""
    padded = pad_images(x, padding, value=-math.inf)
    if isinstance(padded, np.ndarray):
        from minigrad.ops import cpu_kernels  # numba loads on first use, not on import

        return cpu_kernels.max_pool2d(padded, kernel_size, stride, dilation, padding)
    rows, cols = (
        window_taps(n, k, s, d)
        for n, k, s, d in zip(padded.shape[2:], kernel_size, stride, dilation)
    )
    return window_maxima(padded, rows, cols, padding)


def window_taps(size, kernel, stride, dilation):
    """(windows, kernel) table: window i of an axis `size` long covers i·stride + a·dilation."""
    count = (size - (dilation * (kernel - 1) + 1)) // stride + 1
    return np.arange(count)[:, None] * stride + np.arange(kernel) * dilation


def window_maxima(padded, rows, cols, padding):
    """(maxima, indices) of the windows rows[i] × cols[j] of padded images (N, C, H, W), where
    rows and cols are tables of the rows and columns each window covers, in increasing order.
    indices are h·W + w in the image without its `padding`. The reference version, on numpy or
    CuPy: the windows are gathered into one array and argmax finds the first maximum."""
    xp = array_module(padded)
    rows, cols = xp.asarray(rows), xp.asarray(cols)
    n, c = padded.shape[:2]
    (h_out, taps_h), (w_out, taps_w) = rows.shape, cols.shape
    windows = padded[:, :, rows[:, None, :, None], cols[None, :, None, :]]
    flat = windows.reshape(n, c, h_out, w_out, taps_h * taps_w)
    winner = flat.argmax(axis=-1)
    maxima = xp.take_along_axis(flat, winner[..., None], axis=-1)[..., 0]
    (top, _), (left, right) = padding
    row = rows[xp.arange(h_out)[:, None], winner // taps_w] - top
    col = cols[xp.arange(w_out), winner % taps_w] - left
    return maxima, row * (padded.shape[3] - left - right) + col


def max_pool2d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """torch.nn.functional.max_pool2d on (N, C, H, W) or one image (C, H, W); `stride`
    defaults to `kernel_size`. return_indices=True also returns where each maximum came from,
    as a flat index h·W + w into its image (int64)."""
    op = "max_pool2d"
    window = pool_window(op, input, kernel_size, stride, padding, dilation, ceil_mode)

    def pool(batch):
        maxima, indices = find_maxima(
            batch.data, window.kernel_size, window.stride, window.dilation, window.edges
        )
        return pick_maxima(batch, maxima, indices, return_indices)

    return on_image_batch(input, pool)


class AvgPool2d(Function):
    """y[n, c, i, j] = (sum of window (i, j) of x padded with 0) / divisor[i, j].

    Every element of a window gets an equal share: dx = g / divisor spread over the window,
    summed where windows overlap.
    """

    def forward(self, x, kernel_size, stride, padding, divisor):
        padded = pad_images(x, padding)
        windows = sliding_windows(padded, kernel_size, stride, NO_DILATION)
        self.divisor = array_module(x).asarray(divisor, dtype=x.dtype)
        self.windows_shape, self.padded_shape = windows.shape, padded.shape
        self.stride, self.padding = stride, padding
        return windows.sum(axis=(2, 3)) / self.divisor

    def backward(self, g):
        share = (g / self.divisor)[:, :, None, None]
        windows_grad = array_module(g).broadcast_to(share, self.windows_shape)
        dx = fold_windows(windows_grad, self.padded_shape, self.stride, NO_DILATION)
        return crop_images(dx, self.padding)


def avg_pool2d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    """torch.nn.functional.avg_pool2d on (N, C, H, W) or one image (C, H, W); `stride`
    defaults to `kernel_size`. Each window's sum is divided by divisor_override if given, else
    by its number of pixels: those inside the padded input (count_include_pad), or inside the
    input itself."""
    op = "avg_pool2d"
    window = pool_window(op, input, kernel_size, stride, padding, NO_DILATION, ceil_mode)
    divisor = _divisor(op, input.shape, window, count_include_pad, divisor_override)
    options = dict(
        kernel_size=window.kernel_size, stride=window.stride, padding=window.edges, divisor=divisor
    )
    return on_image_batch(input, lambda batch: AvgPool2d.apply(batch, **options))


def _divisor(op, shape, window, count_include_pad, divisor_override):
    """(H_out, W_out): what each window's sum is divided by (avg_pool2d's docstring)."""
    if divisor_override is not None:
        return np.full(window.output_size, _check_divisor(op, divisor_override))
    heights, widths = (
        _pixels_per_window(n, out, k, s, p, count_include_pad)
        for n, out, k, s, p in zip(
            shape[-2:], window.output_size, window.kernel_size, window.stride, window.padding
        )
    )
    return np.outer(heights, widths)


def _pixels_per_window(size, count, kernel, stride, pad, count_include_pad):
    """How many rows (or columns) each of `count` windows averages: those inside the padded
    input [−pad, size + pad), so ceil_mode's last window counts only its part inside, or with
    count_include_pad=False those inside the input [0, size)."""
    low, high = (-pad, size + pad) if count_include_pad else (0, size)
    starts = [i * stride - pad for i in range(count)]
    return [min(start + kernel, high) - max(start, low) for start in starts]


def _check_divisor(op, divisor_override):
    if isinstance(divisor_override, bool) or not isinstance(divisor_override, (int, np.integer)):
        raise TypeError(f"{op}: divisor_override must be an int, got {divisor_override!r}")
    if divisor_override == 0:
        raise ValueError(f"{op}: divisor_override must not be zero")
    return divisor_override
