"""`F.dropout`: zero each element with probability p while training; `F.dropout1d`,
`dropout2d`, `dropout3d`: zero whole channels (feature maps) instead, since neighbouring
positions of a map are so correlated that dropping single ones hardly regularises.
`F.alpha_dropout` / `feature_alpha_dropout`: the variant for SELU networks.

Inverted dropout: the kept elements are scaled by 1/(1-p) during training, so the expected
value of every element is unchanged and evaluation needs no rescaling (it is the identity).
The mask is drawn from the seeded generator, so a seeded run drops the same elements.

Alpha dropout sets a dropped element to SELU's saturation value α' = −λα ≈ −1.7581 instead
of 0 (a zero would be an ordinary activation there), then applies the affine map a·x + b
that brings a standard normal input back to mean 0 and variance 1 (Klambauer et al. 2017):

    a = ((1 − p)(1 + p·α'²))^(−1/2),   b = −a·α'·p
    out = a·x + b  where kept,   a·α' + b = −a·λα·(1 − p)  where dropped
"""

import math

import numpy as np

from minigrad.backend import to_device
from minigrad.random import generator
from minigrad.tensor import Tensor

SELU_SATURATION = 1.7580993408473766  # λα of SELU: a dropped unit is set to −λα


def check_probability(op, p):
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise ValueError(f"{op}: probability p must be between 0 and 1, got {p!r}")


def dropout(input, p=0.5, training=True, inplace=False):
    """`input` with elements zeroed with probability p and the rest scaled by 1/(1-p).

    `inplace` is accepted for PyTorch's signature; minigrad always returns a new tensor (so
    do all the dropouts here).
    """
    check_probability("dropout", p)
    return _dropout_with_mask_shape(input, p, training, input.shape)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Channels of (N, C, L), or of one unbatched sample (C, L), zeroed with probability p."""
    return _channel_dropout("dropout1d", input, p, training, spatial_dims=1)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Channels of (N, C, H, W) zeroed with probability p. A 3-D input is read as (N, C, L),
    as PyTorch 2 still does (with a warning there), not as an unbatched (C, H, W)."""
    if input.ndim not in (3, 4):
        raise ValueError(
            f"dropout2d: expected an input (N, C, H, W) or (N, C, L), got shape "
            f"{tuple(input.shape)}"
        )
    return _channel_dropout("dropout2d", input, p, training, spatial_dims=input.ndim - 2)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Channels of (N, C, D, H, W), or of one unbatched (C, D, H, W), zeroed with
    probability p."""
    return _channel_dropout("dropout3d", input, p, training, spatial_dims=3)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Each element dropped to SELU's saturation with probability p, then a·x + b (see the
    module docstring). `training` defaults to False, as in PyTorch."""
    check_probability("alpha_dropout", p)
    return _alpha_dropout_with_mask_shape(input, p, training, input.shape)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels of (N, C, ...): one draw per sample and channel."""
    check_probability("feature_alpha_dropout", p)
    if input.ndim < 2:
        raise ValueError(
            f"feature_alpha_dropout: expected an input (N, C, ...) of at least 2 dims, got "
            f"shape {tuple(input.shape)}"
        )
    return _alpha_dropout_with_mask_shape(input, p, training, _channel_mask_shape(input, 1))


def _channel_dropout(op, input, p, training, spatial_dims):
    """One draw per channel of (N, C, *spatial) or of an unbatched (C, *spatial)."""
    check_probability(op, p)
    batched, unbatched = spatial_dims + 2, spatial_dims + 1
    if input.ndim not in (unbatched, batched):
        spatial = ", ".join("DHW"[3 - spatial_dims:]) if spatial_dims > 1 else "L"
        raise ValueError(
            f"{op}: expected an input (N, C, {spatial}) or unbatched (C, {spatial}), got "
            f"shape {tuple(input.shape)}"
        )
    channel_axis = 1 if input.ndim == batched else 0
    return _dropout_with_mask_shape(input, p, training, _channel_mask_shape(input, channel_axis))


def _channel_mask_shape(input, channel_axis):
    """The input's shape up to its channel axis, then 1s: a mask that covers whole maps."""
    return tuple(input.shape[: channel_axis + 1]) + (1,) * (input.ndim - channel_axis - 1)


def _dropout_with_mask_shape(input, p, training, mask_shape):
    """One keep-or-drop draw per element of a mask of `mask_shape`, broadcast over input."""
    if not training or p == 0:
        return input
    if p == 1:
        return input * 0.0
    keep = _keep_mask(p, mask_shape)
    return input * _mask_tensor(keep * (1 / (1 - p)), input)


def _alpha_dropout_with_mask_shape(input, p, training, mask_shape):
    if not training or p == 0:
        return input
    if p == 1:
        return input * 0.0  # as PyTorch: all dropped gives zeros, not the saturation value
    a = 1 / math.sqrt((1 - p) * (1 + p * SELU_SATURATION**2))
    keep = _keep_mask(p, mask_shape)
    shift = a * SELU_SATURATION * (p - 1 + keep)  # b where kept, a·α' + b where dropped
    return input * _mask_tensor(a * keep, input) + _mask_tensor(shift, input)


def _keep_mask(p, mask_shape):
    """1.0 with probability 1 − p, else 0.0, drawn on the host from the seeded generator."""
    return (generator().random(mask_shape, dtype=np.float32) >= p).astype(np.float64)


def _mask_tensor(values, like):
    """Host numbers as a constant tensor of `like`'s dtype on its device."""
    return Tensor._make(to_device(values.astype(like.dtype), like.device))
