"""`F.batch_norm` and `F.layer_norm`: normalise, then scale by γ (weight) and shift by β (bias).

Both compute x̂ = (x - μ) / √(σ² + ε) (the fused `ops.normalization.Normalize`) and return
γ x̂ + β; they differ in which numbers share a μ and σ²:

    batch norm   each channel, over the batch and spatial dims: input (N, C, *) -> dims 0, 2, ...
    layer norm   each sample, over its last dims (`normalized_shape`)

Batch norm uses the biased σ² of the batch to normalise while training, and keeps running
averages for evaluation, when there may be no batch to average over (one image at a time):

    running_mean = (1 - momentum) · running_mean + momentum · μ
    running_var  = (1 - momentum) · running_var  + momentum · σ² · n / (n - 1)

(the unbiased variance, n the number of values per channel), as PyTorch does.
"""

from minigrad.ops.normalization import normalize


def _scale_and_shift(x_hat, weight, bias):
    out = x_hat if weight is None else x_hat * weight
    return out if bias is None else out + bias


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
    per_channel = (1, channels) + (1,) * (input.ndim - 2)
    if training:
        if input.numel() // max(channels, 1) <= 1:
            raise ValueError(
                f"batch_norm: expected more than 1 value per channel when training, got "
                f"input of shape {tuple(input.shape)}"
            )
        if running_mean is not None and running_var is not None:
            _update_running_stats(input, running_mean, running_var, axes, momentum)
        x_hat = normalize(input, axes, eps)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: evaluation needs running_mean and running_var")
        mean, var = running_mean.reshape(per_channel), running_var.reshape(per_channel)
        x_hat = (input - mean) / (var + eps).sqrt()
    weight = None if weight is None else weight.reshape(per_channel)
    bias = None if bias is None else bias.reshape(per_channel)
    return _scale_and_shift(x_hat, weight, bias)


def _update_running_stats(input, running_mean, running_var, axes, momentum):
    """The exponential moving averages above, written into the buffers (no graph)."""
    values = input.data
    count = values.size // values.shape[1]
    batch_mean = values.mean(axis=axes)
    unbiased_var = values.var(axis=axes) * (count / (count - 1))
    running_mean.data[...] = (1 - momentum) * running_mean.data + momentum * batch_mean
    running_var.data[...] = (1 - momentum) * running_var.data + momentum * unbiased_var
