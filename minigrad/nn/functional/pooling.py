"""`F.max_pool1d`, `F.avg_pool1d`, `F.adaptive_avg_pool1d`, `F.adaptive_max_pool1d`: 1-D
pooling is 2-D pooling over images one pixel high, as conv1d is conv2d's.

An input (N, C, L) becomes (N, C, 1, L); the window is 1 pixel high and its arguments act on
the width only. A flat index h·W + w into a one-row image is w, so return_indices gives
PyTorch's 1-D indices unchanged. Errors past the shape check come from the 2-D op, which
names itself and sees the one-row image.
"""

from minigrad.ops.adaptive_pool import adaptive_avg_pool2d, adaptive_max_pool2d
from minigrad.ops.pool import avg_pool2d, max_pool2d
from minigrad.ops.window_args import ntuple


def max_pool1d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """torch.nn.functional.max_pool1d on (N, C, L) or (C, L); stride defaults to kernel_size."""
    op = "max_pool1d"
    _check_sequences(op, input)
    kernel_size, stride = _width(op, "kernel_size", kernel_size), _width_stride(op, stride)
    padding = _width(op, "padding", padding, height=0, minimum=0)
    dilation = _width(op, "dilation", dilation)
    out = max_pool2d(input.unsqueeze(-2), kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)
    return _one_row_less(out)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """torch.nn.functional.avg_pool1d on (N, C, L) or (C, L); stride defaults to kernel_size."""
    op = "avg_pool1d"
    _check_sequences(op, input)
    kernel_size, stride = _width(op, "kernel_size", kernel_size), _width_stride(op, stride)
    padding = _width(op, "padding", padding, height=0, minimum=0)
    out = avg_pool2d(input.unsqueeze(-2), kernel_size, stride, padding, ceil_mode,
                     count_include_pad)
    return _one_row_less(out)


def adaptive_avg_pool1d(input, output_size):
    """torch.nn.functional.adaptive_avg_pool1d on (N, C, L) or (C, L); output_size an int."""
    _check_sequences("adaptive_avg_pool1d", input)
    (size,) = ntuple("adaptive_avg_pool1d", "output_size", output_size, 1)
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, size)).squeeze(-2)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """torch.nn.functional.adaptive_max_pool1d on (N, C, L) or (C, L); output_size an int."""
    _check_sequences("adaptive_max_pool1d", input)
    (size,) = ntuple("adaptive_max_pool1d", "output_size", output_size, 1)
    return _one_row_less(adaptive_max_pool2d(input.unsqueeze(-2), (1, size), return_indices))


def _check_sequences(op, input):
    if input.ndim not in (2, 3):
        raise ValueError(
            f"{op}: expected a 2-D (C, L) or 3-D (N, C, L) input, got shape {tuple(input.shape)}"
        )


def _width(op, name, value, height=1, minimum=1):
    """A 1-D argument (an int or a 1-tuple) as the (height, width) pair of a one-row window."""
    return (height, *ntuple(op, name, value, 1, minimum))


def _width_stride(op, stride):
    """stride as a pair, or None: the 2-D op's default, the window."""
    return None if stride is None else _width(op, "stride", stride)


def _one_row_less(out):
    if isinstance(out, tuple):
        return tuple(t.squeeze(-2) for t in out)
    return out.squeeze(-2)
