"""2-D and 3-D convolution (PyTorch's conv2d and conv3d: really a cross-correlation, the
kernel is not flipped).

The three array-level steps — forward, gradient of the input, gradient of the weight — are
plain functions on raw numpy/CuPy arrays (`conv2d_forward`, `conv2d_grad_input`,
`conv2d_grad_weight`), so a GPU kernel can replace any one of them without touching the
autograd `Function` or the argument checks. Padding arrives as ((top, bottom), (left, right)).

Images and volumes share everything: im2col's windows, the matrix products, the checks work
for any number of spatial dims, and a volume (N, C, D, H, W) only adds a depth axis that
behaves as height and width do. The steps keep the names of the GPU kernels' interface
(conv2d_*), whose kernels take images only: 3-D convs run the im2col steps on both devices.
"""

import math

import numpy as np

from minigrad.autograd import Function
from minigrad.backend import array_module, device_of
from minigrad.checks import check_floating
from minigrad.ops.im2col import col2im, crop_images, im2col, output_size, pad_images
from minigrad.ops.window_args import (
    check_images,
    check_windows_fit,
    kernel_axes,
    ntuple,
    on_image_batch,
    symmetric_padding,
)


class Convolution(Function):
    """y = W ⋆ x + b, computed as matrix products over im2col's columns (images; a volume
    adds a depth index that works as the rows do).

    Element by element (the seed's y_ij = Σ_m Σ_n x(m+i−1, n+j−1)·w_mn + b, with channels,
    stride s, dilation d and groups added; x_pad is x with its zero padding):

        y[n, o, i, j] = b[o] + Σ_{c, a, e} w[o, c, a, e] · x_pad[n, g·C_g + c, i·s_h + a·d_h,
                                                                   j·s_w + e·d_w]

    where g = o // O_g is the group of output channel o (C_g, O_g: channels per group).
    im2col turns every window of image n, group g into a column: cols_ng has K = C_g·kH·kW
    rows and one column per output pixel (i, j). With W_g the group's weights as an O_g × K
    matrix and G_ng the output gradient of image n, group g as an O_g × (H_out·W_out) matrix:

        forward    Y_ng = W_g · cols_ng + b
        backward   dW_g = Σ_n G_ng · cols_ngᵀ
                   dcols_ng = W_gᵀ · G_ng,   dx = col2im(dcols) without the padding
                   db[o] = Σ_{n, i, j} g[n, o, i, j]

    col2im sums the columns back into the image; where windows overlap, a pixel collects the
    gradient of every window that read it.
    """

    autocast_policy = "lower_precision_fp"

    def forward(self, x, w, b=None, *, stride, padding, dilation, groups):
        self.x, self.w, self.has_bias = x, w, b is not None
        self.geometry = {"stride": stride, "padding": padding, "dilation": dilation,
                         "groups": groups}
        self.steps = conv_steps(x, w, groups)
        return self.steps.conv2d_forward(x, w, b, **self.geometry)

    def backward(self, g):
        x, w, geometry, steps = self.x, self.w, self.geometry, self.steps
        dx = steps.conv2d_grad_input(g, w, x.shape, **geometry) if self.needs_input_grad[0] else None
        dw = steps.conv2d_grad_weight(g, x, w.shape, **geometry) if self.needs_input_grad[1] else None
        if not self.has_bias:
            return dx, dw
        db = g.sum(axis=(0, *range(2, g.ndim))) if self.needs_input_grad[2] else None
        return dx, dw, db


# The three functions below go through the batch a chunk of images at a time, each chunk's
# columns about this many bytes. The columns of a whole batch (kH·kW times the input) would
# be written to memory, read back, and freed at the end of the step, so that the next step
# pays page faults for fresh memory again; a chunk's columns stay in cache and its memory is
# reused by the next chunk. Measured on the benchmark CNN: 10% faster at batch 128.
COLUMNS_PER_CHUNK_BYTES = 1 << 20


def conv2d_forward(x, w, b, stride, padding, dilation, groups):
    """x (N, C, H, W), w (O, C/groups, kH, kW), b (O,) or None -> y (N, O, H_out, W_out);
    volumes alike, with a depth axis before H."""
    padded = pad_images(x, padding)
    kernel_size = w.shape[2:]
    sizes = output_size(padded.shape, kernel_size, stride, dilation)
    weights = _weight_matrices(w, groups)
    windows = math.prod(sizes)
    y = array_module(x).empty((x.shape[0], *weights.shape[:2], windows), dtype=x.dtype)
    for images in _image_chunks(x, weights.shape[0] * weights.shape[2] * windows):
        cols = im2col(padded[images], kernel_size, stride, dilation, groups)
        array_module(x).matmul(weights, cols, out=y[images])  # (n, groups, O_g, H_out·W_out)
    y = y.reshape(x.shape[0], w.shape[0], *sizes)
    if b is not None:
        y += per_channel(b, len(sizes))
    return y


def conv2d_grad_input(g, w, input_shape, stride, padding, dilation, groups):
    """dL/dx (input_shape) from g = dL/dy (N, O, H_out, W_out): col2im(Wᵀ · G)."""
    weights_t = _weight_matrices(w, groups).transpose(0, 2, 1)
    g_groups = _per_group(g, groups)
    padded_shape = tuple(input_shape[:2]) + tuple(
        before + n + after for n, (before, after) in zip(input_shape[2:], padding)
    )
    dx_padded = array_module(g).empty(padded_shape, g.dtype)
    for images in _image_chunks(g, weights_t.shape[0] * weights_t.shape[1] * g_groups.shape[-1]):
        d_cols = weights_t @ g_groups[images]
        chunk_shape = (d_cols.shape[0],) + dx_padded.shape[1:]
        dx_padded[images] = col2im(d_cols, chunk_shape, w.shape[2:], stride, dilation)
    return crop_images(dx_padded, padding)


def conv2d_grad_weight(g, x, weight_shape, stride, padding, dilation, groups):
    """dL/dw (weight_shape) from g = dL/dy and the input x: Σ over images of G · colsᵀ."""
    padded = pad_images(x, padding)
    g_groups = _per_group(g, groups)  # (N, groups, O_g, H_out·W_out)
    dw = array_module(g).zeros((groups, g_groups.shape[2], math.prod(weight_shape[1:])), g.dtype)
    for images in _image_chunks(x, dw.shape[0] * dw.shape[2] * g_groups.shape[-1]):
        cols = im2col(padded[images], weight_shape[2:], stride, dilation, groups)
        dw += (g_groups[images] @ cols.transpose(0, 1, 3, 2)).sum(axis=0)
    return dw.reshape(weight_shape)


def _image_chunks(array, columns_per_image):
    """Slices of the batch (`array`'s dim 0) whose columns, `columns_per_image` numbers per
    image, take about COLUMNS_PER_CHUNK_BYTES. On the GPU, one slice: its memory is fast,
    and every extra chunk costs kernel launches."""
    n = array.shape[0]
    if not isinstance(array, np.ndarray):
        return [slice(0, n)]
    size = max(1, COLUMNS_PER_CHUNK_BYTES // (columns_per_image * array.itemsize))
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


class _ArraySteps:
    """The three steps above, as the fallback of `_gpu_kernel_steps`."""

    conv2d_forward = staticmethod(conv2d_forward)
    conv2d_grad_input = staticmethod(conv2d_grad_input)
    conv2d_grad_weight = staticmethod(conv2d_grad_weight)


class _GpuKernelSteps:
    """The three steps on the hand-written GPU kernels of kernels/ (the implementation that
    MINIGRAD_KERNELS picks). They take no bias and no groups: the bias is added here."""

    def __init__(self, dispatch):
        self.dispatch = dispatch

    def conv2d_forward(self, x, w, b, stride, padding, dilation, groups):
        y = self.dispatch.conv2d_forward(x, w, stride, padding, dilation)
        return y if b is None else y + per_channel(b, 2)

    def conv2d_grad_input(self, g, w, input_shape, stride, padding, dilation, groups):
        return self.dispatch.conv2d_grad_input(g, w, input_shape, stride, padding, dilation)

    def conv2d_grad_weight(self, g, x, weight_shape, stride, padding, dilation, groups):
        return self.dispatch.conv2d_grad_weight(g, x, weight_shape, stride, padding, dilation)


def conv_steps(x, w, groups):
    """The three steps for these arrays: the GPU kernels where `_gpu_kernel_steps` has them,
    else the im2col functions above. ConvTranspose2d runs the same three in another order."""
    return _gpu_kernel_steps(x, w, groups) or _ArraySteps


def _gpu_kernel_steps(x, w, groups):
    """The GPU kernels for float32 CuPy images without groups; None elsewhere (volumes too)."""
    if (device_of(x) != "cuda" or groups != 1 or x.ndim != 4
            or not x.dtype == w.dtype == np.float32):
        return None
    from kernels import dispatch  # the CPU never imports kernels/ (nor CuPy)

    return _GpuKernelSteps(dispatch)


def _weight_matrices(w, groups):
    """w (O, C_g, kH, kW) as one O_g × (C_g·kH·kW) matrix per group."""
    return w.reshape(groups, w.shape[0] // groups, -1)


def _per_group(g, groups):
    """g (N, O, H_out, W_out) as (N, groups, O_g, H_out·W_out), lined up with im2col's columns."""
    return g.reshape(g.shape[0], groups, g.shape[1] // groups, -1)


def per_channel(b, dims):
    """A bias (O,) shaped to add to an output (N, O, *spatial) of `dims` spatial dims."""
    return b.reshape(-1, *(1,) * dims)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """torch.nn.functional.conv2d: input (N, C_in, H, W) or one image (C_in, H, W), weight
    (C_out, C_in/groups, kH, kW).

    `stride`, `dilation` and `padding` are ints or (h, w) pairs; padding may also be 'valid'
    (none) or 'same' (output as large as the input; stride 1 only, as in PyTorch).
    """
    return convolve("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """torch.nn.functional.conv3d: input (N, C_in, D, H, W) or one volume (C_in, D, H, W),
    weight (C_out, C_in/groups, kD, kH, kW); the arguments as conv2d's, with (d, h, w)
    triples for pairs. Everything but the extra axis is conv2d's code."""
    return convolve("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def convolve(op, dims, input, weight, bias, stride, padding, dilation, groups):
    """conv2d (dims=2) or conv3d (dims=3): the arguments checked, then `Convolution`."""
    check_images(op, input, dims)
    check_floating(op, input)
    _check_weight_and_bias(op, dims, input, weight, bias, groups)
    kernel_size = tuple(weight.shape[2:])
    stride, dilation = ntuple(op, "stride", stride, dims), ntuple(op, "dilation", dilation, dims)
    padding = conv_padding(padding, kernel_size, stride, dilation, op)
    check_windows_fit(op, input.shape, kernel_size, padding, dilation)
    options = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    parameters = (weight,) if bias is None else (weight, bias)
    return on_image_batch(
        input, lambda batch: Convolution.apply(batch, *parameters, **options), dims
    )


def conv_padding(padding, kernel_size, stride, dilation, op="conv2d"):
    """conv2d's (or conv3d's) `padding` argument as (before, after) pairs per spatial dim:
    ((top, bottom), (left, right)) for images."""
    dims = len(kernel_size)
    if padding == "valid":
        return ((0, 0),) * dims
    if padding == "same":
        if stride != (1,) * dims:
            raise ValueError(
                f"{op}: padding='same' needs stride 1 (as in PyTorch), got stride {stride}"
            )
        return tuple(_same_padding(k, d) for k, d in zip(kernel_size, dilation))
    if isinstance(padding, str):
        what = "a pair" if dims == 2 else f"{dims} ints"
        raise ValueError(  # noqa: TRY004 (a string, but not one of the two: a wrong value)
            f"{op}: padding must be 'same', 'valid', an int or {what}, got {padding!r}"
        )
    return symmetric_padding(op, padding, dims)


def _same_padding(kernel, dilation):
    """Pads that keep the size: a window spans d·(k−1)+1 pixels, so d·(k−1) pads in all.
    An odd total puts the extra pixel after (bottom/right), as PyTorch does."""
    total = dilation * (kernel - 1)
    return total // 2, total - total // 2


def _check_weight_and_bias(op, dims, input, weight, bias, groups):
    if weight.ndim != dims + 2:
        raise ValueError(
            f"{op}: weight must be {dims + 2}-D (C_out, C_in/groups, {kernel_axes(dims)}), got "
            f"shape {tuple(weight.shape)}"
        )
    if weight.dtype != input.dtype:
        raise TypeError(
            f"{op}: input dtype {input.dtype} and weight dtype {weight.dtype} differ"
        )
    in_channels, out_channels = input.shape[-dims - 1], weight.shape[0]
    shapes = f" (input shape {tuple(input.shape)}, weight shape {tuple(weight.shape)})"
    check_groups(op, groups, in_channels, out_channels, shapes)
    if in_channels != weight.shape[1] * groups:
        raise ValueError(
            f"{op}: input of shape {tuple(input.shape)} has {in_channels} channels, but weight "
            f"of shape {tuple(weight.shape)} with groups={groups} expects "
            f"{weight.shape[1] * groups} (C_in/groups = {weight.shape[1]})"
        )
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise ValueError(
            f"{op}: bias must have shape ({out_channels},) to match weight of shape "
            f"{tuple(weight.shape)}, got {tuple(bias.shape)}"
        )


def check_groups(op, groups, in_channels, out_channels, context=""):
    """groups splits the channels into independent convolutions: it must divide both counts."""
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    if in_channels % groups or out_channels % groups:
        raise ValueError(
            f"{op}: groups={groups} must divide both in_channels ({in_channels}) and "
            f"out_channels ({out_channels}){context}"
        )
