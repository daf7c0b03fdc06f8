"""Negative log-likelihoods of a count (Poisson) and of a real value (Gaussian), with the
names and arguments of `torch.nn.functional`. Both are composed from ops, so their gradients
follow from the ops'; both drop the terms that do not depend on the prediction unless
full=True.
"""

import math

from minigrad.autograd import under_autocast
from minigrad.nn.functional import loss_checks as checks
from minigrad.nn.functional.distance import at_least
from minigrad.nn.functional.loss import _reduce
from minigrad.ops import elementwise as ops
from minigrad.tensor import Tensor


@under_autocast("fp32")
def poisson_nll_loss(input, target, log_input=True, full=False, *, eps=1e-8, reduction="mean"):
    """−log P(target | rate λ) of a Poisson distribution, without the log(target!) term:

        log_input=True:   e^x − y·x       (input x = log λ, which can be any real number)
        log_input=False:  x − y·log(x + ε) (input x = λ ≥ 0)

    full=True adds Stirling's approximation of log(y!), y·log y − y + ½·log(2πy), for the
    targets y > 1 (PyTorch's rule; it is 0 for y ≤ 1).
    """
    op = "poisson_nll_loss"
    checks.check_reduction(op, reduction)
    checks.check_pair(op, input, target)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        above_one = target > 1
        # y = 1 where the term is not used: log 1 = 0, so no log 0 = −inf (nor a nan gradient)
        y = ops.where(above_one, target, 1.0)
        stirling = y * y.log() - y + 0.5 * (2 * math.pi * y).log()
        loss = loss + ops.where(above_one, stirling, 0.0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """−log N(target | mean = input, variance = var), without ½·log(2π) unless full=True:

        ½·(log max(var, ε) + (input − target)² / max(var, ε))

    var has the input's shape (one variance per prediction), or the input's shape with the
    last dim missing or any one dim of size 1 (shared along it), or is a number ≥ 0. As in
    PyTorch, the floor ε changes the value only: the gradient is that of var itself.
    """
    op = "gaussian_nll_loss"
    checks.check_reduction(op, reduction)
    checks.check_pair(op, input, target)
    var = _variance(op, var, input)
    if bool((var.data < 0).any()):
        raise ValueError(f"{op}: var has negative entries")
    var = at_least(var, eps)
    difference = input - target
    loss = 0.5 * (var.log() + difference * difference / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def _variance(op, var, input):
    """var as a tensor that broadcasts to the input by the rules in gaussian_nll_loss."""
    if isinstance(var, (int, float)) and not isinstance(var, bool):
        return ops.as_tensor_like(float(var), input).expand(*input.shape)
    if not isinstance(var, Tensor):
        raise TypeError(f"{op}: var must be a Tensor or a number, got {type(var).__name__}")
    checks.check_target_tensor(op, var, input)
    if var.dtype != input.dtype:
        raise TypeError(f"{op}: input is {input.dtype} but var is {var.dtype}")
    if var.shape == input.shape:
        return var
    if var.shape == input.shape[:-1]:
        return var.unsqueeze(-1)
    mismatched = [v for v, n in zip(var.shape, input.shape) if v != n]
    if var.ndim == input.ndim and mismatched == [1]:
        return var
    raise ValueError(
        f"{op}: var of shape {tuple(var.shape)} does not fit the input's shape "
        f"{tuple(input.shape)} (expected that shape, that shape without its last dim, or "
        "that shape with one dim of size 1)"
    )
