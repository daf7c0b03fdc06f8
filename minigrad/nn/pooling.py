"""Pooling layers: `MaxPool2d`, `AvgPool2d`, `AdaptiveAvgPool2d` and `AdaptiveMaxPool2d`, and
their 1-D twins over sequences (torch.nn names, arguments and defaults; each calls its function
in ops/ or, for 1-D, in nn/functional/pooling.py)."""

from minigrad.nn.functional.pooling import (
    adaptive_avg_pool1d,
    adaptive_max_pool1d,
    avg_pool1d,
    max_pool1d,
)
from minigrad.nn.module import Module
from minigrad.ops.adaptive_pool import adaptive_avg_pool2d, adaptive_max_pool2d
from minigrad.ops.pool import avg_pool2d, max_pool2d


class _Pool2d(Module):
    """What both sliding-window pooling layers keep: the window, its stride (default: the
    window) and pad."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """The largest value of each kernel_size window (with return_indices, also where it was)."""

    def __init__(
        self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False
    ):
        super().__init__(kernel_size, stride, padding)
        self.dilation, self.return_indices, self.ceil_mode = dilation, return_indices, ceil_mode

    pool = staticmethod(max_pool2d)

    def forward(self, input):
        return self.pool(
            input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
            self.return_indices,
        )

    def extra_repr(self):
        return f"{super().extra_repr()}, dilation={self.dilation}, ceil_mode={self.ceil_mode}"


class AvgPool2d(_Pool2d):
    """The mean of each kernel_size window (count_include_pad=False: of its unpadded part;
    divisor_override: its sum over that number instead)."""

    def __init__(
        self,
        kernel_size,
        stride=None,
        padding=0,
        ceil_mode=False,
        count_include_pad=True,
        divisor_override=None,
    ):
        super().__init__(kernel_size, stride, padding)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        return avg_pool2d(
            input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
            self.count_include_pad, self.divisor_override,
        )


class MaxPool1d(MaxPool2d):
    """MaxPool2d's arguments, over sequences (N, C, L) or (C, L)."""

    pool = staticmethod(max_pool1d)


class AvgPool1d(_Pool2d):
    """The mean of each kernel_size window of a sequence (N, C, L) or (C, L)."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__(kernel_size, stride, padding)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, input):
        return avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad)


class _AdaptivePool2d(Module):
    """What both adaptive pooling layers keep: the output size (None keeps the input's)."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool2d(_AdaptivePool2d):
    """The mean of each of output_size windows that cover the input."""

    pool = staticmethod(adaptive_avg_pool2d)

    def forward(self, input):
        return self.pool(input, self.output_size)


class AdaptiveMaxPool2d(_AdaptivePool2d):
    """The largest value of each of output_size windows that cover the input."""

    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = return_indices

    pool = staticmethod(adaptive_max_pool2d)

    def forward(self, input):
        return self.pool(input, self.output_size, self.return_indices)


class AdaptiveAvgPool1d(AdaptiveAvgPool2d):
    """The mean of each of output_size windows that cover a sequence (N, C, L) or (C, L)."""

    pool = staticmethod(adaptive_avg_pool1d)


class AdaptiveMaxPool1d(AdaptiveMaxPool2d):
    """The largest value of each of output_size windows that cover a sequence."""

    pool = staticmethod(adaptive_max_pool1d)
