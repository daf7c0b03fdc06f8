"""`F.dropout`: zero each element with probability p while training.

Inverted dropout: the kept elements are scaled by 1/(1-p) during training, so the expected
value of every element is unchanged and evaluation needs no rescaling (it is the identity).
The mask is drawn from the seeded generator, so a seeded run drops the same elements.
"""

import numpy as np

from minigrad.backend import to_device
from minigrad.random import generator
from minigrad.tensor import Tensor


def check_probability(op, p):
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise ValueError(f"{op}: probability p must be between 0 and 1, got {p!r}")


def dropout(input, p=0.5, training=True, inplace=False):
    """`input` with elements zeroed with probability p and the rest scaled by 1/(1-p).

    `inplace` is accepted for PyTorch's signature; minigrad always returns a new tensor.
    """
    check_probability("dropout", p)
    if not training or p == 0:
        return input
    if p == 1:
        return input * 0.0
    keep = generator().random(input.shape, dtype=np.float32) >= p
    scaled_mask = keep.astype(input.dtype) * (1 / (1 - p))
    return input * Tensor._make(to_device(scaled_mask, input.device))
