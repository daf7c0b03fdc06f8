"""Ops that move numbers around without changing them: reshape, permute, flip, index, cat, pad ...

Their backward moves the gradient back the same way: reshape it back, apply the inverse
permutation, scatter it into the indexed positions, split it between the concatenated inputs.
"""

import numpy as np

from minigrad.autograd import Function, unbroadcast
from minigrad.backend import array_module, to_device as array_to_device
from minigrad.checks import normalize_dim, normalize_dims
from minigrad.tensor import Tensor


def _shape_args(shape):
    """Accept both f(2, 3) and f((2, 3)), as PyTorch does."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


class Reshape(Function):
    """The same elements in a new shape;  da = g reshaped back."""

    def forward(self, a, shape):
        self.shape = a.shape
        return a.reshape(shape)

    def backward(self, g):
        return g.reshape(self.shape)


class Permute(Function):
    """Dims reordered;  da = g with the inverse order."""

    def forward(self, a, dims):
        self.inverse = tuple(np.argsort(dims))
        return a.transpose(dims)

    def backward(self, g):
        return g.transpose(self.inverse)


class Flip(Function):
    """The elements in reverse order along `axes`;  da = g flipped back along the same axes.

    A copy, as in PyTorch (numpy's flip is a view with negative strides, which every later
    matmul would copy anyway)."""

    def forward(self, a, axes):
        self.axes = axes
        xp = array_module(a)
        return xp.ascontiguousarray(xp.flip(a, axes))

    def backward(self, g):
        xp = array_module(g)
        return xp.ascontiguousarray(xp.flip(g, self.axes))


class Expand(Function):
    """A view repeating size-1 dims (no copy);  da = g summed over the repeats."""

    def forward(self, a, shape):
        self.shape = a.shape
        return array_module(a).broadcast_to(a, shape)

    def backward(self, g):
        return unbroadcast(g, self.shape)


class GetItem(Function):
    """a[index];  da = zeros with g written (or, for integer arrays, added) at `index`.

    Integer-array indices may repeat an element (x[[0, 0]]); each use adds its gradient, which
    plain assignment would lose, so advanced indices scatter with `add.at`.
    """

    def forward(self, a, index):
        self.shape, self.dtype, self.index = a.shape, a.dtype, index
        return a[index]

    def backward(self, g):
        xp = array_module(g)
        grad = xp.zeros(self.shape, dtype=self.dtype)
        if _is_basic_index(self.index):
            grad[self.index] = g
        elif _is_row_lookup(self.index) and xp is np:
            # a[ids], as in an embedding: numpy's add.at takes a slow generic path, element by
            # element (13× slower for 512 ids); one compiled loop adds each row of g to its row
            from minigrad.ops import cpu_kernels  # numba loads on first use, not on import

            rows = np.ascontiguousarray(g).reshape(self.index.size, -1)
            cpu_kernels.add_rows(grad.reshape(self.shape[0], -1), self.index.reshape(-1), rows)
        else:
            xp.add.at(grad, self.index, g)
        return grad


class Cat(Function):
    """Tensors joined along `axis`;  each input's gradient is its slice of g."""

    def forward(self, *arrays, axis):
        self.axis = axis
        self.bounds = np.cumsum([0] + [a.shape[axis] for a in arrays])
        return array_module(arrays[0]).concatenate(arrays, axis=axis)

    def backward(self, g):
        slicer = [slice(None)] * g.ndim
        grads = []
        for start, stop in zip(self.bounds[:-1], self.bounds[1:]):
            slicer[self.axis] = slice(start, stop)
            grads.append(g[tuple(slicer)])
        return tuple(grads)


class Pad(Function):
    """Constant padding around the edges;  da = the middle of g (the padding gets nothing)."""

    def forward(self, a, widths, value):
        self.middle = tuple(slice(before, before + n) for (before, _), n in zip(widths, a.shape))
        return array_module(a).pad(a, widths, mode="constant", constant_values=value)

    def backward(self, g):
        return g[self.middle]


class Clone(Function):
    """A copy with its own memory;  da = g."""

    def forward(self, a):
        return a.copy()

    def backward(self, g):
        return g


class ToDevice(Function):
    """The same numbers on another device;  the gradient travels back to the input's device."""

    def forward(self, a, device):
        self.source = "cpu" if isinstance(a, np.ndarray) else "cuda"
        return array_to_device(a, device)

    def backward(self, g):
        return array_to_device(g, self.source)


def reshape(a, *shape):
    shape = _shape_args(shape)
    try:
        return Reshape.apply(a, shape=shape)
    except (ValueError, TypeError):
        raise ValueError(
            f"reshape: cannot reshape a tensor of shape {tuple(a.shape)} "
            f"({a.numel()} elements) into shape {shape}"
        ) from None


def permute(a, *dims):
    dims = _shape_args(dims)
    normalized = tuple(normalize_dim("permute", d, a.ndim, a.shape) for d in dims)
    if sorted(normalized) != list(range(a.ndim)):
        raise ValueError(
            f"permute: dims {dims} are not a permutation of the {a.ndim} dims of a tensor "
            f"of shape {tuple(a.shape)}"
        )
    return Permute.apply(a, dims=normalized)


def transpose(a, dim0, dim1):
    order = list(range(a.ndim))
    d0 = normalize_dim("transpose", dim0, a.ndim, a.shape)
    d1 = normalize_dim("transpose", dim1, a.ndim, a.shape)
    order[d0], order[d1] = order[d1], order[d0]
    return Permute.apply(a, dims=tuple(order))


def flip(a, dims):
    """torch.flip: reverse the order along each dim in `dims` (an int or a tuple of ints)."""
    return Flip.apply(a, axes=normalize_dims("flip", dims, a.ndim, a.shape))


def squeeze(a, dim=None):
    """Drop size-1 dims (all of them, or those in `dim`; a named dim that is not 1 stays)."""
    dims = normalize_dims("squeeze", dim, a.ndim, a.shape)
    shape = tuple(n for i, n in enumerate(a.shape) if not (i in dims and n == 1))
    return Reshape.apply(a, shape=shape)


def unsqueeze(a, dim):
    axis = normalize_dim("unsqueeze", dim, a.ndim + 1, a.shape)
    shape = a.shape[:axis] + (1,) + a.shape[axis:]
    return Reshape.apply(a, shape=shape)


def flatten(a, start_dim=0, end_dim=-1):
    if a.ndim == 0:
        return Reshape.apply(a, shape=(1,))
    start = normalize_dim("flatten", start_dim, a.ndim, a.shape)
    end = normalize_dim("flatten", end_dim, a.ndim, a.shape)
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    shape = a.shape[:start] + (-1,) + a.shape[end + 1 :]
    if 0 in a.shape:
        shape = a.shape[:start] + (int(np.prod(a.shape[start : end + 1])),) + a.shape[end + 1 :]
    return Reshape.apply(a, shape=shape)


def expand(a, *shape):
    shape = _shape_args(shape)
    new_dims = len(shape) - a.ndim
    if new_dims < 0:
        raise ValueError(
            f"expand: target shape {shape} has fewer dims than the tensor's {tuple(a.shape)}"
        )
    target = []
    for i, n in enumerate(shape):
        old = a.shape[i - new_dims] if i >= new_dims else None
        if n == -1:
            if old is None:
                raise ValueError(f"expand: -1 is not allowed for the new leading dim {i}")
            n = old
        if old is not None and old != n and old != 1:
            raise ValueError(
                f"expand: cannot expand shape {tuple(a.shape)} to {shape}: dim {i} has size "
                f"{old}, which is neither 1 nor {n}"
            )
        target.append(n)
    return Expand.apply(a, shape=tuple(target))


def index_arrays(index):
    """Tensors and lists inside an index as backend arrays (bool masks stay bool)."""
    if isinstance(index, tuple):
        return tuple(index_arrays(i) for i in index)
    if isinstance(index, Tensor):
        if index.dtype.kind not in "iub":
            raise TypeError(
                f"getitem: tensors used as indices must be integer or bool, got {index.dtype}"
            )
        return index.data
    if isinstance(index, list):
        return np.asarray(index)
    return index


def _is_row_lookup(index):
    """An index that is one integer array, picking rows (a[ids])."""
    return hasattr(index, "dtype") and index.dtype.kind in "iu"


def _is_basic_index(index):
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, (int, np.integer, slice)) for p in parts)


def getitem(a, index):
    index = _index_to_device(index_arrays(index), a.device)
    try:
        return GetItem.apply(a, index=index)
    except IndexError as error:
        raise IndexError(f"getitem: {error} (tensor shape {tuple(a.shape)})") from None


def _index_to_device(index, device):
    if isinstance(index, tuple):
        return tuple(_index_to_device(i, device) for i in index)
    if hasattr(index, "shape") and not isinstance(index, (int, np.integer)):
        return array_to_device(index, device)
    return index


def cat(tensors, dim=0):
    tensors = list(tensors)
    if not tensors:
        raise ValueError("cat: expected a non-empty list of tensors")
    first = tensors[0]
    axis = normalize_dim("cat", dim, first.ndim, first.shape)
    for t in tensors[1:]:
        if t.ndim != first.ndim or any(
            n != m for i, (n, m) in enumerate(zip(t.shape, first.shape)) if i != axis
        ):
            shapes = ", ".join(str(tuple(x.shape)) for x in tensors)
            raise ValueError(
                f"cat: all shapes must match except in dim {dim}, got {shapes}"
            )
    return Cat.apply(*tensors, axis=axis)


def stack(tensors, dim=0):
    tensors = list(tensors)
    if not tensors:
        raise ValueError("stack: expected a non-empty list of tensors")
    shapes = {tuple(t.shape) for t in tensors}
    if len(shapes) > 1:
        raise ValueError(f"stack: all tensors must have the same shape, got {sorted(shapes)}")
    axis = normalize_dim("stack", dim, tensors[0].ndim + 1)
    return cat([unsqueeze(t, axis) for t in tensors], dim=axis)


def clone(a):
    return Clone.apply(a)


def to_device(a, device):
    return ToDevice.apply(a, device=device)
