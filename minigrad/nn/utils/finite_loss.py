"""Stop training at the first NaN or infinite loss, and say at which step.

One NaN in the loss makes every gradient NaN, the optimizer step then writes NaN into every
weight, and from there on the run trains nothing while still printing "loss nan" each
epoch. Checking the loss before `backward()` catches it at the step where it happened,
while the weights are still intact and the cause is still close.
"""

import math

from minigrad.tensor import Tensor


def check_finite(loss, step=None):
    """The loss as a Python float; FloatingPointError if it is NaN or ±inf.

    `loss` is a one-element Tensor or a number; `step` (an int, or any label such as
    "epoch 3, batch 17") is named in the error.
    """
    if isinstance(loss, Tensor):
        if loss.numel() != 1:
            raise ValueError(
                f"check_finite: expected a loss with one element, got shape {tuple(loss.shape)}"
            )
        loss = loss.item()
    value = float(loss)
    if not math.isfinite(value):
        where = f" at step {step}" if step is not None else ""
        raise FloatingPointError(
            f"loss became {value}{where}: stopping before it turns every gradient and weight "
            "into nan. Usual causes: a learning rate so large that the loss grew first, a log "
            "or division of 0 (use the fused losses on logits), or NaN in the input data."
        )
    return value
