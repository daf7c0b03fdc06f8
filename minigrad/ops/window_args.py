"""Argument checks shared by the sliding-window ops (conv2d, max_pool2d, avg_pool2d).

They accept PyTorch's spellings (an int, or a (height, width) pair) and turn a mistake into an
error that names the op and the shapes, before numpy fails somewhere inside the strides.
"""

import numpy as np


def pair(op, name, value, minimum=1):
    """An int or a pair of ints (each >= minimum) as a (height, width) tuple."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(values) != 2 or not all(_is_int(v) for v in values):
        raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {value!r}")
    if any(v < minimum for v in values):
        raise ValueError(f"{op}: {name} must be at least {minimum}, got {value!r}")
    return tuple(int(v) for v in values)


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_image_batch(op, x):
    """Sliding-window ops take a batch of images, shape (N, C, H, W)."""
    if x.ndim == 4:
        return
    hint = " (one image? add the batch dim with x.unsqueeze(0))" if x.ndim == 3 else ""
    raise ValueError(
        f"{op}: expected a 4-D input (N, C, H, W), got shape {tuple(x.shape)}{hint}"
    )


def symmetric_padding(op, padding):
    """An int or an (h, w) pair of pads as ((top, bottom), (left, right))."""
    ph, pw = pair(op, "padding", padding, minimum=0)
    return (ph, ph), (pw, pw)


def check_windows_fit(op, shape, kernel_size, padding, dilation=(1, 1)):
    """Raise if the window (kernel_size spread by dilation) is larger than the padded input."""
    padded = [n + before + after for n, (before, after) in zip(shape[2:], padding)]
    spans = [d * (k - 1) + 1 for k, d in zip(kernel_size, dilation)]
    if any(span > n for span, n in zip(spans, padded)):
        raise ValueError(
            f"{op}: the window ({spans[0]}x{spans[1]}, from kernel_size {tuple(kernel_size)} "
            f"and dilation {tuple(dilation)}) is larger than the padded input "
            f"({padded[0]}x{padded[1]}) of an input with shape {tuple(shape)}"
        )

