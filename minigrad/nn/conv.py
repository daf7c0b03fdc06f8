"""`Conv2d`: a 2-D convolution layer with a learnable kernel bank (torch.nn.Conv2d)."""

import math

from minigrad import dtypes
from minigrad.nn.module import Module, Parameter
from minigrad.ops.conv import check_groups, conv2d, conv_padding
from minigrad.ops.window_args import pair
from minigrad.random import generator


class Conv2d(Module):
    """y = conv2d(x, weight, bias): out_channels kernels, each looking at in_channels/groups
    input channels through a kernel_size window.

    weight: (out_channels, in_channels/groups, kH, kW), bias: (out_channels,). Initialised as
    in PyTorch: uniform in ±1/√fan_in with fan_in = in_channels/groups·kH·kW, for both
    (PyTorch's kaiming_uniform_(a=√5) on the weight gives exactly this bound: gain √(2/(1+a²))
    = √(1/3), times √3 for a uniform's spread, over √fan_in).
    """

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
        check_groups("Conv2d", groups, in_channels, out_channels)
        if padding_mode != "zeros":
            raise ValueError(
                f"Conv2d: only padding_mode='zeros' is supported, got {padding_mode!r}"
            )
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = pair("Conv2d", "kernel_size", kernel_size)
        self.stride = pair("Conv2d", "stride", stride)
        self.dilation = pair("Conv2d", "dilation", dilation)
        conv_padding(padding, self.kernel_size, self.stride, self.dilation)  # reject it now
        if not isinstance(padding, str):
            padding = pair("Conv2d", "padding", padding, minimum=0)
        self.padding = padding
        self.padding_mode = padding_mode

        fan_in = in_channels // groups * self.kernel_size[0] * self.kernel_size[1]
        bound = 1 / math.sqrt(fan_in)
        weight_shape = (out_channels, in_channels // groups, *self.kernel_size)
        self.weight = _uniform_parameter(weight_shape, bound)
        if bias:
            self.bias = _uniform_parameter((out_channels,), bound)
        else:
            self.register_parameter("bias", None)

    def forward(self, input):
        return conv2d(
            input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
        )

    def extra_repr(self):
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


def _uniform_parameter(shape, bound):
    values = generator().uniform(-bound, bound, size=shape).astype(dtypes.default_float)
    return Parameter(values)
