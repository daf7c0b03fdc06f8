"""`F.embedding`: look up rows of a weight matrix by integer index.

out[..., :] = weight[input[...], :]. The backward is that of indexing with an integer array:
each row of the gradient is added to the row it was read from (a repeated index collects
the sum). The row `padding_idx` marks padding: it is read like any other, but gets no
gradient, so it stays what it was (zeros, from `nn.Embedding`).

`F.one_hot` turns class indices into the rows of an identity matrix.
"""

import numpy as np

from minigrad.backend import array_module
from minigrad.ops.elementwise import where
from minigrad.tensor import Tensor


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


def one_hot(tensor, num_classes=-1):
    """An int64 tensor of shape tensor.shape + (num_classes,), 1 at each value's index and 0
    elsewhere. num_classes=-1 means max(tensor) + 1. No gradient (the input is indices)."""
    if tensor.dtype != np.int64:
        raise TypeError(
            f"one_hot: expected an int64 tensor of class indices, got dtype {tensor.dtype} "
            "(use .long())"
        )
    values = tensor.data
    if num_classes == -1:
        if values.size == 0:
            raise ValueError(
                "one_hot: cannot infer num_classes from an empty tensor; pass num_classes"
            )
        num_classes = int(values.max()) + 1
    if values.size and int(values.min()) < 0:
        raise ValueError(f"one_hot: class values must be non-negative, got {int(values.min())}")
    if values.size and int(values.max()) >= num_classes:
        raise ValueError(
            f"one_hot: class value {int(values.max())} does not fit num_classes={num_classes} "
            f"(values must be smaller)"
        )
    classes = array_module(values).arange(num_classes)
    return Tensor._make((values[..., None] == classes).astype(np.int64))
