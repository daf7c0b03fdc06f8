"""Adaptive pooling (PyTorch's adaptive_avg_pool2d and adaptive_max_pool2d): the caller names
the output size, and the windows follow from it.

Output row i of H_out pools the input rows start_i ≤ h < end_i, with

    start_i = ⌊i·H / H_out⌋,    end_i = ⌈(i + 1)·H / H_out⌉

(columns alike): windows about H / H_out rows tall that cover the input, neighbours sharing a
row where H_out does not divide H (and many rows where H_out > H).

Average pooling is then a linear map along each axis, y = A_H · x · A_Wᵀ, where row i of A_H
holds 1/(end_i − start_i) over the window's rows and 0 elsewhere. It is composed from matmul,
so its gradient, dx = A_Hᵀ · g · A_W, needs no proof of its own. Max pooling hands tables of
each window's rows and columns to `window_maxima`, the reference of max_pool2d, and routes the
gradient back through the same `MaxOfWindows`.
"""

import numpy as np

from minigrad.checks import check_floating
from minigrad.creation import tensor
from minigrad.ops.pool import NO_PADDING, pick_maxima, window_maxima
from minigrad.ops.window_args import check_images, on_image_batch, pair


def adaptive_avg_pool2d(input, output_size):
    """torch.nn.functional.adaptive_avg_pool2d on (N, C, H, W) or one image (C, H, W);
    output_size is an int or an (H_out, W_out) pair, where None keeps the input's size."""
    output_size = _output_size("adaptive_avg_pool2d", input, output_size)
    rows, cols = (
        tensor(_averaging_matrix(n, out), dtype=input.dtype, device=input.device)
        for n, out in zip(input.shape[-2:], output_size)
    )
    return rows @ input @ cols.T  # matmul broadcasts over the leading (N, C) or (C,) dims


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """torch.nn.functional.adaptive_max_pool2d on (N, C, H, W) or one image (C, H, W), with
    output_size as in adaptive_avg_pool2d. return_indices=True also returns where each
    maximum came from, as a flat index h·W + w into its image (int64)."""
    output_size = _output_size("adaptive_max_pool2d", input, output_size)
    rows, cols = (_window_taps(n, out) for n, out in zip(input.shape[-2:], output_size))

    def pool(batch):
        maxima, indices = window_maxima(batch.data, rows, cols, NO_PADDING)
        return pick_maxima(batch, maxima, indices, return_indices)

    return on_image_batch(input, pool)


def _output_size(op, input, output_size):
    """output_size as an (H_out, W_out) pair of positive ints, None taking the input's size."""
    check_images(op, input)
    check_floating(op, input)
    sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * 2
    if len(sizes) == 2:
        sizes = tuple(n if size is None else size for size, n in zip(sizes, input.shape[-2:]))
    return pair(op, "output_size", sizes)


def _window_bounds(size, count):
    """(starts, ends) of the `count` windows along an axis `size` long (the module docstring)."""
    i = np.arange(count)
    return i * size // count, -(-(i + 1) * size // count)


def _averaging_matrix(size, count):
    """A (count, size): row i averages the pixels of window i."""
    starts, ends = _window_bounds(size, count)
    pixels = np.arange(size)
    inside = (starts[:, None] <= pixels) & (pixels < ends[:, None])
    return inside / (ends - starts)[:, None]


def _window_taps(size, count):
    """A (count, longest window) table of the pixels each window covers. A shorter window
    repeats its last pixel to fill its row: a repeat changes neither the maximum nor, coming
    later, which pixel is the first to reach it."""
    starts, ends = _window_bounds(size, count)
    taps = starts[:, None] + np.arange((ends - starts).max())
    return np.minimum(taps, ends[:, None] - 1)
