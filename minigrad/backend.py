"""Where a tensor's numbers live: numpy arrays on 'cpu', CuPy arrays on 'cuda'.

The backend is chosen at the edge, Chainer-style: an op never asks "am I on the GPU?", it asks
the array it was given for its array module (`array_module(x)`) and calls numpy's API on it.
CuPy mirrors that API, so one implementation of every op serves both devices. Data crosses
between devices only through `to_device` (used by `Tensor.to` and `Module.to`).

The default device for new tensors comes from the environment variable MINIGRAD_DEVICE
('cpu' unless set), so a script moves to the GPU without editing its code.
"""

import os

import numpy as np

DEVICES = ("cpu", "cuda")


def _import_cupy():
    try:
        import cupy
    except Exception:  # CuPy missing, or present but without a usable CUDA driver
        return None
    return cupy


_cupy = None
_cupy_checked = False


def cupy_module():
    """CuPy if it is installed and sees a GPU, else None (looked up once)."""
    global _cupy, _cupy_checked
    if not _cupy_checked:
        _cupy_checked = True
        cupy = _import_cupy()
        try:
            if cupy is not None and cupy.cuda.runtime.getDeviceCount() > 0:
                _cupy = cupy
        except Exception:
            _cupy = None
    return _cupy


def is_cuda_available():
    return cupy_module() is not None


def normalize_device(device):
    """'cpu', 'cuda' or 'cuda:N' (and None for the default) to 'cpu' or 'cuda'."""
    if device is None:
        device = os.environ.get("MINIGRAD_DEVICE", "cpu")
    name = str(device).split(":")[0].lower()
    if name not in DEVICES:
        raise ValueError(f"unknown device {device!r}: expected 'cpu' or 'cuda'")
    if name == "cuda" and not is_cuda_available():
        raise RuntimeError(
            "device 'cuda' was asked for, but no GPU is usable: CuPy is not installed "
            "(pip install 'minigrad[gpu]') or it finds no CUDA device. Use --device cpu "
            "or unset MINIGRAD_DEVICE."
        )
    return name


def default_device():
    return normalize_device(None)


def device_of(array):
    """'cuda' for arrays in GPU memory (they expose __cuda_array_interface__), else 'cpu'
    (numpy arrays and scalars, and also Python lists and numbers)."""
    return "cuda" if hasattr(type(array), "__cuda_array_interface__") else "cpu"


def array_module(array_or_device):
    """numpy or cupy: the module whose functions work on this array (or on this device)."""
    device = array_or_device if isinstance(array_or_device, str) else device_of(array_or_device)
    return np if device == "cpu" else cupy_module()


def to_device(array, device):
    """A copy of `array` on `device` (the same array when it is already there)."""
    if device_of(array) == device:
        return array
    if device == "cpu":
        return array.get()
    return cupy_module().asarray(array)


def to_numpy(array):
    return array if isinstance(array, np.ndarray) else np.asarray(to_device(array, "cpu"))
