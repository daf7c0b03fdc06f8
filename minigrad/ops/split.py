"""Cutting a tensor into pieces along a dim: narrow, split, chunk, unbind.

Each piece is a basic slice (a GetItem), so its gradient is g written into zeros at the
piece's place; when all pieces are used, those gradients add up to the whole.
"""

from minigrad.checks import normalize_dim
from minigrad.ops.movement import getitem, squeeze


def _along(axis, index):
    return (slice(None),) * axis + (index,)


def narrow(input, dim, start, length):
    """torch.narrow: the `length` elements from `start` along dim (start may be negative)."""
    axis = normalize_dim("narrow", dim, input.ndim, input.shape)
    size = input.shape[axis]
    if not -size <= start <= size:
        raise IndexError(f"narrow: start {start} is out of range for dim {dim} of size {size}")
    start %= size if size else 1
    if length < 0 or start + length > size:
        raise ValueError(
            f"narrow: start {start} + length {length} exceeds dim {dim} of size {size} "
            f"(shape {tuple(input.shape)})"
        )
    return getitem(input, _along(axis, slice(start, start + length)))


def split(input, split_size_or_sections, dim=0):
    """torch.split: pieces of split_size along dim (the last may be smaller), or, for a list,
    pieces of exactly those sizes (they must add up to the size of dim)."""
    axis = normalize_dim("split", dim, input.ndim, input.shape)
    size = input.shape[axis]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [int(n) for n in split_size_or_sections]
        if sum(sizes) != size or any(n < 0 for n in sizes):
            raise ValueError(
                f"split: sizes {sizes} must be non-negative and add up to {size}, the size of "
                f"dim {dim} of shape {tuple(input.shape)}"
            )
    else:
        step = int(split_size_or_sections)
        if step <= 0:
            raise ValueError(f"split: split_size must be positive, got {split_size_or_sections}")
        sizes = [min(step, size - start) for start in range(0, size, step)] or [0]
    pieces, start = [], 0
    for n in sizes:
        pieces.append(getitem(input, _along(axis, slice(start, start + n))))
        start += n
    return tuple(pieces)


def chunk(input, chunks, dim=0):
    """torch.chunk: at most `chunks` pieces of ceil(size / chunks) along dim."""
    if int(chunks) <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {chunks}")
    axis = normalize_dim("chunk", dim, input.ndim, input.shape)
    size = input.shape[axis]
    return split(input, max(-(-size // int(chunks)), 1), axis)


def unbind(input, dim=0):
    """torch.unbind: the slices along dim, each without that dim."""
    axis = normalize_dim("unbind", dim, input.ndim, input.shape)
    return tuple(squeeze(piece, axis) for piece in split(input, 1, axis))
