"""`F.batch_norm`, `F.layer_norm`, `F.group_norm`, `F.instance_norm` and `F.rms_norm`:
normalise, then scale by γ (weight) and shift by β (bias).

All but RMS norm compute x̂ = (x - μ) / √(σ² + ε) (the fused `ops.normalization.Normalize`)
and return γ x̂ + β; they differ in which numbers share a μ and σ²:

    batch norm     each channel, over the batch and spatial dims: input (N, C, *) -> dims 0, 2, ...
    layer norm     each sample, over its last dims (`normalized_shape`)
    group norm     each sample's group of C/G channels, over those channels and spatial dims
    instance norm  each sample's channel, over its spatial dims

RMS norm does not centre: x / √(mean(x²) + ε) · γ over the last dims, so it is composed.

Batch norm uses the biased σ² of the batch to normalise while training, and keeps running
averages for evaluation, when there may be no batch to average over (one image at a time):

    running_mean = (1 - momentum) · running_mean + momentum · μ
    running_var  = (1 - momentum) · running_var  + momentum · σ² · n / (n - 1)

(the unbiased variance, n the number of values per channel), as PyTorch does.
"""

import numpy as np

from minigrad.autograd import under_autocast
from minigrad.ops.normalization import normalize


def _scale_and_shift(x_hat, weight, bias):
    out = x_hat if weight is None else x_hat * weight
    return out if bias is None else out + bias


@under_autocast("fp32")
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise each sample over its last len(normalized_shape) dims."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    first = input.ndim - len(shape)
    if first < 0 or tuple(input.shape[first:]) != shape:
        raise ValueError(
            f"layer_norm: input of shape {tuple(input.shape)} does not end in "
            f"normalized_shape {shape}"
        )
    x_hat = normalize(input, range(first, input.ndim), eps)
    return _scale_and_shift(x_hat, weight, bias)


def batch_norm(
    input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
    eps=1e-5,
):
    """Normalise each channel (dim 1) of `input` (N, C, *).

    Training: with the batch's statistics, updating `running_mean`/`running_var` in place if
    given. Evaluation: with the running statistics.
    """
    if input.ndim < 2:
        raise ValueError(
            f"batch_norm: expected an input (N, C, *) with at least 2 dims, got shape "
            f"{tuple(input.shape)}"
        )
    channels = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (channels,):
            raise ValueError(
                f"batch_norm: input of shape {tuple(input.shape)} has {channels} channels "
                f"(dim 1), but {name} has shape {tuple(t.shape)}"
            )
    axes = (0,) + tuple(range(2, input.ndim))
    if training:
        if input.numel() // max(channels, 1) <= 1:
            raise ValueError(
                f"batch_norm: expected more than 1 value per channel when training, got "
                f"input of shape {tuple(input.shape)}"
            )
        if running_mean is not None and running_var is not None:
            _update_running_stats(running_mean, running_var, *_batch_stats(input, axes), momentum)
        x_hat = normalize(input, axes, eps)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: evaluation needs running_mean and running_var")
        x_hat = _normalize_with_running_stats(input, running_mean, running_var, eps)
    return _scale_and_shift_channels(x_hat, weight, bias)


def instance_norm(
    input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
    momentum=0.1, eps=1e-5,
):
    """Normalise each channel of each sample of `input` (N, C, *) over its spatial dims.

    With use_input_stats and running stats given, the running stats move towards the
    instances' statistics averaged over the batch (as PyTorch does); without
    use_input_stats, the running stats normalise instead.
    """
    if input.ndim < 3:
        raise ValueError(
            f"instance_norm: expected an input (N, C, *) with spatial dims, got shape "
            f"{tuple(input.shape)}"
        )
    axes = tuple(range(2, input.ndim))
    if not use_input_stats:
        x_hat = _normalize_with_running_stats(input, running_mean, running_var, eps)
        return _scale_and_shift_channels(x_hat, weight, bias)
    count = input.numel() // (input.shape[0] * input.shape[1])
    if count <= 1:
        raise ValueError(
            f"instance_norm: expected more than 1 spatial element when training, got input "
            f"of shape {tuple(input.shape)}"
        )
    if running_mean is not None and running_var is not None:
        values = input.data
        instance_var = values.var(axis=axes) * (count / (count - 1))
        _update_running_stats(running_mean, running_var, values.mean(axis=axes).mean(axis=0),
                              instance_var.mean(axis=0), momentum)
    return _scale_and_shift_channels(normalize(input, axes, eps), weight, bias)


@under_autocast("fp32")
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Normalise each sample of `input` (N, C, *) in num_groups groups of C/num_groups
    channels (statistics over a group's channels and spatial dims)."""
    if input.ndim < 2 or input.shape[1] % num_groups:
        raise ValueError(
            f"group_norm: expected an input (N, C, *) with C divisible by num_groups="
            f"{num_groups}, got shape {tuple(input.shape)}"
        )
    grouped = input.reshape(input.shape[0], num_groups, -1)
    x_hat = normalize(grouped, (2,), eps).reshape(input.shape)
    return _scale_and_shift_channels(x_hat, weight, bias)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """x / √(mean(x²) + ε) · weight over the last len(normalized_shape) dims; eps=None is
    the machine epsilon of the input's dtype, as in PyTorch."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    first = input.ndim - len(shape)
    if first < 0 or tuple(input.shape[first:]) != shape:
        raise ValueError(
            f"rms_norm: input of shape {tuple(input.shape)} does not end in "
            f"normalized_shape {shape}"
        )
    eps = float(np.finfo(input.dtype).eps) if eps is None else eps
    mean_square = (input * input).mean(dim=tuple(range(first, input.ndim)), keepdim=True)
    out = input / (mean_square + eps).sqrt()
    return out if weight is None else out * weight


def _per_channel_shape(input):
    return (1, input.shape[1]) + (1,) * (input.ndim - 2)


def _normalize_with_running_stats(input, running_mean, running_var, eps):
    per_channel = _per_channel_shape(input)
    mean, var = running_mean.reshape(per_channel), running_var.reshape(per_channel)
    return (input - mean) / (var + eps).sqrt()


def _scale_and_shift_channels(x_hat, weight, bias):
    """γ x̂ + β with one γ and β per channel (dim 1)."""
    per_channel = _per_channel_shape(x_hat)
    weight = None if weight is None else weight.reshape(per_channel)
    bias = None if bias is None else bias.reshape(per_channel)
    return _scale_and_shift(x_hat, weight, bias)


def _batch_stats(input, axes):
    """The batch's mean and unbiased variance per channel, as numpy/CuPy arrays."""
    values = input.data
    count = values.size // values.shape[1]
    return values.mean(axis=axes), values.var(axis=axes) * (count / (count - 1))


def _update_running_stats(running_mean, running_var, mean, unbiased_var, momentum):
    """The exponential moving averages above, written into the buffers (no graph)."""
    running_mean.data[...] = (1 - momentum) * running_mean.data + momentum * mean
    running_var.data[...] = (1 - momentum) * running_var.data + momentum * unbiased_var
