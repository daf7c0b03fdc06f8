"""Arguments shared by the sliding-window ops (the convs and the pools): their checks, the
pooling window as PyTorch lays it out (`pool_window`: how many windows, and how much padding
they need), and running an op on one image as on a batch.

The checks accept PyTorch's spellings (an int, or one int per spatial dim: a (height, width)
pair for images, a (depth, height, width) triple for volumes) and turn a mistake into an
error that names the op and the shapes, before numpy fails somewhere inside the strides.
`dims` is the number of spatial dims (2 for the *2d ops, 3 for the *3d ones).
"""

from typing import NamedTuple

import numpy as np

from minigrad.checks import check_floating


def pair(op, name, value, minimum=1):
    """An int or a pair of ints (each >= minimum) as a (height, width) tuple."""
    return ntuple(op, name, value, 2, minimum)


def ntuple(op, name, value, n, minimum=1):
    """An int or n ints (each >= minimum) as an n-tuple: one per spatial dim."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,) * n
    if len(values) != n or not all(_is_int(v) for v in values):
        what = "a pair of ints" if n == 2 else f"a tuple of {n} int(s)"
        raise TypeError(f"{op}: {name} must be an int or {what}, got {value!r}")
    if any(v < minimum for v in values):
        raise ValueError(f"{op}: {name} must be at least {minimum}, got {value!r}")
    return tuple(int(v) for v in values)


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


SPATIAL_AXES = {1: "L", 2: "H, W", 3: "D, H, W"}  # for error messages


def kernel_axes(dims):
    """The kernel's spatial dims as error messages name them: "kH, kW" for images."""
    return ", ".join("k" + axis for axis in SPATIAL_AXES[dims].split(", "))


def check_images(op, x, dims=2):
    """Sliding-window ops take one image (C, H, W) or a batch of them (N, C, H, W), as in
    PyTorch, with at least one pixel (volumes: (C, D, H, W) or (N, C, D, H, W))."""
    axes = SPATIAL_AXES[dims]
    if x.ndim not in (dims + 1, dims + 2):
        hint = " (one channel? add it with x.unsqueeze(0))" if x.ndim == dims else ""
        raise ValueError(
            f"{op}: expected a {dims + 1}-D (C, {axes}) or {dims + 2}-D (N, C, {axes}) input, "
            f"got shape {tuple(x.shape)}{hint}"
        )
    if 0 in x.shape[-dims:]:
        raise ValueError(
            f"{op}: input of shape {tuple(x.shape)} has no pixels (one of {axes} is 0)"
        )


def on_image_batch(input, run, dims=2):
    """run(batch) with input as a batch (N, C, *spatial), `dims` spatial dims. One image
    (C, *spatial) runs as a batch of one, and each tensor that `run` returns loses that batch
    dim again (PyTorch's unbatched input)."""
    if input.ndim == dims + 2:
        return run(input)
    out = run(input.unsqueeze(0))
    if isinstance(out, tuple):
        return tuple(t.squeeze(0) for t in out)
    return out.squeeze(0)


def symmetric_padding(op, padding, dims=2):
    """An int or one pad per spatial dim as (before, after) pairs: ((top, bottom), (left,
    right)) for images."""
    return tuple((p, p) for p in ntuple(op, "padding", padding, dims, minimum=0))


def check_windows_fit(op, shape, kernel_size, padding, dilation=(1, 1)):
    """Raise if the window (kernel_size spread by dilation) is larger than the padded input."""
    dims = len(kernel_size)
    padded = [n + before + after for n, (before, after) in zip(shape[-dims:], padding)]
    spans = _spans(kernel_size, dilation)
    if any(span > n for span, n in zip(spans, padded)):
        raise ValueError(
            f"{op}: the window ({_by(spans)}, from kernel_size {tuple(kernel_size)} "
            f"and dilation {tuple(dilation)}) is larger than the padded input "
            f"({_by(padded)}) of an input with shape {tuple(shape)}"
        )


def _by(sizes):
    """Sizes as 3x4 (or 2x3x4)."""
    return "x".join(str(n) for n in sizes)


def _spans(kernel_size, dilation):
    """How many pixels a window covers along each axis: d·(k−1)+1."""
    return tuple(d * (k - 1) + 1 for k, d in zip(kernel_size, dilation))


class PoolWindow(NamedTuple):
    """A pooling window's checked arguments, with what follows from them for one input."""

    output_size: tuple  # (H_out, W_out), or (D_out, H_out, W_out)
    kernel_size: tuple
    stride: tuple
    padding: tuple  # (h, w): pads on each side, as given
    dilation: tuple
    edges: tuple  # ((top, bottom), (left, right)): `padding`, and what ceil_mode adds


def pool_window(op, input, kernel_size, stride, padding, dilation, ceil_mode, dims=2):
    """The window of max_pool2d/3d or avg_pool2d/3d (avg: dilation 1), its arguments checked
    as PyTorch checks them."""
    check_images(op, input, dims)
    check_floating(op, input)
    kernel_size = ntuple(op, "kernel_size", kernel_size, dims)
    stride = kernel_size if stride is None else ntuple(op, "stride", stride, dims)
    padding = ntuple(op, "padding", padding, dims, minimum=0)
    dilation = ntuple(op, "dilation", dilation, dims)
    _check_pool_padding(op, padding, kernel_size, dilation)
    geometry = (kernel_size, stride, padding, dilation)
    output_size = _pooled_size(op, input.shape, *geometry, bool(ceil_mode))
    _check_windows_see_the_input(op, input.shape, output_size, *geometry)
    edges = _padding_for_windows(input.shape, output_size, *geometry)
    return PoolWindow(output_size, *geometry, edges)


def _check_pool_padding(op, padding, kernel_size, dilation):
    """PyTorch's rule for pooling: a pad of at most half the window's span, so that the padding
    never fills a window on its own (dilated windows aside: `_check_windows_see_the_input`)."""
    spans = _spans(kernel_size, dilation)
    if any(p > span // 2 for p, span in zip(padding, spans)):
        raise ValueError(
            f"{op}: padding {tuple(padding)} must be at most half of the window "
            f"({_by(spans)}, from kernel_size {tuple(kernel_size)} and dilation "
            f"{tuple(dilation)})"
        )


def _pooled_size(op, shape, kernel_size, stride, padding, dilation, ceil_mode):
    """(H_out, W_out) by PyTorch's rule: as many windows as fit in the padded input, and with
    ceil_mode one more over a leftover strip, unless that one would start in the bottom/right
    padding. `padding` holds the (h, w) pads, one on each side."""
    sizes = tuple(
        _pooled_length(n, k, s, p, d, ceil_mode)
        for n, k, s, p, d in zip(shape[-len(kernel_size):], kernel_size, stride, padding,
                                 dilation)
    )
    if min(sizes) < 1:
        raise ValueError(
            f"{op}: input of shape {tuple(shape)} is too small for kernel_size "
            f"{tuple(kernel_size)}, stride {tuple(stride)}, padding {tuple(padding)} and "
            f"dilation {tuple(dilation)}: the output would be {_by(sizes)}"
        )
    return sizes


def _pooled_length(size, kernel, stride, pad, dilation, ceil_mode):
    room = size + 2 * pad - (dilation * (kernel - 1) + 1)  # how far the window can slide
    steps = -(-room // stride) if ceil_mode else room // stride
    if ceil_mode and steps * stride >= size + pad:
        steps -= 1
    return steps + 1


def _padding_for_windows(shape, output_size, kernel_size, stride, padding, dilation):
    """((top, bottom), (left, right)): the (h, w) pads on every side, plus, where ceil_mode's
    last window runs past the padded input, as many more bottom/right as it needs to fit."""
    edges = []
    for n, out, k, s, p, span in zip(
        shape[-len(kernel_size):], output_size, kernel_size, stride, padding, _spans(kernel_size, dilation)
    ):
        past_the_edge = (out - 1) * s + span - (n + 2 * p)
        edges.append((p, p + max(past_the_edge, 0)))
    return tuple(edges)


def _check_windows_see_the_input(op, shape, output_size, kernel_size, stride, padding, dilation):
    """Raise if a window would hold only padding. The padding rule does not rule that out once
    taps are dilated: those of a window starting in the top/left padding can step over the
    whole input (where PyTorch returns −∞, and an index outside the image)."""
    dims = len(kernel_size)
    for axis, n, out, k, s, p, d in zip(
        "DHW"[-dims:], shape[-dims:], output_size, kernel_size, stride, padding, dilation
    ):
        for start in range(-p, min(0, (out - 1) * s - p + 1), s):
            first_inside = -(start // d)  # the first tap a with start + a·d >= 0
            if first_inside >= k or start + first_inside * d >= n:
                raise ValueError(
                    f"{op}: with kernel_size {tuple(kernel_size)}, dilation {tuple(dilation)} "
                    f"and padding {tuple(padding)}, a window starting at {start} along {axis} "
                    f"of an input of shape {tuple(shape)} holds only padding"
                )
