"""Activations that act along one dim rather than on each number alone: softmin, glu and
gumbel_softmax. All three are composed from softmax, sigmoid and the movement ops, so their
gradients come from ops already checked.
"""

import numpy as np

from minigrad.backend import array_module, to_device
from minigrad.checks import normalize_dim
from minigrad.ops.elementwise import sigmoid
from minigrad.ops.softmax import softmax
from minigrad.random import generator
from minigrad.tensor import Tensor


def softmin(input, dim):
    """softmax(−x) along `dim`: the smallest entry gets the largest probability.

    `dim` must be given, as for minigrad's softmax (PyTorch guesses one, with a warning).
    """
    return softmax(-input, dim)


def glu(input, dim=-1):
    """Gated linear unit: a · σ(b), where a and b are the first and second half of `input`
    along `dim` (whose size must be even)."""
    if input.ndim == 0:
        raise ValueError("glu: input must have a dim to halve, got a 0-d tensor")
    axis = normalize_dim("glu", dim, input.ndim, input.shape)
    if input.shape[axis] % 2:
        raise ValueError(
            f"glu: dim {dim} of shape {tuple(input.shape)} has size {input.shape[axis]}, "
            "which cannot be halved (it must be even)"
        )
    a, b = input.chunk(2, axis)
    return a * sigmoid(b)


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """A differentiable sample from the categorical distribution softmax(logits).

    softmax((logits + G) / τ) along `dim`, with G = −log E, E ~ Exponential(1), Gumbel(0, 1)
    noise drawn from minigrad's seeded generator: its argmax is distributed as
    softmax(logits), and τ → 0 makes it one-hot. hard=True returns that one-hot vector
    while the gradient is the soft sample's (straight-through): the value is
    y_hard − y_soft + y_soft with the first y_soft detached. `eps` is unused (deprecated in
    PyTorch too).
    """
    axis = normalize_dim("gumbel_softmax", dim, logits.ndim, logits.shape)
    exponential = generator().standard_exponential(logits.shape).astype(logits.dtype)
    gumbels = Tensor._make(to_device(-np.log(exponential), logits.device))  # drawn on the host
    y_soft = softmax((logits + gumbels) / tau, axis)
    if not hard:
        return y_soft
    xp = array_module(y_soft.data)
    winner = xp.expand_dims(y_soft.data.argmax(axis=axis), axis)
    classes = xp.arange(logits.shape[axis]).reshape(
        tuple(-1 if i == axis else 1 for i in range(logits.ndim))
    )
    y_hard = Tensor._make((winner == classes).astype(logits.dtype))
    return (y_hard - y_soft.detach()) + y_soft
