"""The dtypes minigrad names, as numpy dtypes (CuPy uses the same ones).

float32 is the default: it is what GPUs are fast at and what PyTorch uses. A float64 value
appearing in a float32 model is a bug (it halves speed and hides mixed-precision errors), so
conversions here never widen silently.
"""

import builtins

import numpy as np

float16 = half = np.dtype("float16")
float32 = np.dtype("float32")
float64 = double = np.dtype("float64")
int32 = np.dtype("int32")
int64 = long = np.dtype("int64")
uint8 = np.dtype("uint8")
bool_ = np.dtype("bool")

default_float = float32  # what Python floats become; set_default_dtype changes it


def get_default_dtype():
    """torch.get_default_dtype: the dtype Python floats and float factories give."""
    return default_float


def set_default_dtype(dtype):
    """torch.set_default_dtype: make `dtype` what Python floats, `mg.tensor([1.0])`, randn,
    zeros, ... give. Only float32 and float64: PyTorch also takes float16 and bfloat16, but
    a float16 default makes every constant half precision (minigrad keeps float16 to
    explicit casts and minigrad.amp), and numpy has no bfloat16."""
    global default_float
    dtype = as_dtype(dtype)
    if dtype not in (float32, float64):
        raise TypeError(
            f"set_default_dtype: only float32 and float64 can be the default, got {dtype}"
        )
    default_float = dtype


def is_floating(dtype):
    return np.dtype(dtype).kind == "f"


def as_dtype(dtype):
    """A numpy dtype from a dtype, a name ('float32') or a Python type; None stays None.

    Python's `float` means minigrad's default float (float32), as `torch.float` does.
    """
    if dtype is None:
        return None
    if dtype is builtins.float:
        return default_float
    return np.dtype(dtype)
