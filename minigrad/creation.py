"""Functions that make new tensors: zeros, ones, full, arange, eye, randn, rand, ...

They take PyTorch's arguments: sizes as `zeros(2, 3)` or `zeros((2, 3))`, and the keywords
`dtype`, `device`, `requires_grad`. Float tensors default to float32 (`mg.set_default_dtype`
can make that float64); the device defaults to MINIGRAD_DEVICE ('cpu' unless set).
"""

import numpy as np

from minigrad import dtypes
from minigrad.backend import array_module, normalize_device, to_device
from minigrad.random import generator
from minigrad.tensor import Tensor, _check_can_require_grad


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    if not all(isinstance(n, (int, np.integer)) and n >= 0 for n in size):
        raise ValueError(f"expected sizes to be non-negative ints, got {size}")
    return tuple(int(n) for n in size)


def _finish(array, dtype, device, requires_grad, default=None):
    """Cast, move to the device and wrap; random and constant makers all end here. The
    default dtype is read at each call, so set_default_dtype applies."""
    dtype = dtypes.as_dtype(dtype) or default or dtypes.default_float
    array = to_device(array.astype(dtype, copy=False), normalize_device(device))
    if requires_grad:
        _check_can_require_grad(array.dtype)
    return Tensor._make(array, requires_grad=bool(requires_grad))


def tensor(data, dtype=None, requires_grad=False, device=None):
    """A new tensor from a Python number or list (float32), numpy array (its dtype) or tensor."""
    return Tensor(data, dtype=dtype, requires_grad=requires_grad, device=device)


def as_tensor(data, dtype=None, device=None):
    """torch.as_tensor: `data` itself when it already is a tensor of that dtype and device
    (else a converted one, gradients flowing back through the conversion), a numpy array's
    memory shared when neither dtype nor device changes, and a new tensor otherwise."""
    dtype = dtypes.as_dtype(dtype)
    if isinstance(data, Tensor):
        return data.to(dtype=dtype, device=normalize_device(device) if device else None)
    same_dtype = dtype is None or dtype == getattr(data, "dtype", None)
    if isinstance(data, np.ndarray) and same_dtype and normalize_device(device) == "cpu":
        return from_numpy(data)
    return Tensor(data, dtype=dtype, device=device)


def from_numpy(array):
    """A CPU tensor sharing memory with a numpy array (no copy, dtype kept)."""
    return Tensor._make(np.asarray(array))


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    size = _size(size if isinstance(size, (tuple, list)) else (size,))
    device = normalize_device(device)
    dtype = dtypes.as_dtype(dtype) or dtypes.default_float
    array = array_module(device).full(size, fill_value, dtype=dtype)
    return _finish(array, dtype, device, requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad=False):
    return full(_size(size), 0, dtype, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    return full(_size(size), 1, dtype, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    """Zeros: PyTorch leaves empty's memory unset; zeros make a program that reads it by
    mistake reproducible."""
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def _like(t, dtype, device):
    return dtypes.as_dtype(dtype) or t.dtype, device or t.device


def zeros_like(t, dtype=None, device=None, requires_grad=False):
    dtype, device = _like(t, dtype, device)
    return full(t.shape, 0, dtype, device, requires_grad)


def ones_like(t, dtype=None, device=None, requires_grad=False):
    dtype, device = _like(t, dtype, device)
    return full(t.shape, 1, dtype, device, requires_grad)


def full_like(t, fill_value, dtype=None, device=None, requires_grad=False):
    dtype, device = _like(t, dtype, device)
    return full(t.shape, fill_value, dtype, device, requires_grad)


def empty_like(t, dtype=None, device=None, requires_grad=False):
    """Zeros of t's shape (see empty)."""
    return zeros_like(t, dtype, device, requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """Like torch.arange: integers give int64, any float argument the default float."""
    if end is None:
        start, end = 0, start
    is_float = any(isinstance(v, float) for v in (start, end, step))
    default = dtypes.default_float if is_float else dtypes.int64
    return _finish(np.arange(start, end, step), dtype, device, requires_grad, default)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    return _finish(np.linspace(start, end, steps), dtype, device, requires_grad)


def logspace(start, end, steps, base=10.0, dtype=None, device=None, requires_grad=False):
    """torch.logspace: base ** linspace(start, end, steps), computed in float64."""
    exponents = np.linspace(start, end, steps)
    return _finish(np.power(float(base), exponents), dtype, device, requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    return _finish(np.eye(n, m), dtype, device, requires_grad)


def randn(*size, dtype=None, device=None, requires_grad=False):
    """Standard normal samples from the seeded generator (see `minigrad.random`)."""
    array = generator().standard_normal(_size(size), dtype=dtypes.default_float)
    return _finish(array, dtype, device, requires_grad)


def rand(*size, dtype=None, device=None, requires_grad=False):
    """Uniform samples in [0, 1) from the seeded generator."""
    array = generator().random(_size(size), dtype=dtypes.default_float)
    return _finish(array, dtype, device, requires_grad)


def randint(low, high=None, size=(), dtype=None, device=None):
    if high is None:
        low, high = 0, low
    array = generator().integers(low, high, size=_size(tuple(size)))
    return _finish(array, dtype, device, False, dtypes.int64)


def randperm(n, dtype=None, device=None):
    return _finish(generator().permutation(n), dtype, device, False, dtypes.int64)


def randn_like(t, dtype=None, device=None, requires_grad=False):
    dtype, device = _like(t, dtype, device)
    return randn(t.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def rand_like(t, dtype=None, device=None, requires_grad=False):
    dtype, device = _like(t, dtype, device)
    return rand(t.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def randint_like(t, low=0, high=None, dtype=None, device=None):
    """torch.randint_like: integers in [low, high) (one bound: [0, low)) of t's shape and, by
    default, t's dtype (a float tensor gets whole-number floats, as in PyTorch)."""
    if high is None:
        low, high = 0, low
    dtype, device = _like(t, dtype, device)
    return randint(low, high, t.shape, dtype=dtype, device=device)


def is_tensor(obj):
    """torch.is_tensor: whether obj is a minigrad Tensor."""
    return isinstance(obj, Tensor)


def numel(input):
    """torch.numel: the number of elements."""
    return input.numel()
