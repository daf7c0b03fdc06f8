"""`mg.cuda.is_available()`: whether a GPU backend (CuPy with a CUDA device) is usable."""

from minigrad.backend import is_cuda_available as is_available  # noqa: F401
