"""`ConvTranspose1d`, `ConvTranspose2d` and `ConvTranspose3d` (torch.nn's): the adjoint of a convolution as a
layer, an up-sampling with a learnable kernel (ops/conv_transpose.py has the maths)."""

from minigrad.nn.conv import _ConvNd
from minigrad.nn.functional.conv import conv_transpose1d
from minigrad.ops.conv_transpose import (
    conv_transpose2d,
    conv_transpose3d,
    output_padding_for,
)
from minigrad.ops.window_args import ntuple


class _ConvTransposeNd(_ConvNd):
    """y = conv_transpose(x, weight, bias), weight (in_channels, out_channels/groups,
    *kernel_size), initialised as PyTorch does (see `_ConvNd`). forward(input, output_size)
    picks the output_padding that gives that output size, as in PyTorch."""

    transposed = True

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        output_padding=0,
        groups=1,
        bias=True,
        dilation=1,
        padding_mode="zeros",
    ):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode)
        name = type(self).__name__
        self.output_padding = ntuple(name, "output_padding", output_padding, self.spatial_dims,
                                     minimum=0)

    def forward(self, input, output_size=None):
        output_padding = self.output_padding
        if output_size is not None:
            output_padding = output_padding_for(
                type(self).__name__, input.shape, output_size, self.kernel_size, self.stride,
                self.padding, self.dilation,
            )
        return self.convolve(input, self.weight, self.bias, self.stride, self.padding,
                             output_padding, self.groups, self.dilation)

    def extra_repr(self):
        text = super().extra_repr()
        if self.output_padding != (0,) * self.spatial_dims:
            text += f", output_padding={self.output_padding}"
        return text


class ConvTranspose1d(_ConvTransposeNd):
    """Over sequences: input (N, C_in, L) or (C_in, L), weight (C_in, C_out/groups, k)."""

    spatial_dims = 1
    convolve = staticmethod(conv_transpose1d)


class ConvTranspose2d(_ConvTransposeNd):
    """Over images: input (N, C_in, H, W) or (C_in, H, W), weight (C_in, C_out/groups, kH, kW)."""

    spatial_dims = 2
    convolve = staticmethod(conv_transpose2d)


class ConvTranspose3d(_ConvTransposeNd):
    """Over volumes: input (N, C_in, D, H, W) or (C_in, D, H, W), weight (C_in, C_out/groups,
    kD, kH, kW)."""

    spatial_dims = 3
    convolve = staticmethod(conv_transpose3d)
