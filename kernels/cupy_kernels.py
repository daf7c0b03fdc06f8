"""The CUDA C kernels of kernels/cuda/, compiled by CuPy (NVRTC) at first use.

`kernel(name, head_dim)` returns `launch(grid, block, args)`, the interface host.py drives
(numba_kernels.py offers the same for the Numba kernels). Tile sizes, and the head dim of the
attention kernels, reach the source as -D options; CuPy caches each compiled module on disk.
"""

import functools

import cupy
import numpy as np

from kernels.cuda_source import FILE_OF_KERNEL, compile_options, read_source


def kernel(name, head_dim=None):
    function = _module(FILE_OF_KERNEL[name], head_dim).get_function(name)

    def launch(grid, block, args):
        function(grid, block, tuple(_as_struct(a) if isinstance(a, tuple) else a for a in args))

    return launch


@functools.lru_cache(maxsize=None)
def _module(file_name, head_dim):
    return cupy.RawModule(code=read_source(file_name), options=compile_options(head_dim))


def _as_struct(values):
    """A tuple of int32 as the kernel's geometry struct: a numpy structured scalar, which CuPy
    passes by value, with one int field per value in order."""
    fields = np.dtype(
        {"names": [f"f{i}" for i in range(len(values))], "formats": [np.int32] * len(values)}
    )
    return np.array(values, dtype=np.int32).view(fields)
