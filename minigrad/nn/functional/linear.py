"""`F.linear`: the affine map y = x Wᵀ + b of a fully connected layer.

W has shape (out_features, in_features), PyTorch's layout: row j holds the weights of output
j. It is `input @ weight.T + bias`, computed by one fused op (`ops.matmul.Linear`, which says
why) whose backward gives dx = g W, dW = gᵀ x, db = Σ g.
"""

from minigrad.ops.matmul import Linear


def linear(input, weight, bias=None):
    """y = input @ weightᵀ + bias, for input (..., in_features) and weight (out, in)."""
    if weight.ndim != 2 or input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        raise ValueError(
            f"linear: input of shape {tuple(input.shape)} does not fit weight of shape "
            f"{tuple(weight.shape)}: the input's last dim must equal in_features (the "
            "weight's dim 1)"
        )
    return Linear.apply(input, weight) if bias is None else Linear.apply(input, weight, bias)
