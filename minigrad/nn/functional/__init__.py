"""`minigrad.nn.functional` (import as F): stateless functions that layers are built from."""

from minigrad.nn.functional.activation import (  # noqa: F401
    gelu,
    leaky_relu,
    log_softmax,
    relu,
    sigmoid,
    softmax,
    tanh,
)
from minigrad.ops.conv import conv2d  # noqa: F401
from minigrad.ops.movement import pad  # noqa: F401
from minigrad.ops.pool import avg_pool2d, max_pool2d  # noqa: F401
