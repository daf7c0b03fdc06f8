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

default_float = float32


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
