"""`Unfold` and `Fold` (torch.nn's): im2col and col2im as layers (ops/fold.py)."""

from minigrad.nn.module import Module
from minigrad.ops.fold import fold, unfold


class _Windows(Module):
    """What both keep: the window's arguments, in PyTorch's order."""

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size, self.dilation = kernel_size, dilation
        self.padding, self.stride = padding, stride

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Unfold(_Windows):
    """(N, C, H, W) -> (N, C·kH·kW, L): every window as a column."""

    def forward(self, input):
        return unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)


class Fold(_Windows):
    """(N, C·kH·kW, L) -> (N, C, *output_size): the columns added back into images."""

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__(kernel_size, dilation, padding, stride)
        self.output_size = output_size

    def forward(self, input):
        return fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                    self.stride)

    def extra_repr(self):
        return f"output_size={self.output_size}, {super().extra_repr()}"
