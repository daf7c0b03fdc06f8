"""Vectors measured by their norms: `F.pairwise_distance`, `F.cosine_similarity` and
`F.normalize`, composed from the norm (whose gradient at a zero vector is 0, not nan),
division and sum.
"""

import math

import numpy as np

from minigrad.autograd import under_autocast
from minigrad.checks import broadcast_error, check_floating, normalize_dim
from minigrad.ops.elementwise import where
from minigrad.ops.reduce import norm
from minigrad.tensor import Tensor


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """‖x1 − x2 + ε‖_p along the last dim (after broadcasting x1 and x2).

    ε keeps the distance of two equal vectors away from 0, where the p-norm has no slope.
    p is a positive number or ±inf (PyTorch's p = 0, a count of the nonzero entries, is not
    taken: it has no gradient).
    """
    _check_pair("pairwise_distance", x1, x2)
    number = isinstance(p, (int, float)) and not isinstance(p, bool)
    if not (number and (p > 0 or p == -math.inf)):
        raise ValueError(f"pairwise_distance: p must be a positive number or ±inf, got {p!r}")
    return norm(x1 - x2 + eps, p, dim=-1, keepdim=keepdim)


@under_autocast("fp32")
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Σ x1·x2 / (max(‖x1‖, ε) · max(‖x2‖, ε)) along `dim` (after broadcasting).

    PyTorch 2's rule: each norm is floored at ε on its own (not their product), and each
    vector is divided by its norm before the product, which keeps the result in [−1, 1].
    PyTorch floors the norms in place under no_grad, so the floor passes the gradient of
    the norm itself; `at_least` does the same.
    """
    _check_pair("cosine_similarity", x1, x2)
    shape = np.broadcast_shapes(x1.shape, x2.shape)
    axis = normalize_dim("cosine_similarity", dim, len(shape), shape)
    x1, x2 = x1.broadcast_to(*shape), x2.broadcast_to(*shape)
    unit1 = x1 / at_least(norm(x1, 2, dim=axis, keepdim=True), eps)
    unit2 = x2 / at_least(norm(x2, 2, dim=axis, keepdim=True), eps)
    return (unit1 * unit2).sum(dim=axis)


@under_autocast("fp32")
def normalize(input, p=2.0, dim=1, eps=1e-12):
    """input / max(‖input‖_p, ε) along `dim`: unit vectors, and a zero vector stays zero.

    Unlike cosine_similarity, the floor here is an ordinary clamp (slope 0 below ε), as in
    PyTorch. PyTorch's `out=` is not taken.
    """
    check_floating("normalize", input)
    return input / norm(input, p, dim=dim, keepdim=True).clamp(min=eps)


def at_least(t, low):
    """max(t, low) in value, but with the gradient of t itself everywhere.

    The low branch is low + (t − t.detach()): the number `low` exactly, still connected to t.
    """
    return where(t >= low, t, t - t.detach() + low)


def _check_pair(op, x1, x2):
    """Two float tensors of one dtype whose shapes broadcast and have at least one dim."""
    for name, x in (("x1", x1), ("x2", x2)):
        if not isinstance(x, Tensor):
            raise TypeError(f"{op}: {name} must be a Tensor, got {type(x).__name__}")
        check_floating(op, x)
    if x1.dtype != x2.dtype:
        raise TypeError(f"{op}: x1 is {x1.dtype} but x2 is {x2.dtype}")
    error = broadcast_error(op, x1.shape, x2.shape)
    if error is not None:
        raise error
    if max(x1.ndim, x2.ndim) == 0:
        raise ValueError(f"{op}: x1 and x2 must have a dim to measure along, got 0-d tensors")
