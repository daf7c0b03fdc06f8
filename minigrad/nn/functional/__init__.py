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
from minigrad.nn.functional.dropout import (  # noqa: F401
    alpha_dropout,
    dropout,
    dropout1d,
    dropout2d,
    dropout3d,
    feature_alpha_dropout,
)
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
# more activations, distances, normalize, one_hot, local response norm, margin, likelihood
# and CTC losses
from minigrad.nn.functional.activation import (  # noqa: F401
    celu,
    hardshrink,
    hardsigmoid,
    hardswish,
    logsigmoid,
    prelu,
    relu6,
    rrelu,
    softshrink,
    tanhshrink,
    threshold,
)
from minigrad.nn.functional.activation_along_dim import glu, gumbel_softmax, softmin  # noqa: F401
from minigrad.nn.functional.ctc_loss import ctc_loss  # noqa: F401
from minigrad.nn.functional.distance import (  # noqa: F401
    cosine_similarity,
    normalize,
    pairwise_distance,
)
from minigrad.nn.functional.likelihood_loss import gaussian_nll_loss, poisson_nll_loss  # noqa: F401
from minigrad.nn.functional.local_response_norm import local_response_norm  # noqa: F401
from minigrad.nn.functional.margin_loss import (  # noqa: F401
    cosine_embedding_loss,
    hinge_embedding_loss,
    margin_ranking_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    soft_margin_loss,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)
from minigrad.nn.functional.sparse import one_hot  # noqa: F401
# 3-D (volumetric) convs and pools
from minigrad.ops.adaptive_pool import adaptive_avg_pool3d, adaptive_max_pool3d  # noqa: F401
from minigrad.ops.conv import conv3d  # noqa: F401
from minigrad.ops.conv_transpose import conv_transpose3d  # noqa: F401
from minigrad.ops.pool import avg_pool3d, max_pool3d  # noqa: F401
