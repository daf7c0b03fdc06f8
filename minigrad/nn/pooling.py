"""Pooling layers: `MaxPool2d` and `AvgPool2d` (torch.nn names and arguments)."""

from minigrad.nn.module import Module
from minigrad.ops.pool import avg_pool2d, max_pool2d


class _Pool2d(Module):
    """What both pooling layers keep: the window, its stride (default: the window) and pad."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """The largest value of each kernel_size window."""

    def forward(self, input):
        return max_pool2d(input, self.kernel_size, self.stride, self.padding)


class AvgPool2d(_Pool2d):
    """The mean of each kernel_size window (count_include_pad=False: of its unpadded part)."""

    def __init__(self, kernel_size, stride=None, padding=0, count_include_pad=True):
        super().__init__(kernel_size, stride, padding)
        self.count_include_pad = count_include_pad

    def forward(self, input):
        return avg_pool2d(
            input, self.kernel_size, self.stride, self.padding, self.count_include_pad
        )
