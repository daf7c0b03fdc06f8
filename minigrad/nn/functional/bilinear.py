"""`F.bilinear`: y = x₁ᵀ A x₂ + b, one bilinear form per output feature.

    y[..., o] = Σ_{i, j} x₁[..., i] · A[o, i, j] · x₂[..., j] + b[o]

with A of shape (out_features, in1_features, in2_features), PyTorch's layout. Composed from a
matmul, a product and a sum (so its gradient needs no proof of its own): x₁ times A, read as an
in1 × (out·in2) matrix, gives t[..., o, j] = Σ_i x₁[..., i] A[o, i, j]; then y = Σ_j t · x₂.
"""

from minigrad.autograd import under_autocast


@under_autocast("promote")
def bilinear(input1, input2, weight, bias=None):
    """torch.nn.functional.bilinear: input1 (*, in1), input2 (*, in2) with the same leading
    dims, weight (out, in1, in2), bias (out,) -> (*, out)."""
    fits = (
        weight.ndim == 3 and input1.ndim >= 1 and input1.shape[:-1] == input2.shape[:-1]
        and input1.shape[-1] == weight.shape[1] and input2.shape[-1] == weight.shape[2]
        and (bias is None or tuple(bias.shape) == (weight.shape[0],))
    )
    if not fits:
        bias_shape = None if bias is None else tuple(bias.shape)
        raise ValueError(
            f"bilinear: inputs of shapes {tuple(input1.shape)} and {tuple(input2.shape)} (the same "
            f"leading dims, last dims in1 and in2) do not fit weight of shape "
            f"{tuple(weight.shape)} (out, in1, in2) and bias of shape {bias_shape}"
        )
    out, in1, in2 = weight.shape
    t = input1 @ weight.permute(1, 0, 2).reshape(in1, out * in2)
    y = (t.reshape(*input1.shape[:-1], out, in2) * input2.unsqueeze(-2)).sum(-1)
    return y if bias is None else y + bias
