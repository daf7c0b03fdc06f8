"""torch.nn.functional.unfold and fold: im2col and col2im as ops, in PyTorch's layout.

unfold lays every kH×kW window of a (zero-padded) image out as a column:

    cols[n, (c·kH + a)·kW + b, l] = x_pad[n, c, i·s_h + a·d_h, j·s_w + b·d_w],   l = i·W_out + j

(N, C·kH·kW, L) with L = H_out·W_out windows, the rows in (channel, a, b) order: exactly
im2col's columns with one group. fold is its adjoint: every column added back onto the pixels
its window covers (overlaps sum), and the padding cropped. So each one's backward is the
other: d unfold = fold(g), d fold = unfold(g). fold(unfold(x)) is x times how many windows
cover each pixel, not x.
"""

import math

from minigrad.autograd import Function
from minigrad.checks import check_floating
from minigrad.ops.im2col import col2im, crop_images, im2col, pad_images
from minigrad.ops.im2col import output_size as window_counts
from minigrad.ops.window_args import (
    check_images,
    check_windows_fit,
    pair,
    symmetric_padding,
)


class Unfold(Function):
    """cols = im2col(pad(x)) (the module docstring);  dx = crop(col2im(g))."""

    def forward(self, x, kernel_size, stride, padding, dilation):
        padded = pad_images(x, padding)
        self.geometry = (padded.shape, kernel_size, stride, dilation)
        self.padding = padding
        cols = im2col(padded, kernel_size, stride, dilation)
        return cols.reshape(x.shape[0], -1, cols.shape[-1])

    def backward(self, g):
        padded_shape, kernel_size, stride, dilation = self.geometry
        dx = col2im(g[:, None], padded_shape, kernel_size, stride, dilation)
        return crop_images(dx, self.padding)


class Fold(Function):
    """x = crop(col2im(cols)), the adjoint of Unfold;  dcols = im2col(pad(g))."""

    def forward(self, cols, image_shape, kernel_size, stride, padding, dilation):
        self.geometry = (kernel_size, stride, dilation)
        self.padding = padding
        image = col2im(cols[:, None], image_shape, kernel_size, stride, dilation)
        return crop_images(image, padding)

    def backward(self, g):
        kernel_size, stride, dilation = self.geometry
        d_cols = im2col(pad_images(g, self.padding), kernel_size, stride, dilation)
        return d_cols.reshape(g.shape[0], -1, d_cols.shape[-1])


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """torch.nn.functional.unfold: (N, C, H, W) -> (N, C·kH·kW, L), or (C, H, W) ->
    (C·kH·kW, L); the arguments are ints or (h, w) pairs."""
    op = "unfold"
    check_images(op, input)
    check_floating(op, input)
    kernel_size, stride, dilation, padding = _window(op, kernel_size, stride, dilation, padding)
    check_windows_fit(op, input.shape, kernel_size, padding, dilation)
    options = {"kernel_size": kernel_size, "stride": stride, "padding": padding,
               "dilation": dilation}
    if input.ndim == 3:
        return Unfold.apply(input.unsqueeze(0), **options).squeeze(0)
    return Unfold.apply(input, **options)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """torch.nn.functional.fold: (N, C·kH·kW, L) -> (N, C, H, W) with (H, W) = output_size,
    or (C·kH·kW, L) -> (C, H, W); L must be the number of windows unfold would make."""
    op = "fold"
    if input.ndim not in (2, 3):
        raise ValueError(
            f"fold: expected a 2-D (C·kH·kW, L) or 3-D (N, C·kH·kW, L) input, got shape "
            f"{tuple(input.shape)}"
        )
    check_floating(op, input)
    size = pair(op, "output_size", output_size)
    kernel_size, stride, dilation, padding = _window(op, kernel_size, stride, dilation, padding)
    rows, windows = input.shape[-2:]
    per_window = math.prod(kernel_size)
    padded = tuple(n + before + after for n, (before, after) in zip(size, padding))
    expected = math.prod(window_counts((0, 0, *padded), kernel_size, stride, dilation))
    if rows % per_window or windows != expected:
        raise ValueError(
            f"fold: input of shape {tuple(input.shape)} must have C·{per_window} rows (kernel_size "
            f"{kernel_size}) and one column per window of output_size {size}: {expected} "
            f"(stride {stride}, padding {padding}, dilation {dilation})"
        )
    batch = input if input.ndim == 3 else input.unsqueeze(0)
    image_shape = (batch.shape[0], rows // per_window, *padded)
    out = Fold.apply(batch, image_shape=image_shape, kernel_size=kernel_size, stride=stride,
                     padding=padding, dilation=dilation)
    return out if input.ndim == 3 else out.squeeze(0)


def _window(op, kernel_size, stride, dilation, padding):
    return (pair(op, "kernel_size", kernel_size), pair(op, "stride", stride),
            pair(op, "dilation", dilation), symmetric_padding(op, padding))
