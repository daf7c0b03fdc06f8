"""Products beyond matmul, composed from movement ops, elementwise products and matmul, so
their gradients follow from those: cross (rolls and products), kron (a broadcast product of
interleaved views) and tensordot (permute and reshape to one matmul).
"""

import numpy as np

from minigrad.autograd import under_autocast
from minigrad.checks import broadcast_error, normalize_dim
from minigrad.ops.matmul import matmul
from minigrad.ops.movement import expand, permute, reshape
from minigrad.ops.rearrange import roll


@under_autocast("promote")
def cross(input, other, dim=None):
    """torch.cross: the 3-vector cross product along `dim` (None: the first dim of size 3,
    PyTorch's deprecated default), after broadcasting inputs of the same rank.

    c = a × b = (a₁b₂ − a₂b₁, a₂b₀ − a₀b₂, a₀b₁ − a₁b₀): rolling a by −1 and b by −2 lines up
    the first products, rolling a by −2 and b by −1 the second.
    """
    if input.ndim != other.ndim:
        raise ValueError(
            f"cross: inputs must have the same number of dims, got shapes "
            f"{tuple(input.shape)} and {tuple(other.shape)}"
        )
    error = broadcast_error("cross", input.shape, other.shape)
    if error is not None:
        raise error
    shape = np.broadcast_shapes(input.shape, other.shape)
    if dim is None:
        dim = next((d for d, n in enumerate(shape) if n == 3), None)
        if dim is None:
            raise ValueError(f"cross: no dim of size 3 in the broadcast shape {shape}")
    axis = normalize_dim("cross", dim, len(shape), shape)
    if shape[axis] != 3:
        raise ValueError(
            f"cross: dim {dim} must have size 3, got shapes {tuple(input.shape)} and "
            f"{tuple(other.shape)}"
        )
    a, b = expand(input, *shape), expand(other, *shape)
    return roll(a, -1, axis) * roll(b, -2, axis) - roll(a, -2, axis) * roll(b, -1, axis)


def kron(input, other):
    """torch.kron: the Kronecker product, out[i·m + k, j·n + l] = a[i, j] b[k, l] (any rank;
    the shorter shape is padded with leading 1s).

    a viewed as (a₀, 1, a₁, 1, ...) times b viewed as (1, b₀, 1, b₁, ...) broadcasts to
    (a₀, b₀, a₁, b₁, ...); merging each pair gives the block layout.
    """
    rank = max(input.ndim, other.ndim)
    a_shape = (1,) * (rank - input.ndim) + tuple(input.shape)
    b_shape = (1,) * (rank - other.ndim) + tuple(other.shape)
    a = reshape(input, [n for s in a_shape for n in (s, 1)])
    b = reshape(other, [n for s in b_shape for n in (1, s)])
    return reshape(a * b, [m * n for m, n in zip(a_shape, b_shape)])


@under_autocast("promote")
def tensordot(a, b, dims=2):
    """torch.tensordot: Σ over paired dims of a and b; `dims` is an int (a's last `dims` with
    b's first `dims`) or two lists of dims. The result's shape is a's free dims, then b's.

    Free dims of a moved to the front and b's to the back make it one (F_a × K) @ (K × F_b)
    matmul."""
    if isinstance(dims, int):
        if not 0 <= dims <= min(a.ndim, b.ndim):
            raise ValueError(
                f"tensordot: dims={dims} must be between 0 and the smaller rank, shapes "
                f"{tuple(a.shape)} and {tuple(b.shape)}"
            )
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims_a, dims_b = [list(d) if isinstance(d, (tuple, list)) else [d] for d in dims]
    dims_a = [normalize_dim("tensordot", d, a.ndim, a.shape) for d in dims_a]
    dims_b = [normalize_dim("tensordot", d, b.ndim, b.shape) for d in dims_b]
    if [a.shape[d] for d in dims_a] != [b.shape[d] for d in dims_b]:
        raise ValueError(
            f"tensordot: contracted dims {dims_a} of {tuple(a.shape)} and {dims_b} of "
            f"{tuple(b.shape)} differ in size"
        )
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    size = int(np.prod([a.shape[d] for d in dims_a]))
    left = reshape(permute(a, *free_a, *dims_a), (-1, size))
    right = reshape(permute(b, *dims_b, *free_b), (size, -1))
    return reshape(
        matmul(left, right), [a.shape[d] for d in free_a] + [b.shape[d] for d in free_b]
    )
