"""Diagonals: reading one out of a matrix (diagonal, trace) and writing one into zeros
(diag_embed); diag does either, by the input's rank.

The k-th diagonal of an n×m matrix is the positions (i + max(-k, 0), i + max(k, 0)), so
reading it is an advanced index (a GetItem, whose backward adds g back at those positions)
and writing it is that index's adjoint: DiagEmbed's backward reads g's diagonal.
"""

from minigrad.autograd import Function
from minigrad.backend import array_module
from minigrad.checks import normalize_dim
from minigrad.ops.movement import GetItem, permute
from minigrad.ops.rearrange import movedim
from minigrad.ops.reduce import sum


def _diagonal_positions(xp, rows, cols, offset):
    """Row and column indices of the `offset` diagonal of a rows×cols matrix."""
    length = max(min(rows + min(offset, 0), cols - max(offset, 0)), 0)
    steps = xp.arange(length)
    return steps + max(-offset, 0), steps + max(offset, 0)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """torch.diagonal: out[..., i] = input[..i.., i + max(-offset, 0), ..i.., i + max(offset, 0)]
    with dim1 and dim2 removed and the diagonal appended as the last dim."""
    if input.ndim < 2:
        raise ValueError(f"diagonal: expected at least 2 dims, got shape {tuple(input.shape)}")
    d1 = normalize_dim("diagonal", dim1, input.ndim, input.shape)
    d2 = normalize_dim("diagonal", dim2, input.ndim, input.shape)
    if d1 == d2:
        raise ValueError(f"diagonal: dim1 and dim2 are both dim {d1}; they must differ")
    others = [d for d in range(input.ndim) if d not in (d1, d2)]
    matrices = permute(input, *others, d1, d2)
    rows, cols = _diagonal_positions(
        array_module(input.data), input.shape[d1], input.shape[d2], offset
    )
    return GetItem.apply(matrices, index=(Ellipsis, rows, cols))


_diagonal = diagonal  # diag's argument is also called `diagonal` (PyTorch's name)


class DiagEmbed(Function):
    """out[..., i + max(-offset, 0), i + max(offset, 0)] = a[..., i], zeros elsewhere, in
    (n + |offset|)-square matrices;  da = g's offset diagonal (reading is writing's adjoint)."""

    def forward(self, a, offset):
        size = a.shape[-1] + abs(offset)
        xp = array_module(a)
        self.positions = (Ellipsis,) + _diagonal_positions(xp, size, size, offset)
        out = xp.zeros(a.shape[:-1] + (size, size), dtype=a.dtype)
        out[self.positions] = a
        return out

    def backward(self, g):
        return g[self.positions]


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """torch.diag_embed: the last dim of input written on the `offset` diagonal of new
    matrices, whose two dims sit at dim1 and dim2 of the (ndim + 1)-dim result."""
    if input.ndim < 1:
        raise ValueError("diag_embed: expected at least 1 dim, got a 0-d tensor")
    d1 = normalize_dim("diag_embed", dim1, input.ndim + 1, input.shape)
    d2 = normalize_dim("diag_embed", dim2, input.ndim + 1, input.shape)
    if d1 == d2:
        raise ValueError(f"diag_embed: dim1 and dim2 are both dim {d1}; they must differ")
    return movedim(DiagEmbed.apply(input, offset=int(offset)), (-2, -1), (d1, d2))


def diag(input, diagonal=0):
    """torch.diag: a 1-D input becomes a square matrix with it on the `diagonal`-th diagonal;
    a matrix gives its `diagonal`-th diagonal as a 1-D tensor."""
    if input.ndim == 1:
        return DiagEmbed.apply(input, offset=int(diagonal))
    if input.ndim == 2:
        return _diagonal(input, diagonal)
    raise ValueError(f"diag: expected a 1-D or 2-D tensor, got shape {tuple(input.shape)}")


def trace(input):
    """torch.trace: the sum of a matrix's main diagonal."""
    if input.ndim != 2:
        raise ValueError(f"trace: expected a 2-D tensor, got shape {tuple(input.shape)}")
    return sum(diagonal(input))
