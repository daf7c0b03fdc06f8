"""Max and average pooling over sliding windows (PyTorch's max_pool2d/3d and avg_pool2d/3d).

Images (N, C, H, W) and volumes (N, C, D, H, W) share all of it: the window arguments
(`window_args.pool_window`), the strided views and folds of im2col.py, and the gathering of
windows by tables of taps, one table per axis. Only the compiled CPU loop of max pooling's
forward is for images; volumes take the gather on both devices.

A window is kernel_size pixels, its taps `dilation` apart (max pooling only), windows `stride`
apart over the input padded on every side (with −∞ for max, 0 for average). With ceil_mode the
last window may run past the padded input; the input is padded further on the bottom/right
until it fits (`window_args.pool_window`), and average pooling leaves that part out of its divisor,
as PyTorch does. Padding arrives as ((top, bottom), (left, right)), as in `im2col`.

Max pooling first finds each window's maximum and where it came from, a flat index h·W + w
into its image (d·H·W + h·W + w into a volume: what return_indices hands back, as in PyTorch);
backward sends the gradient to those pixels. On the CPU compiled loops do both
(`ops.cpu_kernels`); on CuPy (and in the tests, as their reference) `window_maxima` gathers
the windows through tables of their rows and columns, which adaptive max pooling shares. Average pooling sums a strided view of the windows
(`sliding_windows`) and folds the gradient back where windows overlap (`fold_windows`).
"""

import functools
import math

import numpy as np

from minigrad.autograd import Function
from minigrad.backend import array_module
from minigrad.ops.im2col import crop_images, fold_windows, pad_images, sliding_windows
from minigrad.ops.window_args import on_image_batch, pool_window
from minigrad.tensor import Tensor


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
        """On the CPU, a compiled loop that takes images: as the indices are flat, any input
        (a volume too) passes as an image one row of pixels high, its outputs as one row."""
        if isinstance(g, np.ndarray):
            from minigrad.ops import cpu_kernels  # numba loads on first use

            n, c = self.input_shape[:2]
            one_row = (n, c, 1, math.prod(self.input_shape[2:]))
            dx = cpu_kernels.max_pool2d_backward(
                g.reshape(n, c, 1, -1), self.indices.reshape(n, c, 1, -1), one_row
            )
            return dx.reshape(self.input_shape)
        return add_at_maxima(g, self.indices, self.input_shape)


def add_at_maxima(g, indices, input_shape):
    """dx of `input_shape` with each g[n, c, i, j] added at pixel indices[n, c, i, j] of its
    image. The reference version, on numpy or CuPy; add.at sums the gradients of a pixel that
    is the maximum of several windows."""
    xp = array_module(g)
    n, c = input_shape[:2]
    pixels = math.prod(input_shape[2:])
    image_starts = xp.arange(n * c).reshape(n, c, *(1,) * (len(input_shape) - 2)) * pixels
    dx = xp.zeros(n * c * pixels, dtype=g.dtype)
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
    """(maxima, indices) of the windows of x (N, C, *spatial) padded with −∞: compiled loops
    on the CPU for images (one pass, no window copies; see ops/cpu_kernels.py),
    `window_maxima` elsewhere."""
    padded = pad_images(x, padding, value=-math.inf)
    if isinstance(padded, np.ndarray) and padded.ndim == 4:
        from minigrad.ops import cpu_kernels  # numba loads on first use, not on import

        return cpu_kernels.max_pool2d(padded, kernel_size, stride, dilation, padding)
    taps = [
        window_taps(n, k, s, d)
        for n, k, s, d in zip(padded.shape[2:], kernel_size, stride, dilation)
    ]
    return window_maxima(padded, taps, padding)


def window_taps(size, kernel, stride, dilation):
    """(windows, kernel) table: window i of an axis `size` long covers i·stride + a·dilation."""
    count = (size - (dilation * (kernel - 1) + 1)) // stride + 1
    return np.arange(count)[:, None] * stride + np.arange(kernel) * dilation


def window_maxima(padded, taps, padding):
    """(maxima, indices) of the windows of padded images (N, C, *spatial), where taps[k] is a
    table (windows along axis k, taps of a window) of the pixels each window covers along
    that axis, in increasing order: for images, the rows and the columns; window (i, j) is
    rows[i] × cols[j]. indices are flat (h·W + w; d·H·W + h·W + w in a volume) in the image
    without its `padding`. The
    reference version, on numpy or CuPy: the windows are gathered into one array and argmax
    finds the first maximum."""
    xp = array_module(padded)
    taps = [xp.asarray(table) for table in taps]
    dims = len(taps)
    counts = tuple(table.shape[0] for table in taps)
    lengths = tuple(table.shape[1] for table in taps)
    # axis k's table, shaped to broadcast to (*counts, *lengths)
    pixels = tuple(
        table.reshape(_only(dims, k, count) + _only(dims, k, length))
        for k, (table, count, length) in enumerate(zip(taps, counts, lengths))
    )
    windows = padded[(slice(None), slice(None)) + pixels]
    flat = windows.reshape(*padded.shape[:2], *counts, math.prod(lengths))
    winner = flat.argmax(axis=-1)
    maxima = xp.take_along_axis(flat, winner[..., None], axis=-1)[..., 0]
    sizes = [n - before - after for n, (before, after) in zip(padded.shape[2:], padding)]
    indices = 0
    for k, (table, (before, _)) in enumerate(zip(taps, padding)):
        tap = winner // math.prod(lengths[k + 1 :]) % lengths[k]  # winner's tap along axis k
        window = xp.arange(counts[k]).reshape(_only(dims, k, counts[k]))
        indices = indices * sizes[k] + table[window, tap] - before
    return maxima, indices


def _only(dims, k, size):
    """A shape of `dims` ones but `size` at position k."""
    return (1,) * k + (size,) + (1,) * (dims - k - 1)


def max_pool2d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """torch.nn.functional.max_pool2d on (N, C, H, W) or one image (C, H, W); `stride`
    defaults to `kernel_size`. return_indices=True also returns where each maximum came from,
    as a flat index h·W + w into its image (int64)."""
    return max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode,
                    return_indices)


def max_pool3d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """torch.nn.functional.max_pool3d on (N, C, D, H, W) or one volume (C, D, H, W), with
    max_pool2d's arguments as (d, h, w) triples; the indices are flat, d·H·W + h·W + w."""
    return max_pool("max_pool3d", 3, input, kernel_size, stride, padding, dilation, ceil_mode,
                    return_indices)


def max_pool(op, dims, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    """max_pool2d (dims=2) or max_pool3d (dims=3)."""
    window = pool_window(op, input, kernel_size, stride, padding, dilation, ceil_mode, dims)

    def pool(batch):
        maxima, indices = find_maxima(
            batch.data, window.kernel_size, window.stride, window.dilation, window.edges
        )
        return pick_maxima(batch, maxima, indices, return_indices)

    return on_image_batch(input, pool, dims)


class AveragePool(Function):
    """y[n, c, i, j] = (sum of window (i, j) of x padded with 0) / divisor[i, j] (volumes
    alike, with a depth index).

    Every element of a window gets an equal share: dx = g / divisor spread over the window,
    summed where windows overlap.
    """

    def forward(self, x, kernel_size, stride, padding, divisor):
        padded = pad_images(x, padding)
        no_dilation = (1,) * len(kernel_size)
        windows = sliding_windows(padded, kernel_size, stride, no_dilation)
        self.divisor = array_module(x).asarray(divisor, dtype=x.dtype)
        self.windows_shape, self.padded_shape = windows.shape, padded.shape
        self.stride, self.padding = stride, padding
        return windows.sum(axis=tuple(range(2, 2 + len(kernel_size)))) / self.divisor

    def backward(self, g):
        dims = g.ndim - 2
        share = (g / self.divisor).reshape(*g.shape[:2], *(1,) * dims, *g.shape[2:])
        windows_grad = array_module(g).broadcast_to(share, self.windows_shape)
        dx = fold_windows(windows_grad, self.padded_shape, self.stride, (1,) * dims)
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
    return avg_pool("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode,
                    count_include_pad, divisor_override)


def avg_pool3d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    """torch.nn.functional.avg_pool3d on (N, C, D, H, W) or one volume (C, D, H, W), with
    avg_pool2d's arguments as (d, h, w) triples."""
    return avg_pool("avg_pool3d", 3, input, kernel_size, stride, padding, ceil_mode,
                    count_include_pad, divisor_override)


def avg_pool(op, dims, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
             divisor_override):
    """avg_pool2d (dims=2) or avg_pool3d (dims=3)."""
    window = pool_window(op, input, kernel_size, stride, padding, 1, ceil_mode, dims)
    divisor = _divisor(op, input.shape, window, count_include_pad, divisor_override)
    options = {"kernel_size": window.kernel_size, "stride": window.stride,
               "padding": window.edges, "divisor": divisor}
    return on_image_batch(input, lambda batch: AveragePool.apply(batch, **options), dims)


def _divisor(op, shape, window, count_include_pad, divisor_override):
    """(H_out, W_out) (or (D_out, H_out, W_out)): what each window's sum is divided by
    (avg_pool2d's docstring): the product of the pixels it averages along each axis."""
    if divisor_override is not None:
        return np.full(window.output_size, _check_divisor(op, divisor_override))
    per_axis = (
        _pixels_per_window(n, out, k, s, p, count_include_pad)
        for n, out, k, s, p in zip(
            shape[-len(window.output_size):], window.output_size, window.kernel_size,
            window.stride, window.padding,
        )
    )
    return functools.reduce(np.multiply.outer, per_axis)


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
