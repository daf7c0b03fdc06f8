"""Indexing along a dim with a tensor of indices: gather, scatter, index_select, masks.

gather picks out[i][j][k] = input[i][index[i][j][k]][k] (for dim=1). Written as numpy
advanced indexing, that is input[I, index, K] with I and K the positions along the other
dims (`_positions_along`), so gather is a GetItem and shares its backward: the gradient is
added back at the picked positions, once per pick, so repeated indices add up.

scatter_add is gather's mirror: out = input, then out[I, index, K] += src. Its backward is
a gather: d src = g[I, index, K], and d input = g.
"""

import numpy as np

from minigrad.autograd import Function, under_autocast
from minigrad.backend import array_module, to_device
from minigrad.checks import broadcast_error, normalize_dim
from minigrad.ops.elementwise import as_tensor_like, where
from minigrad.ops.movement import GetItem, expand, getitem, reshape
from minigrad.tensor import Tensor


def _check_index(op, input, dim, index, name="index"):
    """dim as an axis; index an integer tensor of input's rank, within input's size along
    `dim` and no larger than input along the others (PyTorch's rules for gather/scatter)."""
    if input.ndim == 0:
        raise ValueError(f"{op}: expected an input with at least 1 dim, got a 0-d tensor")
    axis = normalize_dim(op, dim, input.ndim, input.shape)
    if not isinstance(index, Tensor) or index.dtype.kind not in "iu":
        dtype = index.dtype if isinstance(index, Tensor) else type(index).__name__
        raise TypeError(f"{op}: {name} must be an integer tensor, got {dtype}")
    if index.ndim != input.ndim:
        raise ValueError(
            f"{op}: {name} of shape {tuple(index.shape)} must have as many dims as the input "
            f"of shape {tuple(input.shape)}"
        )
    for d, (m, n) in enumerate(zip(index.shape, input.shape)):
        if d != axis and m > n:
            raise ValueError(
                f"{op}: {name} of shape {tuple(index.shape)} is larger than the input of "
                f"shape {tuple(input.shape)} in dim {d}"
            )
    _check_in_range(op, index, input.shape[axis], axis, name)
    return axis


def _check_in_range(op, index, size, axis, name="index"):
    if index.numel() == 0:
        return
    low, high = int(index.data.min()), int(index.data.max())
    if low < 0 or high >= size:
        raise IndexError(
            f"{op}: {name} holds values from {low} to {high}, out of range for dim {axis} "
            f"of size {size} (valid: 0 to {size - 1})"
        )


def _positions_along(index, axis, device):
    """The advanced index that reads input[I, index, K]: `index` (moved to the input's
    `device`) at `axis`, and at every other dim d the positions 0..n-1 shaped to broadcast
    along d."""
    index = to_device(index.data, device)
    xp = array_module(index)
    positions = []
    for d, n in enumerate(index.shape):
        if d == axis:
            positions.append(index)
        else:
            shape = [1] * index.ndim
            shape[d] = n
            positions.append(xp.arange(n).reshape(shape))
    return tuple(positions)


def gather(input, dim, index):
    """torch.gather: out[i][j][k] = input[i][index[i][j][k]][k] for dim=1 (and likewise for
    the other dims); out has index's shape."""
    axis = _check_index("gather", input, dim, index)
    return GetItem.apply(input, index=_positions_along(index, axis, input.device))


class ScatterAdd(Function):
    """out = input, then out[I, index, K] += src (once per entry: repeats add up);
    d input = g,  d src = g[I, index, K] (zero where src reaches beyond index's shape)."""

    def forward(self, a, src, positions, index_shape, replace):
        self.src_shape, self.positions, self.replace = src.shape, positions, replace
        self.used = tuple(slice(0, n) for n in index_shape)  # the part of src that is used
        out = a.copy()
        if replace:
            out[positions] = src[self.used]
        else:
            array_module(a).add.at(out, positions, src[self.used])
        return out

    def backward(self, g):
        xp = array_module(g)
        da = dsrc = None
        if self.needs_input_grad[0]:
            da = g
            if self.replace:  # the overwritten numbers no longer reach the output
                da = g.copy()
                da[self.positions] = 0
        if self.needs_input_grad[1]:
            dsrc = xp.zeros(self.src_shape, dtype=g.dtype)
            dsrc[self.used] = g[self.positions]
        return da, dsrc


def _scatter(op, input, dim, index, src, replace):
    axis = _check_index(op, input, dim, index)
    src = as_tensor_like(src, input)
    if src.ndim == 0:
        src = expand(src, *index.shape)
    if src.dtype != input.dtype:
        raise TypeError(f"{op}: src has dtype {src.dtype}, but the input has {input.dtype}")
    if src.ndim != index.ndim or any(m > n for m, n in zip(index.shape, src.shape)):
        raise ValueError(
            f"{op}: index of shape {tuple(index.shape)} must have src's number of dims and be "
            f"no larger than src of shape {tuple(src.shape)}"
        )
    positions = _positions_along(index, axis, input.device)
    return ScatterAdd.apply(
        input, src, positions=positions, index_shape=index.shape, replace=replace
    )


@under_autocast("promote")
def scatter_add(input, dim, index, src):
    """torch.scatter_add (out of place): input with src[i][j][k] added at
    [i][index[i][j][k]][k] for dim=1; indices that repeat add up."""
    return _scatter("scatter_add", input, dim, index, src, replace=False)


def scatter(input, dim, index, src):
    """torch.scatter (out of place): input with src[i][j][k] written at [i][index[i][j][k]][k]
    for dim=1; src may be a number. Where an index repeats, which write wins is unspecified,
    as in PyTorch."""
    return _scatter("scatter", input, dim, index, src, replace=True)


def index_select(input, dim, index):
    """torch.index_select: the slices of input at the positions in the 1-D `index` along dim."""
    if input.ndim == 0:
        raise ValueError("index_select: expected an input with at least 1 dim, got a 0-d tensor")
    axis = normalize_dim("index_select", dim, input.ndim, input.shape)
    if not isinstance(index, Tensor) or index.dtype.kind not in "iu" or index.ndim > 1:
        described = (
            f"{index.dtype} of shape {tuple(index.shape)}"
            if isinstance(index, Tensor)
            else type(index).__name__
        )
        raise TypeError(f"index_select: index must be a 0-d or 1-D integer tensor, got {described}")
    _check_in_range("index_select", index, input.shape[axis], axis)
    rows = to_device(index.data.reshape(-1), input.device)
    return GetItem.apply(input, index=(slice(None),) * axis + (rows,))


def take_along_dim(input, indices, dim=None):
    """torch.take_along_dim: gather after broadcasting input and indices against each other
    (all dims but `dim`); with dim=None, from the flattened input."""
    if dim is None:
        return gather(reshape(input, -1), 0, reshape(indices, -1))
    axis = normalize_dim("take_along_dim", dim, input.ndim, input.shape)
    if indices.ndim != input.ndim:
        raise ValueError(
            f"take_along_dim: indices of shape {tuple(indices.shape)} must have as many dims "
            f"as the input of shape {tuple(input.shape)}"
        )
    shape = []
    for d, (m, n) in enumerate(zip(input.shape, indices.shape)):
        if d != axis and m != n and 1 not in (m, n):
            raise ValueError(
                f"take_along_dim: input of shape {tuple(input.shape)} and indices of shape "
                f"{tuple(indices.shape)} do not broadcast in dim {d}"
            )
        shape.append(max(m, n) if 0 not in (m, n) else 0)
    input_shape = tuple(n if d == axis else shape[d] for d, n in enumerate(input.shape))
    index_shape = tuple(m if d == axis else shape[d] for d, m in enumerate(indices.shape))
    return gather(expand(input, *input_shape), axis, expand_indices(indices, index_shape))


def expand_indices(indices, shape):
    """An index or mask tensor broadcast to `shape` (a view: indices need no gradient)."""
    xp = array_module(indices.data)
    return Tensor._make(xp.broadcast_to(indices.data, shape))


def _check_bool_mask(op, mask):
    if not isinstance(mask, Tensor) or mask.dtype != bool:
        dtype = mask.dtype if isinstance(mask, Tensor) else type(mask).__name__
        raise TypeError(f"{op}: mask must be a bool tensor, got {dtype}")


def masked_fill(input, mask, value):
    """input with `value` wherever mask (broadcast to input's shape) is true."""
    check_masked_fill("masked_fill", input, mask, value)
    return where(mask, as_tensor_like(value, input), input)


def check_masked_fill(op, input, mask, value):
    """masked_fill's and masked_fill_'s arguments: a bool mask that broadcasts to the input,
    and a number or 0-d tensor."""
    _check_bool_mask(op, mask)
    if isinstance(value, Tensor) and value.ndim != 0:
        raise ValueError(
            f"{op}: value must be a number or a 0-d tensor, got shape {tuple(value.shape)}"
        )
    if broadcast_error(op, mask.shape, input.shape) or (
        np.broadcast_shapes(mask.shape, input.shape) != input.shape
    ):
        raise ValueError(
            f"{op}: mask of shape {tuple(mask.shape)} does not broadcast to the input's "
            f"shape {tuple(input.shape)}"
        )


def masked_select(input, mask):
    """The elements of input where mask is true, as a 1-D tensor (both broadcast first)."""
    _check_bool_mask("masked_select", mask)
    error = broadcast_error("masked_select", input.shape, mask.shape)
    if error is not None:
        raise error
    shape = np.broadcast_shapes(input.shape, mask.shape)
    return getitem(expand(input, *shape), expand_indices(mask, shape))


def nonzero(input, as_tuple=False):
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or with as_tuple a tuple
    of ndim 1-D tensors (numpy's order). Not differentiable: indices have no gradient."""
    xp = array_module(input.data)
    found = xp.nonzero(input.data.reshape(1) if input.ndim == 0 else input.data)
    found = tuple(f.astype(xp.int64) for f in found)
    if as_tuple:
        return tuple(Tensor._make(f) for f in found)
    if input.ndim == 0:  # as PyTorch: one row (if non-zero) of no coordinates
        return Tensor._make(xp.zeros((found[0].size, 0), dtype=xp.int64))
    return Tensor._make(xp.stack(found, axis=1) if found else xp.zeros((0, 0), dtype=xp.int64))


def take(input, index):
    """torch.take: input read as 1-D at the positions in `index` (negative ones count from
    the end); the result has index's shape."""
    if not isinstance(index, Tensor) or index.dtype.kind not in "iu":
        dtype = index.dtype if isinstance(index, Tensor) else type(index).__name__
        raise TypeError(f"take: index must be an integer tensor, got {dtype}")
    size = input.numel()
    if index.numel() and not (-size <= int(index.data.min()) and int(index.data.max()) < size):
        raise IndexError(
            f"take: index holds values from {int(index.data.min())} to "
            f"{int(index.data.max())}, out of range for {size} elements (shape "
            f"{tuple(input.shape)})"
        )
    return getitem(reshape(input, -1), index)


def _index_along(op, input, dim, index, source=None):
    """Check index_add/index_copy/index_fill's arguments; return the axis and `index` spread
    to source's shape (index[i] at every position of slice i along dim), as scatter wants."""
    if input.ndim == 0:
        raise ValueError(f"{op}: expected an input with at least 1 dim, got a 0-d tensor")
    axis = normalize_dim(op, dim, input.ndim, input.shape)
    if not isinstance(index, Tensor) or index.dtype.kind not in "iu" or index.ndim > 1:
        described = (
            f"{index.dtype} of shape {tuple(index.shape)}"
            if isinstance(index, Tensor)
            else type(index).__name__
        )
        raise TypeError(f"{op}: index must be a 0-d or 1-D integer tensor, got {described}")
    index = reshape(index, -1)
    _check_in_range(op, index, input.shape[axis], axis)
    if source is None:
        return axis, index
    if source.dtype != input.dtype:
        raise TypeError(f"{op}: source has dtype {source.dtype}, but the input has {input.dtype}")
    expected = input.shape[:axis] + (index.shape[0],) + input.shape[axis + 1 :]
    if tuple(source.shape) != expected:
        raise ValueError(
            f"{op}: source of shape {tuple(source.shape)} must have shape {expected}: the "
            f"input's {tuple(input.shape)} with dim {dim} the length of index"
        )
    along = [1] * input.ndim
    along[axis] = index.shape[0]
    return axis, expand_indices(reshape(index, along), expected)


def index_add(input, dim, index, source, alpha=1):
    """torch.index_add (out of place): input with alpha · source[..., i, ...] added to slice
    index[i] along dim; indices that repeat add up (a scatter_add)."""
    axis, spread = _index_along("index_add", input, dim, index, source)
    return scatter_add(input, axis, spread, source * alpha if alpha != 1 else source)


def index_copy(input, dim, index, source):
    """torch.index_copy (out of place): input with slice index[i] along dim replaced by
    source[..., i, ...] (a scatter; with repeated indices which write wins is unspecified)."""
    axis, spread = _index_along("index_copy", input, dim, index, source)
    return scatter(input, axis, spread, source)


def index_fill(input, dim, index, value):
    """torch.index_fill (out of place): input with every slice named in index along dim set
    to `value` (a number or a 0-d tensor, which then gets a gradient)."""
    axis, index = _index_along("index_fill", input, dim, index)
    xp = array_module(input.data)
    chosen = xp.zeros(input.shape[axis], dtype=bool)
    chosen[to_device(index.data, input.device)] = True
    shape = [1] * input.ndim
    shape[axis] = input.shape[axis]
    return masked_fill(input, Tensor._make(chosen.reshape(shape)), value)
