"""`F.conv1d` and `F.conv_transpose1d`: a 1-D convolution is a 2-D one over images one pixel
high.

An input (N, C, L) becomes (N, C, 1, L) and a kernel (O, C/groups, k) becomes (O, C/groups,
1, k); stride, dilation and padding act on the width only. So conv1d has conv2d's gradients
(and its GPU kernels) with nothing new to prove.
"""

from minigrad.ops.conv import conv2d
from minigrad.ops.conv_transpose import conv_transpose2d
from minigrad.ops.window_args import ntuple


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """torch.nn.functional.conv1d: input (N, C_in, L) or one sequence (C_in, L), weight
    (C_out, C_in/groups, k). padding is an int, or 'valid' or 'same' (stride 1 only)."""
    if input.ndim not in (2, 3) or weight.ndim != 3:
        raise ValueError(
            f"conv1d: expected input (N, C, L) or (C, L) and weight (C_out, C_in/groups, k), "
            f"got input shape {tuple(input.shape)} and weight shape {tuple(weight.shape)}"
        )
    (stride,) = ntuple("conv1d", "stride", stride, 1)
    (dilation,) = ntuple("conv1d", "dilation", dilation, 1)
    if not isinstance(padding, str):
        padding = (0, *ntuple("conv1d", "padding", padding, 1, minimum=0))
    out = conv2d(input.unsqueeze(-2), weight.unsqueeze(-2), bias, (1, stride), padding,
                 (1, dilation), groups)
    return out.squeeze(-2)


def conv_transpose1d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """torch.nn.functional.conv_transpose1d: input (N, C_in, L) or one sequence (C_in, L),
    weight (C_in, C_out/groups, k); the adjoint of conv1d (see ops/conv_transpose.py)."""
    op = "conv_transpose1d"
    if input.ndim not in (2, 3) or weight.ndim != 3:
        raise ValueError(
            f"{op}: expected input (N, C, L) or (C, L) and weight (C_in, C_out/groups, k), "
            f"got input shape {tuple(input.shape)} and weight shape {tuple(weight.shape)}"
        )
    stride, padding, output_padding, dilation = (
        (first, *ntuple(op, name, value, 1, minimum))
        for first, name, value, minimum in [
            (1, "stride", stride, 1), (0, "padding", padding, 0),
            (0, "output_padding", output_padding, 0), (1, "dilation", dilation, 1),
        ]
    )
    out = conv_transpose2d(input.unsqueeze(-2), weight.unsqueeze(-2), bias, stride, padding,
                           output_padding, groups, dilation)
    return out.squeeze(-2)
