"""torch.nn.functional.pad: widen a tensor's last dims by constant, reflected, replicated or
circular (wrapped-around) values.

Constant padding is `movement.Pad`. The other modes only copy input values, so they are a
gather: per padded axis, a table saying which input index each output index reads,

    reflect     i → the mirror image of i in the edge, without repeating it   (needs pad < n)
                    [a b c d] padded by 2: c b | a b c d | c b
    replicate   i → the nearest edge index                                       (any pad)
                    a a | a b c d | d d
    circular    i → i mod n                                                     (needs pad ≤ n)
                    c d | a b c d | a b

and the padded tensor is the input indexed by those tables, one axis after the other (an
integer-array getitem). Indexing's backward adds each output's gradient onto the input
element it read, so an edge element read several times collects all of them: the gradient
comes with the gather, nothing new to prove.
"""

import numpy as np

from minigrad.ops.movement import Pad, getitem

MODES = ("constant", "reflect", "replicate", "circular")


def pad(a, pad, mode="constant", value=None):
    """torch.nn.functional.pad: `pad` lists (before, after) pairs starting from the LAST dim,
    e.g. (1, 1, 2, 2) pads the last dim by 1 on each side and the one before it by 2.

    mode='constant' fills with `value` (default 0) and pads any dims; 'reflect', 'replicate'
    and 'circular' pad the last 1, 2 or 3 dims of a tensor that has one or two dims more
    (channels, and a batch), as in PyTorch."""
    if mode not in MODES:
        raise ValueError(f"pad: mode must be one of {MODES}, got {mode!r}")
    pad = tuple(pad)
    if len(pad) % 2 or len(pad) // 2 > a.ndim:
        raise ValueError(
            f"pad: expected an even number of widths for at most {a.ndim} dims, got {pad}"
        )
    if any(p < 0 for p in pad):
        raise ValueError(f"pad: negative widths are not supported, got {pad}")
    widths = [(0, 0)] * a.ndim
    for k in range(len(pad) // 2):
        widths[a.ndim - 1 - k] = (pad[2 * k], pad[2 * k + 1])
    if mode == "constant":
        return Pad.apply(a, widths=tuple(widths), value=0.0 if value is None else value)
    if value is not None:
        raise ValueError(f"pad: mode={mode!r} takes no value, got value={value!r}")
    padded_dims = len(pad) // 2
    if padded_dims > 3 or a.ndim not in (padded_dims + 1, padded_dims + 2):
        raise ValueError(
            f"pad: mode={mode!r} pads the last 1, 2 or 3 dims of a tensor with one or two dims "
            f"more (channels, batch); pad {pad} names {padded_dims} dim(s), but the input has "
            f"shape {tuple(a.shape)}"
        )
    out = a
    for axis, (before, after) in enumerate(widths):
        if before or after:
            sources = _source_indices(mode, a.shape, axis, before, after)
            out = getitem(out, (slice(None),) * axis + (sources,))
    return out


def _source_indices(mode, shape, axis, before, after):
    """For each index of the padded axis, the input index it copies (the module docstring)."""
    n = shape[axis]
    if n == 0:
        raise ValueError(
            f"pad: mode={mode!r} has nothing to copy along dim {axis} of size 0 (input shape "
            f"{tuple(shape)})"
        )
    limit = {"reflect": n - 1, "circular": n}.get(mode)  # replicate: any width
    if limit is not None and max(before, after) > limit:
        raise ValueError(
            f"pad: mode={mode!r} needs pads of at most {limit} along dim {axis} of size {n} "
            f"(input shape {tuple(shape)}), got ({before}, {after})"
        )
    i = np.arange(-before, n + after)
    if mode == "reflect":
        return (n - 1) - np.abs((n - 1) - np.abs(i))
    if mode == "replicate":
        return np.clip(i, 0, n - 1)
    return i % n
