"""`Conv1d`, `Conv2d` and `Conv3d`: convolution layers with a learnable kernel bank
(torch.nn's); the transposed ones subclass `_ConvNd` in nn/conv_transpose.py.

They differ only in the number of spatial dims (sequences, images or volumes) and the function
they call; `_ConvNd` holds the rest: the arguments, the parameters and their initialisation."""

import math

from minigrad import dtypes
from minigrad.nn.functional.conv import conv1d
from minigrad.nn.module import Module, Parameter
from minigrad.ops.conv import check_groups, conv2d, conv3d, conv_padding
from minigrad.ops.window_args import ntuple
from minigrad.random import generator


class _ConvNd(Module):
    """y = conv(x, weight, bias): out_channels kernels, each looking at in_channels/groups
    input channels through a kernel_size window.

    weight: (out_channels, in_channels/groups, *kernel_size), bias: (out_channels,).
    kernel_size, stride, padding and dilation are tuples of one int per spatial dim, as in
    PyTorch. Initialised as in PyTorch: uniform in ±1/√fan_in with fan_in =
    prod(weight.shape[1:]) (in_channels/groups·prod(kernel_size); for a transposed conv,
    whose weight is (in_channels, out_channels/groups, *kernel_size), out_channels/groups·
    prod(kernel_size)), for both
    (PyTorch's kaiming_uniform_(a=√5) on the weight gives exactly this bound: gain √(2/(1+a²))
    = √(1/3), times √3 for a uniform's spread, over √fan_in).
    """

    spatial_dims = None  # 1 for sequences, 2 for images, 3 for volumes
    convolve = None  # the function of nn.functional that a subclass applies
    transposed = False  # ConvTranspose: weight (in_channels, out_channels/groups, *kernel_size)

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups=1,
        bias=True,
        padding_mode="zeros",
    ):
        super().__init__()
        name, dims = type(self).__name__, self.spatial_dims
        check_groups(name, groups, in_channels, out_channels)
        if padding_mode != "zeros":
            raise ValueError(
                f"{name}: only padding_mode='zeros' is supported, got {padding_mode!r}"
            )
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = ntuple(name, "kernel_size", kernel_size, dims)
        self.stride = ntuple(name, "stride", stride, dims)
        self.dilation = ntuple(name, "dilation", dilation, dims)
        if isinstance(padding, str) and self.transposed:
            raise ValueError(f"{name}: padding must be an int or a tuple, got {padding!r}")
        if isinstance(padding, str):  # reject a bad one now; a sequence as a one-row image
            height = (1,) * max(2 - dims, 0)
            conv_padding(padding, height + self.kernel_size, height + self.stride,
                         height + self.dilation, name)
        else:
            padding = ntuple(name, "padding", padding, dims, minimum=0)
        self.padding = padding
        self.padding_mode = padding_mode

        channels = (in_channels, out_channels // groups) if self.transposed else (
            out_channels, in_channels // groups)
        weight_shape = (*channels, *self.kernel_size)
        fan_in = math.prod(weight_shape[1:])
        bound = 1 / math.sqrt(fan_in)
        self.weight = _uniform_parameter(weight_shape, bound)
        if bias:
            self.bias = _uniform_parameter((out_channels,), bound)
        else:
            self.register_parameter("bias", None)

    def forward(self, input):
        return self.convolve(
            input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
        )

    def extra_repr(self):
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0,) * self.spatial_dims:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * self.spatial_dims:
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


class Conv1d(_ConvNd):
    """Over sequences: input (N, C_in, L) or (C_in, L), weight (C_out, C_in/groups, k)."""

    spatial_dims = 1
    convolve = staticmethod(conv1d)


class Conv2d(_ConvNd):
    """Over images: input (N, C_in, H, W) or (C_in, H, W), weight (C_out, C_in/groups, kH, kW)."""

    spatial_dims = 2
    convolve = staticmethod(conv2d)


class Conv3d(_ConvNd):
    """Over volumes: input (N, C_in, D, H, W) or (C_in, D, H, W), weight (C_out, C_in/groups,
    kD, kH, kW)."""

    spatial_dims = 3
    convolve = staticmethod(conv3d)


def _uniform_parameter(shape, bound):
    values = generator().uniform(-bound, bound, size=shape).astype(dtypes.default_float)
    return Parameter(values)
