"""`F.dropout`: zero each element with probability p while training; `F.dropout2d`: zero
whole channels (feature maps) instead, since neighbouring pixels of a map are so correlated
that dropping single ones hardly regularises.

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
    return _dropout_with_mask_shape(input, p, training, input.shape)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """`input` (N, C, H, W) with each channel of each sample zeroed with probability p and
    the rest scaled by 1/(1-p). A 3-D input is read as (N, C, L), as PyTorch 2 still does
    (with a warning there)."""
    check_probability("dropout2d", p)
    if input.ndim not in (3, 4):
        raise ValueError(
            f"dropout2d: expected an input (N, C, H, W) or (N, C, L), got shape "
            f"{tuple(input.shape)}"
        )
    mask_shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    return _dropout_with_mask_shape(input, p, training, mask_shape)


def _dropout_with_mask_shape(input, p, training, mask_shape):
    """One keep-or-drop draw per element of a mask of `mask_shape`, broadcast over input."""
    if not training or p == 0:
        return input
    if p == 1:
        return input * 0.0
    keep = generator().random(mask_shape, dtype=np.float32) >= p
    scaled_mask = keep.astype(input.dtype) * (1 / (1 - p))
    return input * Tensor._make(to_device(scaled_mask, input.device))
