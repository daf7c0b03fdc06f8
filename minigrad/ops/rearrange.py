"""Rearranging ops composed from the movement primitives, so their gradients need no proof
of their own: repeat (reshape + expand + reshape), roll (two slices joined by cat), tril/triu
(where with a triangular mask), movedim (permute), unflatten (reshape), t and broadcast_to.
"""

from minigrad.backend import array_module
from minigrad.checks import normalize_dim
from minigrad.ops.elementwise import where
from minigrad.ops.movement import _shape_args, cat, expand, permute, reshape, transpose
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
