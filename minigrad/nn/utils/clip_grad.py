"""Gradient clipping: keep one bad batch from throwing the parameters far away.

Call between `loss.backward()` and `optimizer.step()`:

    total_norm = clip_grad_norm_(model.parameters(), max_norm=1.0)

`clip_grad_norm_` treats all gradients as one long vector g. If its norm ‖g‖ exceeds max_norm,
every gradient is multiplied by max_norm / ‖g‖: the direction is kept, only the step shrinks.
`clip_grad_value_` instead clamps each element to [−clip_value, clip_value], which can change
the direction. Both change `p.grad` in place, as PyTorch's functions of the same names do.
"""

import math

from minigrad.backend import array_module
from minigrad.tensor import Tensor


def _gradients(parameters):
    """The gradient arrays of a tensor or an iterable of tensors, skipping missing ones."""
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p.grad.data for p in params if p.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale gradients so their combined `norm_type`-norm is at most `max_norm`.

    The combined norm is (Σ over every element of every gradient |gᵢ|^p)^(1/p), the max |gᵢ|
    for norm_type=inf. Returns it, measured BEFORE clipping, as a 0-d tensor (worth logging:
    a rising gradient norm is an early sign of a diverging run). float16 gradients are
    measured in float32, since their squares overflow float16 past 256.
    """
    grads = _gradients(parameters)
    norm_type = float(norm_type)
    if not grads:
        return Tensor(0.0)
    xp = array_module(grads[0])
    norms = [
        xp.linalg.norm(g.ravel().astype(xp.result_type(g.dtype, xp.float32)), norm_type)
        for g in grads
    ]
    total = xp.linalg.norm(xp.stack(norms), norm_type)
    if error_if_nonfinite and not math.isfinite(float(total)):
        raise RuntimeError(
            f"clip_grad_norm_: the total {norm_type}-norm of the gradients is {float(total)}; "
            "pass error_if_nonfinite=False to clip anyway"
        )
    # the 1e-6 keeps the ratio finite for an all-zero gradient (PyTorch adds the same)
    clip_coef = float(max_norm) / (float(total) + 1e-6)
    if clip_coef < 1.0:
        for g in grads:
            g *= clip_coef
    return Tensor(total)


def clip_grad_value_(parameters, clip_value):
    """Clamp every gradient element into [−clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    for g in _gradients(parameters):
        array_module(g).clip(g, -clip_value, clip_value, out=g)
