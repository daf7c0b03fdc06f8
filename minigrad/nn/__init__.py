"""`minigrad.nn`: layers and the functional API, named as in `torch.nn`."""

from minigrad.nn import functional, init, utils  # noqa: F401
from minigrad.nn.activation import (  # noqa: F401
    ELU,
    GELU,
    SELU,
    Hardtanh,
    LeakyReLU,
    LogSoftmax,
    Mish,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Softsign,
    Tanh,
)
from minigrad.nn.attention import MultiheadAttention  # noqa: F401
from minigrad.nn.containers import ModuleDict, ModuleList, Sequential  # noqa: F401
from minigrad.nn.conv import Conv1d, Conv2d  # noqa: F401
from minigrad.nn.dropout import (  # noqa: F401
    AlphaDropout,
    Dropout,
    Dropout1d,
    Dropout2d,
    Dropout3d,
    FeatureAlphaDropout,
)
from minigrad.nn.flatten import Flatten, Unflatten  # noqa: F401
from minigrad.nn.linear import Identity, Linear  # noqa: F401
from minigrad.nn.module import Module, Parameter  # noqa: F401
from minigrad.nn.parameter_containers import ParameterDict, ParameterList  # noqa: F401
from minigrad.nn.normalization import (  # noqa: F401
    BatchNorm1d,
    BatchNorm2d,
    GroupNorm,
    InstanceNorm2d,
    LayerNorm,
    RMSNorm,
)
from minigrad.nn.pooling import (  # noqa: F401
    AdaptiveAvgPool2d,
    AdaptiveMaxPool2d,
    AvgPool2d,
    MaxPool2d,
)
from minigrad.nn.rnn import GRU, LSTM, RNN  # noqa: F401
from minigrad.nn.rnn_cell import GRUCell, LSTMCell, RNNCell  # noqa: F401
from minigrad.nn.sparse import Embedding  # noqa: F401
from minigrad.nn.transformer import (  # noqa: F401
    LearnedPositionalEmbedding,
    SinusoidalPositionalEncoding,
    TransformerEncoder,
    TransformerEncoderLayer,
)
from minigrad.nn.transformer_decoder import TransformerDecoder, TransformerDecoderLayer  # noqa: F401
from minigrad.nn.transformer_model import Transformer  # noqa: F401
from minigrad.nn.loss import (  # noqa: F401
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
# transposed convs, 1-D pools, padding, resizing, rearranging and folding images, Bilinear,
# EmbeddingBag
from minigrad.nn.conv_transpose import ConvTranspose1d, ConvTranspose2d  # noqa: F401
from minigrad.nn.fold import Fold, Unfold  # noqa: F401
from minigrad.nn.linear import Bilinear  # noqa: F401
from minigrad.nn.padding import (  # noqa: F401
    CircularPad1d,
    CircularPad2d,
    ConstantPad1d,
    ConstantPad2d,
    ReflectionPad1d,
    ReflectionPad2d,
    ReplicationPad1d,
    ReplicationPad2d,
    ZeroPad1d,
    ZeroPad2d,
)
from minigrad.nn.pooling import (  # noqa: F401
    AdaptiveAvgPool1d,
    AdaptiveMaxPool1d,
    AvgPool1d,
    MaxPool1d,
)
from minigrad.nn.shuffle import ChannelShuffle, PixelShuffle, PixelUnshuffle  # noqa: F401
from minigrad.nn.sparse import EmbeddingBag  # noqa: F401
from minigrad.nn.upsampling import (  # noqa: F401
    Upsample,
    UpsamplingBilinear2d,
    UpsamplingNearest2d,
)
# more activations, distance layers, local response norm, margin, likelihood and CTC losses
from minigrad.nn.activation import (  # noqa: F401
    CELU,
    GLU,
    Hardshrink,
    Hardsigmoid,
    Hardswish,
    LogSigmoid,
    PReLU,
    ReLU6,
    RReLU,
    Softmax2d,
    Softmin,
    Softshrink,
    Tanhshrink,
    Threshold,
)
from minigrad.nn.distance import CosineSimilarity, PairwiseDistance  # noqa: F401
from minigrad.nn.loss import (  # noqa: F401
    CosineEmbeddingLoss,
    CTCLoss,
    GaussianNLLLoss,
    HingeEmbeddingLoss,
    MarginRankingLoss,
    MultiLabelMarginLoss,
    MultiLabelSoftMarginLoss,
    MultiMarginLoss,
    PoissonNLLLoss,
    SoftMarginLoss,
    TripletMarginLoss,
    TripletMarginWithDistanceLoss,
)
from minigrad.nn.normalization import LocalResponseNorm  # noqa: F401
# 3-D (volumetric) layers, and the 1-D and 3-D norms
from minigrad.nn.conv import Conv3d  # noqa: F401
from minigrad.nn.conv_transpose import ConvTranspose3d  # noqa: F401
from minigrad.nn.normalization import BatchNorm3d, InstanceNorm1d, InstanceNorm3d  # noqa: F401
from minigrad.nn.pooling import (  # noqa: F401
    AdaptiveAvgPool3d,
    AdaptiveMaxPool3d,
    AvgPool3d,
    MaxPool3d,
)
