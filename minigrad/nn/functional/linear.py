"""`F.linear`: the affine map y = x Wᵀ + b of a fully connected layer.

W has shape (out_features, in_features), PyTorch's layout: row j holds the weights of output
j. Composed from matmul and add, whose backward already gives dx = g W, dW = gᵀ x, db = Σ g.
"""


def linear(input, weight, bias=None):
    """y = input @ weightᵀ + bias, for input (..., in_features) and weight (out, in)."""
    if weight.ndim != 2 or input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        raise ValueError(
            f"linear: input of shape {tuple(input.shape)} does not fit weight of shape "
            f"{tuple(weight.shape)}: the input's last dim must equal in_features (the "
            "weight's dim 1)"
        )
    output = input @ weight.T
    return output if bias is None else output + bias
