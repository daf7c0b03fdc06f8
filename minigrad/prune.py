"""Magnitude pruning: set small weights to zero and keep them there.

The course (seed 004 §4.1.2) prunes every weight with |w| < 0.01, then either fine-tunes the
pruned model ("fixed pruning") or keeps the zeros in place while training ("sparse training").
Both need the zeros to survive optimizer steps, which is done as in torch.nn.utils.prune:

    module.weight_orig   the trainable Parameter (all values, pruned ones included)
    module.weight_mask   a buffer of 0s and 1s
    module.weight        recomputed as weight_orig * weight_mask before every forward

so the pruned entries get zero gradient through the mask and stay zero in the output. `remove`
makes the pruning permanent: the product becomes the Parameter again and the mask goes away.

Pruning a tensor that is already pruned only removes more: the new mask is chosen among the
entries still alive and multiplied into the old one.
"""

import numpy as np

from minigrad.backend import device_of, to_device, to_numpy
from minigrad.nn.module import Parameter
from minigrad.tensor import Tensor


def _apply_mask(module, name):
    orig = getattr(module, name + "_orig")
    mask = getattr(module, name + "_mask")
    object.__setattr__(module, name, orig * mask)


def _pruned_parameter(module, name):
    """(original values, current mask) of `module.name` as numpy arrays."""
    if hasattr(module, name + "_orig"):
        orig, mask = getattr(module, name + "_orig"), getattr(module, name + "_mask")
        return to_numpy(orig.data), to_numpy(mask.data)
    param = getattr(module, name, None)
    if not isinstance(param, Parameter):
        raise ValueError(
            f"prune: {type(module).__name__} has no parameter {name!r} "
            f"(parameters: {[n for n, _ in module.named_parameters(recurse=False)]})"
        )
    return to_numpy(param.data), np.ones(param.shape, dtype=param.dtype)


def custom_from_mask(module, name, mask):
    """Prune `module.name` with a given 0/1 mask (multiplied into any existing mask)."""
    _, old_mask = _pruned_parameter(module, name)
    mask = to_numpy(mask.data if isinstance(mask, Tensor) else np.asarray(mask))
    if mask.shape != old_mask.shape:
        raise ValueError(f"prune: mask of shape {mask.shape} for {name!r} of shape {old_mask.shape}")
    combined = (old_mask * (mask != 0)).astype(old_mask.dtype)
    if hasattr(module, name + "_orig"):
        mask_buffer = getattr(module, name + "_mask")
        mask_buffer.data[...] = to_device(combined, device_of(mask_buffer.data))
    else:
        param = getattr(module, name)
        del module._parameters[name]
        setattr(module, name + "_orig", param)
        module.register_buffer(name + "_mask", Tensor(combined, device=param.device))
        handle = module.register_forward_pre_hook(lambda m, args: _apply_mask(m, name))
        module.__dict__.setdefault("_prune_hooks", {})[name] = handle
    _apply_mask(module, name)
    return module


def _count(amount, alive):
    """`amount` as a number of entries to prune: a fraction of those alive, or a count."""
    if isinstance(amount, float):
        if not 0.0 <= amount <= 1.0:
            raise ValueError(f"prune: a fractional amount must be in [0, 1], got {amount}")
        return int(round(amount * alive))
    if amount < 0 or amount > alive:
        raise ValueError(f"prune: cannot prune {amount} of {alive} remaining entries")
    return int(amount)


def _smallest_alive(scores, mask, count):
    """A mask that also drops the `count` lowest-scoring entries still alive."""
    keep = mask.astype(bool).copy()
    if count:
        alive = np.flatnonzero(keep)
        order = np.argsort(scores.reshape(-1)[alive], kind="stable")
        keep.reshape(-1)[alive[order[:count]]] = False
    return keep


def l1_unstructured(module, name, amount):
    """Prune the `amount` (fraction or count) of entries with the smallest |w|."""
    values, mask = _pruned_parameter(module, name)
    count = _count(amount, int(mask.sum()))
    return custom_from_mask(module, name, _smallest_alive(np.abs(values), mask, count))


def threshold_unstructured(module, name, threshold=0.01):
    """Prune every entry with |w| < threshold (the course's rule, with its 0.01 default)."""
    values, _ = _pruned_parameter(module, name)
    return custom_from_mask(module, name, np.abs(values) >= threshold)


def ln_structured(module, name, amount, n=2, dim=0):
    """Prune whole slices along `dim` (rows of a Linear weight, output channels of a Conv2d
    weight for dim=0) with the smallest L`n` norm: structured sparsity that shrinks real work."""
    values, mask = _pruned_parameter(module, name)
    if not -values.ndim <= dim < values.ndim:
        raise ValueError(f"prune: dim {dim} out of range for {name!r} of shape {values.shape}")
    dim %= values.ndim
    other = tuple(d for d in range(values.ndim) if d != dim)
    slices = np.moveaxis(values * mask, dim, 0).reshape(values.shape[dim], -1)
    norms = np.linalg.norm(slices, ord=n, axis=1)
    slice_alive = mask.any(axis=other) if other else mask.astype(bool)
    count = _count(amount, int(slice_alive.sum()))
    keep_slices = _smallest_alive(norms, slice_alive, count)
    shape = [1] * values.ndim
    shape[dim] = values.shape[dim]
    return custom_from_mask(module, name, np.broadcast_to(keep_slices.reshape(shape), values.shape))


def global_unstructured(parameters, amount):
    """Prune the smallest |w| across several tensors at once, [(module, name), ...]: layers
    with many small weights lose more than layers whose weights matter."""
    parameters = list(parameters)
    pieces = [_pruned_parameter(m, n) for m, n in parameters]
    scores = np.concatenate([np.abs(v).reshape(-1) for v, _ in pieces])
    masks = np.concatenate([m.reshape(-1) for _, m in pieces])
    keep = _smallest_alive(scores, masks, _count(amount, int(masks.sum())))
    start = 0
    for (module, name), (values, _) in zip(parameters, pieces):
        custom_from_mask(module, name, keep[start : start + values.size].reshape(values.shape))
        start += values.size


def remove(module, name):
    """Make the pruning of `module.name` permanent: a plain Parameter holding orig * mask."""
    if not hasattr(module, name + "_orig"):
        raise ValueError(f"prune.remove: {name!r} of {type(module).__name__} is not pruned")
    orig = getattr(module, name + "_orig")
    mask = getattr(module, name + "_mask")
    module.__dict__["_prune_hooks"].pop(name).remove()
    del module._parameters[name + "_orig"]
    del module._buffers[name + "_mask"]
    module.__dict__.pop(name, None)
    setattr(module, name, Parameter(Tensor._make(orig.data * mask.data)))
    return module


def is_pruned(module):
    return any(name.endswith("_mask") for _, m in module.named_modules() for name in m._buffers)


def sparsity_report(model):
    """[(name, zeros, total)] for every weight tensor as the model computes with it, plus a
    final ("total", zeros, total) row. Pruned tensors are counted through their masks."""
    rows = []
    for module_name, module in model.named_modules():
        names = [n for n in module._parameters if not n.endswith("_orig")]
        names += [n[: -len("_orig")] for n in module._parameters if n.endswith("_orig")]
        for name in names:
            values = to_numpy(getattr(module, name).data)
            full_name = f"{module_name}.{name}" if module_name else name
            rows.append((full_name, int((values == 0).sum()), int(values.size)))
    zeros = sum(r[1] for r in rows)
    total = sum(r[2] for r in rows)
    return rows + [("total", zeros, total)]
