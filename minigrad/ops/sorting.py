"""sort, argsort and topk: the order comes from the array library (no gradient: indices are
integers), and the values are gathered at those indices, so their gradient is gather's
(g added back at the place each value came from).
"""

from collections import namedtuple

from minigrad.backend import array_module
from minigrad.checks import normalize_dim
from minigrad.ops.indexing import gather
from minigrad.ops.split import narrow
from minigrad.tensor import Tensor

SortResult = namedtuple("SortResult", ["values", "indices"])


def argsort(input, dim=-1, descending=False, stable=False):
    """Indices that sort input along dim. Always stable (equal values keep their order), which
    `stable=False` in PyTorch allows."""
    if input.ndim == 0:
        return Tensor._make(array_module(input.data).zeros((), dtype="int64"))
    axis = normalize_dim("argsort", dim, input.ndim, input.shape)
    keys = input.data
    if descending:  # stable descending order: ascending order of the negated values
        keys = -(keys.astype("int64") if keys.dtype.kind in "ub" else keys)
    order = array_module(keys).argsort(keys, axis=axis, kind="stable")
    return Tensor._make(order.astype("int64", copy=False))


def sort(input, dim=-1, descending=False, stable=False):
    """(values, indices) of input sorted along dim; values carry the gradient."""
    indices = argsort(input, dim, descending, stable)
    if input.ndim == 0:
        return SortResult(input, indices)
    return SortResult(gather(input, dim, indices), indices)


def topk(input, k, dim=-1, largest=True, sorted=True):
    """The k largest (or smallest) values along dim and their indices, largest first (for
    largest=False smallest first); sorted=False gives the same order."""
    axis = normalize_dim("topk", dim, input.ndim, input.shape)
    size = input.shape[axis] if input.ndim else 1
    if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= size:
        raise ValueError(
            f"topk: k={k!r} must be an int from 0 to {size}, the size of dim {dim} of shape "
            f"{tuple(input.shape)}"
        )
    if input.ndim == 0:
        return sort(input)
    indices = narrow(argsort(input, axis, descending=largest), axis, 0, k)
    return SortResult(gather(input, axis, indices), indices)


def msort(input):
    """torch.msort: sorted along the first dim, ascending (sort(input, 0).values)."""
    return sort(input, 0).values
