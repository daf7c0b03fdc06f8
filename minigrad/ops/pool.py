"""2-D max and average pooling over sliding windows (PyTorch's max_pool2d and avg_pool2d).

Both look at the windows through `sliding_windows` (a strided view, no loop over pixels) and
send the gradient back through `fold_windows`, which sums it where windows overlap
(stride < kernel_size). Padding is ((top, bottom), (left, right)), as in `im2col`. On the CPU,
max pooling runs as compiled loops instead (`ops.cpu_kernels`), checked against the
reference functions here.
"""

import math

import numpy as np

from minigrad.autograd import Function
from minigrad.backend import array_module
from minigrad.checks import check_floating
from minigrad.ops.im2col import crop_images, fold_windows, pad_images, sliding_windows
from minigrad.ops.window_args import check_image_batch, check_windows_fit, pair, symmetric_padding

NO_DILATION = (1, 1)


class MaxPool2d(Function):
    """y[n, c, i, j] = max of window (i, j) of x padded with −∞.

    The max passes on only the element that won: dx = g at the argmax of each window and 0
    elsewhere (the first maximum on ties, as in PyTorch), summed where windows overlap.
    """

    def forward(self, x, kernel_size, stride, padding):
        padded = pad_images(x, padding, value=-math.inf)
        self.find_maxima, self.route_gradient = _max_pool_implementation(padded)
        y, self.winner = self.find_maxima(padded, kernel_size, stride)
        self.padded_shape, self.kernel_size, self.stride = padded.shape, kernel_size, stride
        self.padding = padding
        return y

    def backward(self, g):
        dx = self.route_gradient(g, self.winner, self.padded_shape, self.kernel_size, self.stride)
        return crop_images(dx, self.padding)


def max_pool2d_windows(padded, kernel_size, stride):
    """(y, winner): each window's maximum and its offset a·kW + b inside the window.

    The reference version, on numpy or CuPy: a strided view of the windows, argmax over them.
    """
    windows = sliding_windows(padded, kernel_size, stride, NO_DILATION)
    n, c, kh, kw, h_out, w_out = windows.shape
    flat = windows.reshape(n, c, kh * kw, h_out, w_out)
    winner = flat.argmax(axis=2)[:, :, None]
    return array_module(padded).take_along_axis(flat, winner, axis=2)[:, :, 0], winner


def max_pool2d_windows_backward(g, winner, padded_shape, kernel_size, stride):
    """dx of the padded image: g sent to each window's winner, folded back into the image."""
    (kh, kw), (n, c, h_out, w_out) = kernel_size, g.shape
    offsets = array_module(g).arange(kh * kw).reshape(1, 1, kh * kw, 1, 1)
    windows_grad = ((offsets == winner) * g[:, :, None]).reshape(n, c, kh, kw, h_out, w_out)
    return fold_windows(windows_grad, padded_shape, stride, NO_DILATION)


def _max_pool_implementation(padded):
    """(forward, backward) array functions: compiled loops on the CPU (one pass, no window
    copies; see ops/cpu_kernels.py), the numpy/CuPy reference above on the GPU."""
    if isinstance(padded, np.ndarray):
        from minigrad.ops import cpu_kernels  # numba loads on first use, not on import

        return cpu_kernels.max_pool2d, cpu_kernels.max_pool2d_backward
    return max_pool2d_windows, max_pool2d_windows_backward


class AvgPool2d(Function):
    """y[n, c, i, j] = (sum of window (i, j) of x padded with 0) / divisor[i, j].

    The divisor is kH·kW (count_include_pad) or the number of real, unpadded pixels in the
    window. Every element of a window gets an equal share: dx = g / divisor spread over the
    window, summed where windows overlap.
    """

    def forward(self, x, kernel_size, stride, padding, count_include_pad):
        padded = pad_images(x, padding)
        windows = sliding_windows(padded, kernel_size, stride, NO_DILATION)
        if count_include_pad:
            self.divisor = kernel_size[0] * kernel_size[1]
        else:
            self.divisor = _real_pixels_per_window(x, kernel_size, stride, padding)
        self.windows_shape, self.padded_shape = windows.shape, padded.shape
        self.stride, self.padding = stride, padding
        return windows.sum(axis=(2, 3)) / self.divisor

    def backward(self, g):
        share = (g / self.divisor)[:, :, None, None]
        windows_grad = array_module(g).broadcast_to(share, self.windows_shape)
        dx = fold_windows(windows_grad, self.padded_shape, self.stride, NO_DILATION)
        return crop_images(dx, self.padding)


def _real_pixels_per_window(x, kernel_size, stride, padding):
    """(1, 1, H_out, W_out): how many pixels of each window are inside x, not padding."""
    real = array_module(x).ones((1, 1) + x.shape[2:], dtype=x.dtype)
    windows = sliding_windows(pad_images(real, padding), kernel_size, stride, NO_DILATION)
    return windows.sum(axis=(2, 3))


def max_pool2d(input, kernel_size, stride=None, padding=0):
    """torch.nn.functional.max_pool2d; `stride` defaults to `kernel_size`."""
    options = _pool_options("max_pool2d", input, kernel_size, stride, padding)
    return MaxPool2d.apply(input, **options)


def avg_pool2d(input, kernel_size, stride=None, padding=0, count_include_pad=True):
    """torch.nn.functional.avg_pool2d; `stride` defaults to `kernel_size`. With
    count_include_pad=False, windows that overlap the padding average only their real pixels."""
    options = _pool_options("avg_pool2d", input, kernel_size, stride, padding)
    return AvgPool2d.apply(input, count_include_pad=bool(count_include_pad), **options)


def _pool_options(op, input, kernel_size, stride, padding):
    check_image_batch(op, input)
    check_floating(op, input)
    kernel_size = pair(op, "kernel_size", kernel_size)
    stride = kernel_size if stride is None else pair(op, "stride", stride)
    padding = symmetric_padding(op, padding)
    if any(2 * before > k for (before, _), k in zip(padding, kernel_size)):
        # PyTorch's rule; it also keeps every window partly inside the image (never all −∞)
        raise ValueError(
            f"{op}: padding {tuple(p for p, _ in padding)} must be at most half of "
            f"kernel_size {kernel_size}"
        )
    check_windows_fit(op, input.shape, kernel_size, padding)
    return dict(kernel_size=kernel_size, stride=stride, padding=padding)
