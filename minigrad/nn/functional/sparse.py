"""`F.embedding`: look up rows of a weight matrix by integer index.

out[..., :] = weight[input[...], :]. The backward is that of indexing with an integer array:
each row of the gradient is added to the row it was read from (a repeated index collects
the sum). The row `padding_idx` marks padding: it is read like any other, but gets no
gradient, so it stays what it was (zeros, from `nn.Embedding`).
"""

from minigrad.ops.elementwise import where


def embedding(input, weight, padding_idx=None):
    """weight[input], with no gradient flowing into row `padding_idx`."""
    if input.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be an integer tensor, got dtype {input.dtype}")
    num_embeddings = weight.shape[0]
    if input.numel() and (int(input.data.min()) < 0 or int(input.data.max()) >= num_embeddings):
        raise IndexError(
            f"embedding: indices must be in 0..{num_embeddings - 1} for a weight of shape "
            f"{tuple(weight.shape)}, got values from {int(input.data.min())} to "
            f"{int(input.data.max())}"
        )
    rows = weight[input]
    if padding_idx is None:
        return rows
    if padding_idx < 0:
        padding_idx += num_embeddings
    # the same numbers either way; only the first branch passes a gradient back to weight
    is_real_token = (input != padding_idx).unsqueeze(-1)
    return where(is_real_token, rows, rows.detach())
