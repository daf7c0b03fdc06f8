"""Adaptive pooling (PyTorch's adaptive_avg_pool2d/3d and adaptive_max_pool2d/3d): the caller
names the output size, and the windows follow from it.

Output row i of H_out pools the input rows start_i ≤ h < end_i, with

    start_i = ⌊i·H / H_out⌋,    end_i = ⌈(i + 1)·H / H_out⌉

(columns, and a volume's depth, alike): windows about H / H_out rows tall that cover the
input, neighbours sharing a row where H_out does not divide H (and many rows where
H_out > H).

Average pooling is then a linear map along each axis, y = A_H · x · A_Wᵀ, where row i of A_H
holds 1/(end_i − start_i) over the window's rows and 0 elsewhere (`separable.map_spatial_axes`,
which also maps a volume's depth axis). Max pooling hands tables of each window's pixels along
each axis to `window_maxima`, the reference of max_pool2d/3d, and routes the gradient back
through the same `MaxOfWindows`. Images and volumes share all of this code.
"""

import numpy as np

from minigrad.checks import check_floating
from minigrad.creation import tensor
from minigrad.ops.pool import pick_maxima, window_maxima
from minigrad.ops.separable import map_spatial_axes
from minigrad.ops.window_args import check_images, ntuple, on_image_batch


def adaptive_avg_pool2d(input, output_size):
    """torch.nn.functional.adaptive_avg_pool2d on (N, C, H, W) or one image (C, H, W);
    output_size is an int or an (H_out, W_out) pair, where None keeps the input's size."""
    return adaptive_avg_pool("adaptive_avg_pool2d", 2, input, output_size)


def adaptive_avg_pool3d(input, output_size):
    """torch.nn.functional.adaptive_avg_pool3d on (N, C, D, H, W) or one volume (C, D, H, W);
    output_size is an int or a (D_out, H_out, W_out) triple, where None keeps the input's
    size."""
    return adaptive_avg_pool("adaptive_avg_pool3d", 3, input, output_size)


def adaptive_avg_pool(op, dims, input, output_size):
    """adaptive_avg_pool2d (dims=2) or adaptive_avg_pool3d (dims=3)."""
    output_size = _output_size(op, dims, input, output_size)
    return map_spatial_axes(input, [
        tensor(averaging_matrix(n, out), dtype=input.dtype, device=input.device)
        for n, out in zip(input.shape[-dims:], output_size)
    ])


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """torch.nn.functional.adaptive_max_pool2d on (N, C, H, W) or one image (C, H, W), with
    output_size as in adaptive_avg_pool2d. return_indices=True also returns where each
    maximum came from, as a flat index h·W + w into its image (int64)."""
    return adaptive_max_pool("adaptive_max_pool2d", 2, input, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """torch.nn.functional.adaptive_max_pool3d on (N, C, D, H, W) or one volume (C, D, H, W),
    with output_size as in adaptive_avg_pool3d; the indices are flat, d·H·W + h·W + w."""
    return adaptive_max_pool("adaptive_max_pool3d", 3, input, output_size, return_indices)


def adaptive_max_pool(op, dims, input, output_size, return_indices):
    """adaptive_max_pool2d (dims=2) or adaptive_max_pool3d (dims=3)."""
    output_size = _output_size(op, dims, input, output_size)
    taps = [_window_taps(n, out) for n, out in zip(input.shape[-dims:], output_size)]
    no_padding = ((0, 0),) * dims

    def pool(batch):
        maxima, indices = window_maxima(batch.data, taps, no_padding)
        return pick_maxima(batch, maxima, indices, return_indices)

    return on_image_batch(input, pool, dims)


def _output_size(op, dims, input, output_size):
    """output_size as positive ints, one per spatial dim, None taking the input's size."""
    check_images(op, input, dims)
    check_floating(op, input)
    sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * dims
    if len(sizes) == dims:
        sizes = tuple(n if size is None else size for size, n in zip(sizes, input.shape[-dims:]))
    return ntuple(op, "output_size", sizes, dims)


def _window_bounds(size, count):
    """(starts, ends) of the `count` windows along an axis `size` long (the module docstring)."""
    i = np.arange(count)
    return i * size // count, -(-(i + 1) * size // count)


def averaging_matrix(size, count):
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
