"""The CUDA C kernels of kernels/cuda/, compiled by CuPy (NVRTC) at first use.

`kernel(name, head_dim)` returns `launch(grid, block, args)`, the interface host.py drives
(numba_kernels.py offers the same for the Numba kernels). Tile sizes, and the head dim of the
attention kernels, reach the source as -D options; CuPy caches each compiled module on disk.
"""

import functools
import pathlib
import re

import cupy
import numpy as np

from kernels import tiles

CUDA_DIR = pathlib.Path(__file__).parent / "cuda"

SOURCE_FILE = {
    "matmul": "matmul.cu",
    "conv2d_forward": "conv2d.cu",
    "conv2d_grad_input": "conv2d.cu",
    "conv2d_grad_weight": "conv2d.cu",
    "attention_forward": "attention.cu",
    "attention_backward_dkdv": "attention.cu",
    "attention_backward_dq": "attention.cu",
}


def kernel(name, head_dim=None):
    function = _module(SOURCE_FILE[name], head_dim).get_function(name)

    def launch(grid, block, args):
        function(grid, block, tuple(_as_struct(a) if isinstance(a, tuple) else a for a in args))

    return launch


@functools.lru_cache(maxsize=None)
def _module(file_name, head_dim):
    options = ("-std=c++17", *tiles.cuda_defines(head_dim))
    return cupy.RawModule(code=read_source(CUDA_DIR / file_name), options=options)


def read_source(path):
    """The file's text with each local #include "x.cuh" replaced by that file's text.

    CuPy's on-disk cache keys on the source text; pasting the headers in means an edited
    header recompiles instead of reusing a stale kernel.
    """
    def paste(match):
        return read_source(path.parent / match.group(1))

    return re.sub(r'^#include "([^"]+)"$', paste, path.read_text(), flags=re.MULTILINE)


def _as_struct(values):
    """A tuple of int32 as the kernel's geometry struct: a numpy structured scalar, which CuPy
    passes by value, with one int field per value in order."""
    fields = np.dtype({"names": [f"f{i}" for i in range(len(values))], "formats": [np.int32] * len(values)})
    return np.array(values, dtype=np.int32).view(fields)
