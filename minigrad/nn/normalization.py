"""Normalisation layers: BatchNorm1d/2d/3d (per channel, over the batch), InstanceNorm1d/2d/3d
(per sample and channel), GroupNorm (per sample and group of channels),
LayerNorm and RMSNorm (per sample, over its last dims). The maths is in
`nn.functional.normalization`.

State dict names are PyTorch's: `weight` (γ, ones) and `bias` (β, zeros) when affine, and for
batch and instance norm the buffers `running_mean` (zeros), `running_var` (ones) and
`num_batches_tracked` (instance norm only with track_running_stats=True).
"""

from minigrad import dtypes
from minigrad.creation import empty, ones, tensor, zeros
from minigrad.nn import functional as F
from minigrad.nn import init
from minigrad.nn.module import Module, Parameter
from minigrad.ops.window_args import SPATIAL_AXES, on_image_batch


class _BatchNorm(Module):
    """Shared by BatchNorm1d/2d/3d, which differ only in the input dims they take.

    Training mode normalises with the batch's statistics and updates the running averages
    (momentum=None averages all batches seen equally instead); eval mode uses the running
    averages. With track_running_stats=False there are none, and batch statistics are used
    in both modes.
    """

    input_dims = ()  # the ranks a subclass accepts
    input_layout = ""  # how they read, for error messages

    def __init__(
        self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
        device=None, dtype=None,
    ):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(empty(num_features, device=device, dtype=dtype))
            self.bias = Parameter(empty(num_features, device=device, dtype=dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", ones(num_features, device=device, dtype=dtype))
            self.register_buffer(
                "num_batches_tracked", tensor(0, dtype=dtypes.int64, device=device)
            )
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)
        self.reset_parameters()

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            init.zeros_(self.bias)

    def forward(self, input):
        if input.ndim not in self.input_dims or input.shape[1] != self.num_features:
            raise ValueError(
                f"{type(self).__name__}({self.num_features}): expected input "
                f"{self.input_layout} with C={self.num_features}, got shape "
                f"{tuple(input.shape)}"
            )
        average_factor = self._count_batch_and_average_factor()
        use_batch_stats = self.training or self.running_mean is None
        # in training without tracking, no running stats are passed, so none are updated
        tracks = not self.training or self.track_running_stats
        return F.batch_norm(
            input,
            self.running_mean if tracks else None,
            self.running_var if tracks else None,
            self.weight,
            self.bias,
            use_batch_stats,
            average_factor,
            self.eps,
        )

    def _count_batch_and_average_factor(self):
        """The weight of this batch in the running averages (0 when none are updated)."""
        if not (self.training and self.track_running_stats):
            return 0.0
        self.num_batches_tracked += 1
        if self.momentum is None:
            return 1.0 / self.num_batches_tracked.item()
        return self.momentum

    def extra_repr(self):
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch norm for (N, C) features or (N, C, L) sequences."""

    input_dims = (2, 3)
    input_layout = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch norm for (N, C, H, W) images: one mean and variance per channel."""

    input_dims = (4,)
    input_layout = "(N, C, H, W)"


class BatchNorm3d(_BatchNorm):
    """Batch norm for (N, C, D, H, W) volumes: one mean and variance per channel."""

    input_dims = (5,)
    input_layout = "(N, C, D, H, W)"


class _InstanceNorm(_BatchNorm):
    """Normalises each channel of each sample over its spatial dims: InstanceNorm1d/2d/3d, on
    (N, C, *spatial) or one sample (C, *spatial).

    The running statistics work as batch norm's (hence the shared base), but are off by
    default, as are γ and β: affine=False, track_running_stats=False, as in PyTorch. As in
    PyTorch, they move by `momentum` (momentum=None: not at all), and num_batches_tracked
    stays 0.
    """

    spatial_dims = None  # 1 for sequences, 2 for images, 3 for volumes

    def __init__(
        self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False,
        device=None, dtype=None,
    ):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype)

    def forward(self, input):
        dims = self.spatial_dims
        if input.ndim not in (dims + 1, dims + 2) or input.shape[-dims - 1] != self.num_features:
            axes = SPATIAL_AXES[dims]
            raise ValueError(
                f"{type(self).__name__}({self.num_features}): expected input (N, C, {axes}) or "
                f"(C, {axes}) with C={self.num_features}, got shape {tuple(input.shape)}"
            )
        average_factor = 0.0 if self.momentum is None else self.momentum
        use_input_stats = self.training or not self.track_running_stats
        return on_image_batch(input, lambda batch: F.instance_norm(
            batch, self.running_mean, self.running_var, self.weight, self.bias,
            use_input_stats, average_factor, self.eps,
        ), dims)


class InstanceNorm1d(_InstanceNorm):
    """Instance norm for sequences (N, C, L) or (C, L)."""

    spatial_dims = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance norm for images (N, C, H, W) or (C, H, W)."""

    spatial_dims = 2


class InstanceNorm3d(_InstanceNorm):
    """Instance norm for volumes (N, C, D, H, W) or (C, D, H, W)."""

    spatial_dims = 3


class GroupNorm(Module):
    """Normalises each sample (N, C, *) in num_groups groups of channels, then scales and
    shifts each channel (weight ones, bias zeros, when affine). Independent of the batch, so
    it behaves the same in training and evaluation and with a batch of one."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None):
        super().__init__()
        if num_channels % num_groups:
            raise ValueError(
                f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups "
                f"({num_groups})"
            )
        self.num_groups, self.num_channels, self.eps, self.affine = (
            num_groups, num_channels, eps, affine
        )
        if affine:
            self.weight = Parameter(ones(num_channels, device=device, dtype=dtype))
            self.bias = Parameter(zeros(num_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input):
        if input.ndim < 2 or input.shape[1] != self.num_channels:
            raise ValueError(
                f"GroupNorm({self.num_groups}, {self.num_channels}): expected input (N, C, *) "
                f"with C={self.num_channels}, got shape {tuple(input.shape)}"
            )
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"


class RMSNorm(Module):
    """x / √(mean(x²) + ε) · weight over the last dims, `normalized_shape`: layer norm without
    the centring and the bias (as in LLaMA). eps=None uses the machine epsilon of the input's
    dtype."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None,
                 dtype=None):
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape, self.eps = tuple(normalized_shape), eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(ones(self.normalized_shape, device=device, dtype=dtype))
        else:
            self.register_parameter("weight", None)

    def forward(self, input):
        return F.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}"
        )


class LayerNorm(Module):
    """Normalises each sample over its last dims, `normalized_shape` (an int or a tuple)."""

    def __init__(
        self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None,
        dtype=None,
    ):
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape, self.eps = tuple(normalized_shape), eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(empty(self.normalized_shape, device=device, dtype=dtype))
        else:
            self.register_parameter("weight", None)
        if elementwise_affine and bias:
            self.bias = Parameter(empty(self.normalized_shape, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}"
        )


class LocalResponseNorm(Module):
    """Each channel divided by (k + α/n · Σ of the squares of its n = size neighbours)^β."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input):
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
