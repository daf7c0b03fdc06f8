"""`minigrad.nn.functional` (import as F): stateless functions that layers are built from."""

from minigrad.nn.functional.activation import (  # noqa: F401
    elu,
    gelu,
    hardtanh,
    leaky_relu,
    log_softmax,
    mish,
    relu,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    softsign,
    tanh,
)
from minigrad.nn.functional.conv import conv1d  # noqa: F401
from minigrad.nn.functional.dropout import dropout, dropout2d  # noqa: F401
from minigrad.nn.functional.linear import linear  # noqa: F401
from minigrad.nn.functional.normalization import (  # noqa: F401
    batch_norm,
    group_norm,
    instance_norm,
    layer_norm,
    rms_norm,
)
from minigrad.nn.functional.sparse import embedding  # noqa: F401
from minigrad.ops.adaptive_pool import adaptive_avg_pool2d, adaptive_max_pool2d  # noqa: F401
from minigrad.ops.attention import scaled_dot_product_attention  # noqa: F401
from minigrad.ops.conv import conv2d  # noqa: F401
from minigrad.ops.padding import pad  # noqa: F401
from minigrad.ops.pool import avg_pool2d, max_pool2d  # noqa: F401
from minigrad.nn.functional.loss import (  # noqa: F401
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    kl_div,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
)
# transposed convs, 1-D pools, resizing, rearranging and folding images, bilinear,
# embedding_bag
from minigrad.nn.functional.bilinear import bilinear  # noqa: F401
from minigrad.nn.functional.conv import conv_transpose1d  # noqa: F401
from minigrad.nn.functional.embedding_bag import embedding_bag  # noqa: F401
from minigrad.nn.functional.pooling import (  # noqa: F401
    adaptive_avg_pool1d,
    adaptive_max_pool1d,
    avg_pool1d,
    max_pool1d,
)
from minigrad.nn.functional.shuffle import (  # noqa: F401
    channel_shuffle,
    pixel_shuffle,
    pixel_unshuffle,
)
from minigrad.ops.conv_transpose import conv_transpose2d  # noqa: F401
from minigrad.ops.fold import fold, unfold  # noqa: F401
from minigrad.ops.interpolate import interpolate  # noqa: F401
