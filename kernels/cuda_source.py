"""The CUDA C sources in kernels/cuda/: which file holds which kernel, the text to compile,
and the compiler options. CuPy compiles them at run time (cupy_kernels.py); the tests compile
the same text with the same options through nvcc, so a source that CuPy would reject fails CI.
"""

import pathlib
import re

from kernels import tiles

CUDA_DIR = pathlib.Path(__file__).parent / "cuda"

FILE_OF_KERNEL = {
    "matmul": "matmul.cu",
    "conv2d_forward": "conv2d.cu",
    "conv2d_grad_input": "conv2d.cu",
    "conv2d_grad_weight": "conv2d.cu",
    "attention_forward": "attention.cu",
    "attention_backward_dkdv": "attention.cu",
    "attention_backward_dq": "attention.cu",
    "adam_update": "adam.cu",
}


def read_source(file_name):
    """The file's text with each local #include "x.cuh" replaced by that file's text.

    CuPy's on-disk kernel cache is keyed on the source text; pasting the headers in means an
    edited header recompiles instead of reusing a stale kernel.
    """
    text = (CUDA_DIR / file_name).read_text()
    return re.sub(r'^#include "([^"]+)"$', lambda m: read_source(m.group(1)), text, flags=re.M)


def compile_options(head_dim=None):
    """C++17, the tile sizes, and (attention only) the head dim, as -D macros."""
    return ("-std=c++17", *tiles.cuda_defines(head_dim))
