"""2-D and 3-D transposed convolution (PyTorch's conv_transpose2d and conv_transpose3d), from
the three steps of conv2d (which take volumes as they take images: ops/conv.py).

A convolution y = W ⋆ x is linear in x: y = C_W · x for a (big, sparse) matrix C_W. Its
input gradient is dx = C_Wᵀ · g. A transposed convolution is that second map used as a layer:
y = C_Wᵀ · x, so each input pixel scatters a weighted copy of the kernel into the output
(stride s spreads the copies s pixels apart: an up-sampling). Nothing new needs computing:

    forward     y  = conv2d_grad_input(x, W)    (col2im(Wᵀ · x): the conv's backward)
    backward    dx = conv2d_forward(g, W)       (im2col and W · cols: the conv's forward)
                dW = conv2d_grad_weight(x, g)   (the conv's weight gradient, roles swapped)
                db = Σ_{n, i, j} g[n, o, i, j]

with the weight laid out as PyTorch's (C_in, C_out/groups, kH, kW): the shape of the
convolution (C_out → C_in) whose adjoint this is. So the gradients of conv2d, checked once,
carry over, and so do its GPU kernels.

Output size, per axis: H_out = (H − 1)·s − 2p + d·(k − 1) + 1 + output_padding. The full
scatter covers (H − 1)·s + d·(k − 1) + 1 rows; `padding` crops p rows from each side of it,
and output_padding (< s) gives back that many rows at the bottom, which is what lets two
input sizes that a stride-s conv maps to the same H be told apart. As the adjoint conv sees
it: an input of H_out rows padded with p on top and max(p − output_padding, 0) below has
exactly H windows.
"""

from minigrad.autograd import Function
from minigrad.checks import check_floating
from minigrad.ops.conv import check_groups, conv_steps, per_channel
from minigrad.ops.window_args import check_images, kernel_axes, ntuple, on_image_batch


class TransposedConvolution(Function):
    """y = C_Wᵀ · x + b (the module docstring): conv2d's backward as a forward."""

    autocast_policy = "lower_precision_fp"

    def forward(self, x, w, b=None, *, output_shape, stride, padding, dilation, groups):
        self.x, self.w, self.has_bias = x, w, b is not None
        self.geometry = {"stride": stride, "padding": padding, "dilation": dilation,
                         "groups": groups}
        self.steps = conv_steps(x, w, groups)
        y = self.steps.conv2d_grad_input(x, w, output_shape, **self.geometry)
        return y if b is None else y + per_channel(b, y.ndim - 2)

    def backward(self, g):
        x, w, geometry, steps = self.x, self.w, self.geometry, self.steps
        dx = steps.conv2d_forward(g, w, None, **geometry) if self.needs_input_grad[0] else None
        dw = steps.conv2d_grad_weight(x, g, w.shape, **geometry) if self.needs_input_grad[1] else None
        if not self.has_bias:
            return dx, dw
        db = g.sum(axis=(0, *range(2, g.ndim))) if self.needs_input_grad[2] else None
        return dx, dw, db


def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """torch.nn.functional.conv_transpose2d: input (N, C_in, H, W) or one image (C_in, H, W),
    weight (C_in, C_out/groups, kH, kW). stride, padding, output_padding and dilation are ints
    or (h, w) pairs; output_padding must be smaller than the stride."""
    return transposed_convolve("conv_transpose2d", 2, input, weight, bias, stride, padding,
                               output_padding, groups, dilation)


def conv_transpose3d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """torch.nn.functional.conv_transpose3d: input (N, C_in, D, H, W) or one volume (C_in, D,
    H, W), weight (C_in, C_out/groups, kD, kH, kW); the arguments as conv_transpose2d's, with
    (d, h, w) triples for pairs. The same code as conv_transpose2d's, on one more axis."""
    return transposed_convolve("conv_transpose3d", 3, input, weight, bias, stride, padding,
                               output_padding, groups, dilation)


def transposed_convolve(op, dims, input, weight, bias, stride, padding, output_padding, groups,
                        dilation):
    """conv_transpose2d (dims=2) or conv_transpose3d (dims=3): the arguments checked, the
    output size worked out, then `TransposedConvolution`."""
    check_images(op, input, dims)
    check_floating(op, input)
    _check_weight_and_bias(op, dims, input, weight, bias, groups)
    stride, dilation = ntuple(op, "stride", stride, dims), ntuple(op, "dilation", dilation, dims)
    padding = ntuple(op, "padding", padding, dims, minimum=0)
    output_padding = ntuple(op, "output_padding", output_padding, dims, minimum=0)
    if any(extra >= s for extra, s in zip(output_padding, stride)):
        raise ValueError(
            f"{op}: output_padding {output_padding} must be smaller than the stride {stride}"
        )
    kernel_size = tuple(weight.shape[2:])
    size = transposed_output_size(input.shape[-dims:], kernel_size, stride, padding, dilation)
    size = tuple(n + extra for n, extra in zip(size, output_padding))
    if min(size) < 1:
        raise ValueError(
            f"{op}: input of shape {tuple(input.shape)} with kernel_size {kernel_size}, stride "
            f"{stride}, padding {padding} and dilation {dilation} gives an empty output {size}"
        )
    conv_padding = tuple(
        (p, max(p - extra, 0)) for p, extra in zip(padding, output_padding)
    )
    options = {"stride": stride, "padding": conv_padding, "dilation": dilation, "groups": groups}
    parameters = (weight,) if bias is None else (weight, bias)
    out_channels = weight.shape[1] * groups

    def run(batch):
        output_shape = (batch.shape[0], out_channels, *size)
        return TransposedConvolution.apply(batch, *parameters, output_shape=output_shape,
                                           **options)

    return on_image_batch(input, run, dims)


def transposed_output_size(input_size, kernel_size, stride, padding, dilation):
    """Per axis (H − 1)·s − 2p + d·(k − 1) + 1: the output size without output_padding."""
    return tuple(
        (n - 1) * s - 2 * p + d * (k - 1) + 1
        for n, k, s, p, d in zip(input_size, kernel_size, stride, padding, dilation)
    )


def output_padding_for(op, input_shape, output_size, kernel_size, stride, padding, dilation):
    """The output_padding that makes a transposed conv's output `output_size` (PyTorch's
    `output_size=` argument of ConvTranspose's forward: spatial sizes, optionally after N and
    C). Each size must lie between the size without output_padding and stride − 1 above it."""
    dims = len(kernel_size)
    output_size = tuple(output_size)
    if len(output_size) == dims + 2:
        output_size = output_size[2:]
    if len(output_size) != dims:
        raise ValueError(
            f"{op}: output_size must have {dims} or {dims + 2} entries, got {output_size}"
        )
    smallest = transposed_output_size(input_shape[-dims:], kernel_size, stride, padding, dilation)
    for want, low, s in zip(output_size, smallest, stride):
        if not low <= want <= low + s - 1:
            raise ValueError(
                f"{op}: output_size {output_size} is not reachable from an input of shape "
                f"{tuple(input_shape)}: each size must lie between {smallest} and that plus "
                f"stride − 1 (stride {tuple(stride)})"
            )
    return tuple(want - low for want, low in zip(output_size, smallest))


def _check_weight_and_bias(op, dims, input, weight, bias, groups):
    if weight.ndim != dims + 2:
        raise ValueError(
            f"{op}: weight must be {dims + 2}-D (C_in, C_out/groups, {kernel_axes(dims)}), got "
            f"shape {tuple(weight.shape)}"
        )
    if weight.dtype != input.dtype:
        raise TypeError(f"{op}: input dtype {input.dtype} and weight dtype {weight.dtype} differ")
    in_channels, out_channels = input.shape[-dims - 1], weight.shape[1] * groups
    shapes = f" (input shape {tuple(input.shape)}, weight shape {tuple(weight.shape)})"
    check_groups(op, groups, weight.shape[0], out_channels, shapes)
    if in_channels != weight.shape[0]:
        raise ValueError(
            f"{op}: input of shape {tuple(input.shape)} has {in_channels} channels, but weight "
            f"of shape {tuple(weight.shape)} expects {weight.shape[0]} (weight's dim 0 is C_in)"
        )
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise ValueError(
            f"{op}: bias must have shape ({out_channels},) to match weight of shape "
            f"{tuple(weight.shape)} with groups={groups}, got {tuple(bias.shape)}"
        )
