"""Argument checks shared by the losses, so each mistake is reported in the loss's own words.

Without them a wrong target fails deep inside numpy ("operands could not be broadcast") or,
worse, does not fail: an (N, 1) prediction against an (N,) target broadcasts to (N, N) and
trains on a meaningless loss. Each check names the loss and the shapes or dtypes it was given.
"""

import numpy as np

from minigrad.backend import array_module, to_device
from minigrad.checks import check_floating
from minigrad.tensor import Tensor

REDUCTIONS = ("none", "mean", "sum")


def check_reduction(op, reduction, allowed=REDUCTIONS):
    if reduction not in allowed:
        choices = ", ".join(repr(r) for r in allowed)
        raise ValueError(f"{op}: reduction must be one of {choices}, got {reduction!r}")


def check_input(op, input):
    """The prediction: a floating-point tensor with at least one dimension."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    check_floating(op, input)


def check_pair(op, input, target):
    """input and target of the same shape and the same float dtype (elementwise losses).

    PyTorch only warns about differing shapes and broadcasts them, which is almost always a
    bug; mixing float32 with float64 would silently turn the whole loss into float64.
    """
    check_input(op, input)
    check_target_tensor(op, target, input)
    if target.dtype.kind != "f":
        raise TypeError(
            f"{op}: target must be a floating-point tensor like the input ({input.dtype}), "
            f"got dtype {target.dtype}"
        )
    if target.dtype != input.dtype:
        raise TypeError(
            f"{op}: input is {input.dtype} but target is {target.dtype}; convert one of them "
            "(for example target.to(input.dtype))"
        )
    if target.shape != input.shape:
        raise ValueError(
            f"{op}: target shape {tuple(target.shape)} differs from input shape "
            f"{tuple(input.shape)} (broadcasting them would compare every prediction with "
            "every target)"
        )


def check_alike(op, **tensors):
    """Several inputs of one loss (input1 and input2, or anchor, positive and negative):
    Tensors of the first one's float dtype, device and shape, each reported by its name."""
    (first_name, first), *others = tensors.items()
    check_input(op, first)
    for name, tensor in others:
        if not isinstance(tensor, Tensor):
            raise TypeError(f"{op}: {name} must be a Tensor, got {type(tensor).__name__}")
        if tensor.device != first.device:
            raise RuntimeError(
                f"{op}: {first_name} is on {first.device} but {name} is on {tensor.device}"
            )
        if tensor.dtype != first.dtype:
            raise TypeError(f"{op}: {first_name} is {first.dtype} but {name} is {tensor.dtype}")
        if tensor.shape != first.shape:
            raise ValueError(
                f"{op}: {name} has shape {tuple(tensor.shape)} but {first_name} has shape "
                f"{tuple(first.shape)}; they must be equal"
            )


def check_target_tensor(op, target, input):
    if not isinstance(target, Tensor):
        raise TypeError(f"{op}: target must be a Tensor, got {type(target).__name__}")
    if target.device != input.device:
        raise RuntimeError(
            f"{op}: input is on {input.device} but target is on {target.device}; "
            "move them to one device with .to(device)"
        )


def class_axis(op, input):
    """The class dimension: 1 for (N, C, d1, ...) input, 0 for one unbatched sample (C,)."""
    check_input(op, input)
    if input.ndim == 0:
        raise ValueError(f"{op}: input must have a class dimension, got a 0-d tensor")
    return 0 if input.ndim == 1 else 1


def class_indices(op, input, target, axis, ignore_index=None):
    """target's integer array, checked: shape of input without the class dim, values in
    [0, C) or equal to ignore_index (None: no value is ignored)."""
    check_target_tensor(op, target, input)
    if target.dtype.kind not in "iu":
        raise TypeError(
            f"{op}: target must hold class indices, an integer tensor, got dtype "
            f"{target.dtype} (class indices stored as floats? use target.long())"
        )
    expected = input.shape[:axis] + input.shape[axis + 1 :]
    if target.shape != expected:
        raise ValueError(
            f"{op}: for input of shape {tuple(input.shape)}, the target of class indices must "
            f"have shape {expected}, got {tuple(target.shape)}"
        )
    t = target.data
    classes = input.shape[axis]
    out_of_range = (t < 0) | (t >= classes)
    if ignore_index is not None:
        out_of_range &= t != ignore_index
    if out_of_range.any():
        bad = int(t[out_of_range].reshape(-1)[0])
        ignored = "" if ignore_index is None else f", or ignore_index={ignore_index}"
        raise ValueError(
            f"{op}: target holds class index {bad}, but input has {classes} classes "
            f"(valid: 0 to {classes - 1}{ignored})"
        )
    return t


def class_weight(op, weight, input, axis):
    """The per-class weight as a constant array of the input's dtype and device, or None."""
    if weight is None:
        return None
    classes = input.shape[axis]
    values = weight.data if isinstance(weight, Tensor) else np.asarray(weight)
    if values.shape != (classes,):
        raise ValueError(
            f"{op}: weight must have one entry per class, shape ({classes},), "
            f"got shape {tuple(values.shape)}"
        )
    return to_device(values.astype(input.dtype, copy=False), input.device)


def broadcast_weight(op, name, weight, input):
    """A sample weight (or pos_weight) that broadcasts to the input's shape, as a constant
    array of the input's dtype and device; None stays None."""
    if weight is None:
        return None
    values = weight.data if isinstance(weight, Tensor) else np.asarray(weight)
    try:
        fits = np.broadcast_shapes(values.shape, input.shape) == input.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"{op}: {name} of shape {tuple(values.shape)} does not broadcast to the input's "
            f"shape {tuple(input.shape)}"
        )
    return to_device(values.astype(input.dtype, copy=False), input.device)


def check_probabilities(op, input):
    """binary_cross_entropy takes probabilities; logits there give nan, so say so instead."""
    xp = array_module(input.data)
    low, high = float(xp.min(input.data)), float(xp.max(input.data))
    if not (0 <= low and high <= 1):
        raise ValueError(
            f"{op}: input must hold probabilities in [0, 1], found values from {low:g} to "
            f"{high:g}; for raw scores (logits) use binary_cross_entropy_with_logits"
        )
