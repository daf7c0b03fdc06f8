"""Rearranging ops composed from the movement primitives, so their gradients need no proof
of their own: repeat and tile (reshape + expand + reshape), roll (two slices joined by cat),
tril/triu (where with a triangular mask), movedim (permute), unflatten (reshape), t,
broadcast_to, rot90 and fliplr/flipud (flip + transpose), diff (slices subtracted) and
unfold (sliding windows picked by index_select; the positions are built on the host, as
index tensors are, and index_select moves them to the input's device).
"""

import numpy as np

from minigrad.backend import array_module
from minigrad.checks import normalize_dim
from minigrad.ops.elementwise import where
from minigrad.ops.indexing import index_select
from minigrad.ops.movement import (
    _shape_args,
    cat,
    expand,
    flip,
    permute,
    reshape,
    transpose,
)
from minigrad.ops.split import narrow
from minigrad.tensor import Tensor


def repeat(input, *repeats):
    """torch.repeat (numpy's tile): the whole tensor copied repeats[d] times along each dim d.

    With a (s0, s1) input and repeats (r0, r1): view it as (1, s0, 1, s1), expand to
    (r0, s0, r1, s1) and merge each pair, so copy k of row i lands at row k·s0 + i.
    """
    repeats = _shape_args(repeats)
    if len(repeats) < input.ndim or any(r < 0 for r in repeats):
        raise ValueError(
            f"repeat: expected at least {input.ndim} non-negative repeats (one per dim of shape "
            f"{tuple(input.shape)}), got {repeats}"
        )
    shape = (1,) * (len(repeats) - input.ndim) + tuple(input.shape)
    interleaved = [n for s in shape for n in (1, s)]
    expanded = [n for r, s in zip(repeats, shape) for n in (r, s)]
    merged = [r * s for r, s in zip(repeats, shape)]
    return reshape(expand(reshape(input, interleaved), expanded), merged)


def _triangle(op, input, diagonal, lower):
    if input.ndim < 2:
        raise ValueError(
            f"{op}: expected a tensor with at least 2 dims, got shape {tuple(input.shape)}"
        )
    rows, cols = input.shape[-2:]
    xp = array_module(input.data)
    below = xp.tri(rows, cols, k=diagonal, dtype=bool)  # j <= i + diagonal
    keep = below if lower else ~xp.tri(rows, cols, k=diagonal - 1, dtype=bool)
    return where(Tensor._make(keep), input, 0)


def tril(input, diagonal=0):
    """The lower triangle (j <= i + diagonal) of the last two dims; the rest zero."""
    return _triangle("tril", input, diagonal, lower=True)


def triu(input, diagonal=0):
    """The upper triangle (j >= i + diagonal) of the last two dims; the rest zero."""
    return _triangle("triu", input, diagonal, lower=False)


def roll(input, shifts, dims=None):
    """torch.roll: elements shifted along dims, those pushed off the end coming back at the
    start. Without dims, the flattened tensor is rolled and reshaped back."""
    if dims is None:
        return reshape(roll(reshape(input, -1), shifts, 0), input.shape)
    shifts = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)
    dims = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    if len(shifts) != len(dims):
        raise ValueError(f"roll: got {len(shifts)} shifts but {len(dims)} dims")
    out = input
    for shift, dim in zip(shifts, dims):
        axis = normalize_dim("roll", dim, input.ndim, input.shape)
        size = input.shape[axis]
        shift = shift % size if size else 0
        if shift:
            out = cat(
                [narrow(out, axis, size - shift, shift), narrow(out, axis, 0, size - shift)], axis
            )
    return out


def movedim(input, source, destination):
    """torch.movedim: the dims in `source` moved to the positions in `destination`, the
    others keeping their order."""
    source = source if isinstance(source, (tuple, list)) else (source,)
    destination = destination if isinstance(destination, (tuple, list)) else (destination,)
    if len(source) != len(destination):
        raise ValueError(
            f"movedim: source {tuple(source)} and destination {tuple(destination)} differ in length"
        )
    src = [normalize_dim("movedim", d, input.ndim, input.shape) for d in source]
    dst = [normalize_dim("movedim", d, input.ndim, input.shape) for d in destination]
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise ValueError(
            f"movedim: repeated dims in source {tuple(source)} or destination {tuple(destination)}"
        )
    rest = iter(d for d in range(input.ndim) if d not in src)
    placed = dict(zip(dst, src))
    return permute(input, *[placed[i] if i in placed else next(rest) for i in range(input.ndim)])


def unflatten(input, dim, sizes):
    """torch.unflatten: dim split into `sizes` (one may be -1)."""
    axis = normalize_dim("unflatten", dim, input.ndim, input.shape)
    sizes = tuple(sizes)
    known = 1
    for n in sizes:
        known *= n if n != -1 else 1
    if (
        sizes.count(-1) > 1
        or (-1 not in sizes and known != input.shape[axis])
        or (-1 in sizes and (known == 0 or input.shape[axis] % known))
    ):
        raise ValueError(
            f"unflatten: sizes {sizes} do not multiply to {input.shape[axis]}, the size of dim "
            f"{dim} of shape {tuple(input.shape)}"
        )
    return reshape(input, input.shape[:axis] + sizes + input.shape[axis + 1 :])


def t(input):
    """torch.t: the transpose of a matrix; 0-d and 1-D tensors come back as they are."""
    if input.ndim > 2:
        raise ValueError(
            f"t: expected a tensor with at most 2 dims, got shape {tuple(input.shape)}"
        )
    return transpose(input, 0, 1) if input.ndim == 2 else input


def broadcast_to(input, shape):
    """torch.broadcast_to: expand to `shape` (-1 keeps a dim)."""
    return expand(input, *_shape_args((shape,)))


def tile(input, dims):
    """torch.tile: repeat, with `dims` padded by leading 1s when shorter than input's rank."""
    dims = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


def rot90(input, k=1, dims=(0, 1)):
    """torch.rot90: turned k quarter turns in the plane of `dims`, from the first dim towards
    the second: one turn is a flip of dims[1] then a transpose."""
    dims = tuple(dims)
    if len(dims) != 2 or input.ndim < 2:
        raise ValueError(
            f"rot90: expected 2 dims of a tensor with at least 2 dims, got dims {dims} for "
            f"shape {tuple(input.shape)}"
        )
    d0, d1 = (normalize_dim("rot90", d, input.ndim, input.shape) for d in dims)
    if d0 == d1:
        raise ValueError(f"rot90: dims {dims} name the same dim twice")
    turns = k % 4
    if turns == 0:
        return input
    if turns == 2:
        return flip(input, (d0, d1))
    return transpose(flip(input, d1 if turns == 1 else d0), d0, d1)


def fliplr(input):
    """torch.fliplr: columns (dim 1) in reverse order."""
    if input.ndim < 2:
        raise ValueError(f"fliplr: expected at least 2 dims, got shape {tuple(input.shape)}")
    return flip(input, 1)


def flipud(input):
    """torch.flipud: rows (dim 0) in reverse order."""
    if input.ndim < 1:
        raise ValueError("flipud: expected at least 1 dim, got a 0-d tensor")
    return flip(input, 0)


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """torch.diff: the n-th forward difference out[i] = x[i + 1] − x[i] along dim, after
    joining `prepend` and `append` to input along that dim (n = 0: input, unjoined)."""
    if input.ndim < 1:
        raise ValueError("diff: expected at least 1 dim, got a 0-d tensor")
    if n < 0:
        raise ValueError(f"diff: order n must be non-negative, got {n}")
    axis = normalize_dim("diff", dim, input.ndim, input.shape)
    if n == 0:
        return input
    pieces = [t for t in (prepend, input, append) if t is not None]
    out = cat(pieces, axis) if len(pieces) > 1 else input
    for _ in range(n):
        length = out.shape[axis]
        if length == 0:
            break
        out = narrow(out, axis, 1, length - 1) - narrow(out, axis, 0, length - 1)
    return out


def unfold(input, dimension, size, step):
    """Tensor.unfold: the windows input[..., s·step : s·step + size, ...] along `dimension`,
    which becomes the window count, with a new last dim of `size`.

    Window s, element k is position s·step + k: one index_select of all of them (windows
    overlap when step < size; its backward adds each use, so overlaps add up), then the
    (count·size) dim is split and the window's dim moved to the end."""
    if input.ndim < 1:
        raise ValueError("unfold: expected at least 1 dim, got a 0-d tensor")
    axis = normalize_dim("unfold", dimension, input.ndim, input.shape)
    length = input.shape[axis]
    if size < 0 or step <= 0 or size > length:
        raise ValueError(
            f"unfold: need 0 <= size <= {length} (the size of dim {dimension}) and step > 0, "
            f"got size {size}, step {step} for shape {tuple(input.shape)}"
        )
    count = (length - size) // step + 1
    positions = (np.arange(count)[:, None] * step + np.arange(size)[None, :]).reshape(-1)
    windows = index_select(input, axis, Tensor._make(positions))
    return movedim(unflatten(windows, axis, (count, size)), axis + 1, -1)
