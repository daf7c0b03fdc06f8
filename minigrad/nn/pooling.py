"""Pooling layers: `MaxPool1d/2d/3d`, `AvgPool1d/2d/3d`, `AdaptiveAvgPool1d/2d/3d` and
`AdaptiveMaxPool1d/2d/3d` (torch.nn names, arguments and defaults). Each family shares a base
class that keeps the arguments; the 2-D and 3-D layers call their functions in ops/ (one code
for both), the 1-D one its function in nn/functional/pooling.py."""

from minigrad.nn.functional.pooling import (
    adaptive_avg_pool1d,
    adaptive_max_pool1d,
    avg_pool1d,
    max_pool1d,
)
from minigrad.nn.module import Module
from minigrad.ops.adaptive_pool import (
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool2d,
    adaptive_max_pool3d,
)
from minigrad.ops.pool import avg_pool2d, avg_pool3d, max_pool2d, max_pool3d


class _PoolNd(Module):
    """What the sliding-window pooling layers keep: the window, its stride (default: the
    window) and pad."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _MaxPoolNd(_PoolNd):
    """The largest value of each kernel_size window (with return_indices, also where it was)."""

    pool = None  # max_pool1d, max_pool2d or max_pool3d

    def __init__(
        self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False
    ):
        super().__init__(kernel_size, stride, padding)
        self.dilation, self.return_indices, self.ceil_mode = dilation, return_indices, ceil_mode

    def forward(self, input):
        return self.pool(
            input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
            self.return_indices,
        )

    def extra_repr(self):
        return f"{super().extra_repr()}, dilation={self.dilation}, ceil_mode={self.ceil_mode}"


class MaxPool1d(_MaxPoolNd):
    """Over sequences (N, C, L) or (C, L)."""

    pool = staticmethod(max_pool1d)


class MaxPool2d(_MaxPoolNd):
    """Over images (N, C, H, W) or (C, H, W)."""

    pool = staticmethod(max_pool2d)


class MaxPool3d(_MaxPoolNd):
    """Over volumes (N, C, D, H, W) or (C, D, H, W)."""

    pool = staticmethod(max_pool3d)


class _AvgPoolNd(_PoolNd):
    """The mean of each kernel_size window (count_include_pad=False: of its unpadded part)."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__(kernel_size, stride, padding)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad


class AvgPool1d(_AvgPoolNd):
    """Over sequences (N, C, L) or (C, L)."""

    def forward(self, input):
        return avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad)


class _AvgPoolWithDivisorNd(_AvgPoolNd):
    """Also divisor_override: divide each window's sum by that number instead."""

    pool = None  # avg_pool2d or avg_pool3d

    def __init__(
        self,
        kernel_size,
        stride=None,
        padding=0,
        ceil_mode=False,
        count_include_pad=True,
        divisor_override=None,
    ):
        super().__init__(kernel_size, stride, padding, ceil_mode, count_include_pad)
        self.divisor_override = divisor_override

    def forward(self, input):
        return self.pool(
            input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
            self.count_include_pad, self.divisor_override,
        )


class AvgPool2d(_AvgPoolWithDivisorNd):
    """Over images (N, C, H, W) or (C, H, W)."""

    pool = staticmethod(avg_pool2d)


class AvgPool3d(_AvgPoolWithDivisorNd):
    """Over volumes (N, C, D, H, W) or (C, D, H, W)."""

    pool = staticmethod(avg_pool3d)


class _AdaptivePoolNd(Module):
    """What the adaptive pooling layers keep: the output size (None keeps the input's)."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def extra_repr(self):
        return f"output_size={self.output_size}"


class _AdaptiveAvgPoolNd(_AdaptivePoolNd):
    """The mean of each of output_size windows that cover the input."""

    pool = None  # adaptive_avg_pool1d, adaptive_avg_pool2d or adaptive_avg_pool3d

    def forward(self, input):
        return self.pool(input, self.output_size)


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    pool = staticmethod(adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    pool = staticmethod(adaptive_avg_pool2d)


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    pool = staticmethod(adaptive_avg_pool3d)


class _AdaptiveMaxPoolNd(_AdaptivePoolNd):
    """The largest value of each of output_size windows that cover the input."""

    pool = None  # adaptive_max_pool1d, adaptive_max_pool2d or adaptive_max_pool3d

    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input):
        return self.pool(input, self.output_size, self.return_indices)


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    pool = staticmethod(adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    pool = staticmethod(adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    pool = staticmethod(adaptive_max_pool3d)
