"""Every Numba kernel compiles for a real GPU (to PTX, for compute capability 8.0), with the
argument types host.py passes, and does no float64 arithmetic.

The simulator runs kernels as Python, so it cannot catch what only the compiler sees: a
typing error, or a float64 that slipped into float32 math (a Python float literal, a
builtin that widens). Compiling needs no GPU, except that Numba asks the driver for the
device's compute capability when it compiles a device function; the compiling process is
told 8.0 instead. It runs apart from pytest's process, which keeps that stand-in contained.
"""

import json
import pathlib
import re
import subprocess
import sys

import pytest

from kernels.cuda_source import FILE_OF_KERNEL

REPO = pathlib.Path(__file__).resolve().parents[2]

COMPILE_ALL = """
import json, types
import numba.cuda.dispatcher
from numba import cuda, float32, int32, uint8
from numba.types import UniTuple

numba.cuda.dispatcher.get_current_device = lambda: types.SimpleNamespace(compute_capability=(8, 0))

from kernels import numba_kernels

floats, mask, scale = float32[::1], uint8[::1], float32
gemm = (floats, floats, floats)
attention = (floats, floats, floats, mask)
signatures = {
    "matmul": (*gemm, UniTuple(int32, 5)),
    "conv2d_forward": (*gemm, UniTuple(int32, 18)),
    "conv2d_grad_input": (*gemm, UniTuple(int32, 18)),
    "conv2d_grad_weight": (*gemm, UniTuple(int32, 18)),
    "attention_forward": (*attention, floats, floats, UniTuple(int32, 6), scale),
    "attention_backward_dkdv": (*attention, *[floats] * 5, UniTuple(int32, 6), scale),
    "attention_backward_dq": (*attention, *[floats] * 4, UniTuple(int32, 6), scale),
    "adam_update": (floats, floats, floats, floats, UniTuple(int32, 1), *[float32] * 6),
}
ptx = {}
for name, signature in signatures.items():
    head_dim = 64 if name.startswith("attention") else None
    kernel = numba_kernels.compiled(name, head_dim)
    ptx[name] = cuda.compile_ptx(kernel.py_func, signature, cc=(8, 0))[0]
print(json.dumps(ptx))
"""

FLOAT64_INSTRUCTION = re.compile(r"^\s*[a-z]+(\.[a-z0-9]+)*\.f64\b", re.MULTILINE)


@pytest.fixture(scope="module")
def ptx_of_kernel():
    done = subprocess.run(
        [sys.executable, "-c", COMPILE_ALL], cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", FILE_OF_KERNEL)
def test_numba_kernel_compiles_to_float32_only_ptx(ptx_of_kernel, name):
    ptx = ptx_of_kernel[name]
    assert ".entry" in ptx
    assert FLOAT64_INSTRUCTION.search(ptx) is None, f"float64 arithmetic in {name}"
