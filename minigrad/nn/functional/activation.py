"""Activation functions and softmax, as `minigrad.nn.functional` names them.

The ops themselves live in `minigrad.ops`; this module gives them PyTorch's functional names
and signatures (`F.softmax(x, dim=-1)`, `F.gelu(x, approximate='tanh')`).
"""

from minigrad.ops.elementwise import gelu, relu, sigmoid, tanh  # noqa: F401
from minigrad.ops.softmax import log_softmax, softmax  # noqa: F401


def leaky_relu(x, negative_slope=0.01):
    """x for x > 0, negative_slope·x otherwise: max(x, slope·x) when 0 < slope < 1."""
    from minigrad.ops.elementwise import maximum, minimum

    if 0 <= negative_slope <= 1:
        return maximum(x, x * negative_slope)
    return minimum(x, x * negative_slope)
