"""A CuPy stand-in that runs on the CPU and is as strict as CuPy about host and device arrays.

No GPU is lent to CI, yet every op must run on CuPy arrays. The mistakes that break that
(calling `np.asarray` on a device array, mixing a numpy array into a device computation,
handing a device array to a Numba CPU loop, taking a reduction's result for a Python number)
do not need a GPU to show: they need an array type that refuses what CuPy refuses. This
module provides one, `DeviceArray`, wrapping a numpy array, and `module`, a stand-in for the
`cupy` module whose functions take and return DeviceArrays.

What it refuses, as CuPy does (cupy/_core/_scalar.pyx, _kernel.pyx, core.pyx):
  * implicit conversion to numpy (`np.asarray(x)`, `np.array(x)`): TypeError; `.get()` and
    `cupy.asnumpy` are the explicit ways back;
  * a numpy array (0-d too) as an operand or output of a device computation: TypeError.
    numpy scalars and Python numbers are fine, and so are numpy arrays as indices (CuPy
    copies those to the device) and in `cupy.asarray` / `cupy.array` (the host-to-device copy);
  * anything that is not an ndarray in a Numba CPU loop (Numba's own typing error);
  * named tuples from numpy.linalg (eigh's `.eigenvectors`, ...): cupy.linalg returns plain
    tuples, so the stand-in does too.
What it mimics: reductions return 0-d device arrays, not scalars; numpy's ufuncs and array
functions applied to device arrays dispatch to the device (NEP 13/18), as with CuPy.
It does not model speed, streams, kernels (`RawModule`) or cuDNN: under it minigrad runs with
MINIGRAD_KERNELS=vendor, whose functions are written on the array module.
"""

import operator
import types

import numpy as np


class DeviceArray:
    """A numpy array behind CuPy's rules: see the module docstring for what it refuses."""

    __slots__ = ("_host",)
    __hash__ = None

    def __init__(self, host):
        self._host = host

    @property
    def __cuda_array_interface__(self):
        return self._host.__array_interface__

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            "Implicit conversion to a NumPy array is not allowed. "
            "Please use `.get()` to construct a NumPy array explicitly."
        )

    def get(self):
        return self._host.copy()

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return _on_device(getattr(ufunc, method), inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return _on_device(func, args, kwargs)

    def __getattr__(self, name):
        if name.startswith("__"):  # numpy's __array_interface__ would sneak past __array__
            raise AttributeError(name)
        value = getattr(self._host, name)
        if callable(value):
            return lambda *args, **kwargs: _on_device(value, args, kwargs)
        return _to_device_result(value)

    def __getitem__(self, key):
        return _to_device_result(self._host[_index(key)])

    def __setitem__(self, key, value):
        self._host[_index(key)] = _unwrap(value)

    def __len__(self):
        return len(self._host)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __bool__(self):
        return bool(self._host)

    def __float__(self):
        return float(self._host)

    def __int__(self):
        return int(self._host)

    def __format__(self, spec):
        return format(self._host, spec)

    def __repr__(self):
        return f"DeviceArray({self._host!r})"


def _operator(function, reflected=False):
    if reflected:
        return lambda self, other: _on_device(function, (other, self), {})
    return lambda self, *others: _on_device(function, (self, *others), {})


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul",
              "and", "or", "xor", "lshift", "rshift"):
    _function = getattr(operator, _name + ("_" if _name in ("and", "or") else ""))
    setattr(DeviceArray, f"__{_name}__", _operator(_function))
    setattr(DeviceArray, f"__r{_name}__", _operator(_function, reflected=True))
    setattr(DeviceArray, f"__i{_name}__", _operator(getattr(operator, f"i{_name}")))
for _name in ("neg", "pos", "abs", "invert", "lt", "le", "eq", "ne", "gt", "ge"):
    setattr(DeviceArray, f"__{_name}__", _operator(getattr(operator, _name)))


def _unwrap(value):
    """The numpy array behind a DeviceArray, recursively; a host array is refused."""
    if isinstance(value, DeviceArray):
        return value._host
    if isinstance(value, np.ndarray):
        raise TypeError(f"Unsupported type {type(value)}")
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(v) for v in value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    return value


def _index(key):
    """Indices may hold numpy arrays (CuPy copies them over) as well as device arrays."""
    if isinstance(key, tuple):
        return tuple(_index(k) for k in key)
    return key if isinstance(key, np.ndarray) else _unwrap(key)


def _to_device_result(value):
    """Arrays come back as DeviceArrays, numpy scalars as 0-d DeviceArrays (CuPy never hands
    back a host scalar from a device computation); everything else as it is."""
    if isinstance(value, (np.ndarray, np.generic)):
        return DeviceArray(np.asarray(value))
    if isinstance(value, (list, tuple)) and any(isinstance(v, np.ndarray) for v in value):
        # numpy.linalg's named tuples (EighResult, SVDResult, ...) come back as plain tuples,
        # which is what cupy.linalg returns
        items = [_to_device_result(v) for v in value]
        return items if isinstance(value, list) else tuple(items)
    return value


def _on_device(function, args, kwargs):
    return _to_device_result(function(*_unwrap(args), **_unwrap(kwargs)))


class _DeviceUfunc:
    """A numpy ufunc whose call and methods (at, reduce, outer, ...) take device arrays."""

    def __init__(self, ufunc):
        self._ufunc = ufunc

    def __call__(self, *args, **kwargs):
        return _on_device(self._ufunc, args, kwargs)

    def at(self, array, indices, *values):
        self._ufunc.at(_unwrap(array), _index(indices), *_unwrap(values))

    def __getattr__(self, name):
        value = getattr(self._ufunc, name)
        if callable(value):
            return lambda *args, **kwargs: _on_device(value, args, kwargs)
        return value


def _host_to_device(array_function):
    def copy_over(value, *args, **kwargs):
        host = value._host if isinstance(value, DeviceArray) else value
        return DeviceArray(array_function(host, *args, **kwargs))

    return copy_over


class _CupyStandIn(types.ModuleType):
    """`cupy` as far as minigrad uses it: numpy's namespace, on DeviceArrays."""

    ndarray = DeviceArray
    cuda = types.SimpleNamespace(
        runtime=types.SimpleNamespace(getDeviceCount=lambda: 1),
        # the CPU finishes each call before returning: nothing is ever queued
        Device=lambda device=0: types.SimpleNamespace(synchronize=lambda: None),
    )
    asarray = staticmethod(_host_to_device(np.asarray))
    array = staticmethod(_host_to_device(np.array))

    @staticmethod
    def asnumpy(value):
        return value.get() if isinstance(value, DeviceArray) else np.asarray(value)

    @staticmethod
    def get_array_module(*arrays):
        return module if any(isinstance(a, DeviceArray) for a in arrays) else np

    def __getattr__(self, name):
        return _on_device_attribute(np, name)


class _Namespace:
    """numpy.linalg, numpy.lib.stride_tricks, ... with device arrays in and out."""

    def __init__(self, namespace):
        self._namespace = namespace

    def __getattr__(self, name):
        return _on_device_attribute(self._namespace, name)


def _on_device_attribute(namespace, name):
    value = getattr(namespace, name)
    if isinstance(value, np.ufunc):
        return _DeviceUfunc(value)
    if isinstance(value, types.ModuleType):
        return _Namespace(value)
    if callable(value) and not isinstance(value, type):
        return lambda *args, **kwargs: _on_device(value, args, kwargs)
    return value


module = _CupyStandIn("cupy")
