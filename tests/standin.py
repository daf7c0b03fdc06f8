"""Fixtures that make 'cuda' mean the strict CuPy stand-in (tests/strict_cupy.py) for one
test, so the GPU code paths run on the CPU: `standin_gpu` with the vendor kernels, and
`standin_gpu_running_cuda_c` with the CUDA C kernels compiled for the CPU by g++.
Registered for every test module by tests/conftest.py.
"""

import shutil
import sys
import types

import pytest

from minigrad import backend
from tests import strict_cupy
from tests.kernels import cuda_on_cpu


@pytest.fixture
def standin_gpu(monkeypatch):
    """'cuda' means the strict stand-in for the length of one test."""
    monkeypatch.setattr(backend, "_cupy", strict_cupy.module)
    monkeypatch.setattr(backend, "_cupy_checked", True)
    # The stand-in has no RawModule and no cuDNN: the kernels come from kernels/vendor.py,
    # which is written on the array module, and conv2d from its im2col fallback.
    monkeypatch.setenv("MINIGRAD_KERNELS", "vendor")
    monkeypatch.setitem(sys.modules, "cupyx", None)


@pytest.fixture
def standin_gpu_running_cuda_c(standin_gpu, monkeypatch):
    """The stand-in with the default MINIGRAD_KERNELS=cupy: the CUDA C kernels of kernels/cuda/,
    compiled for the CPU by g++ (tests/kernels/cuda_on_cpu.py), take the place of CuPy's
    compiled modules, so the ops reach them exactly as they would on a GPU. Yields the names
    of the kernels launched."""
    if shutil.which("g++") is None:
        pytest.skip("g++ is not installed")
    launched = []

    def kernel(name, head_dim=None):
        launch = cuda_on_cpu.kernel(name, head_dim)

        def launch_on_the_arrays_behind(grid, block, args):
            launched.append(name)
            launch(grid, block, tuple(_host_memory(a) for a in args))

        return launch_on_the_arrays_behind

    monkeypatch.setenv("MINIGRAD_KERNELS", "cupy")
    monkeypatch.setitem(sys.modules, "kernels.cupy_kernels", types.SimpleNamespace(kernel=kernel))
    return launched


def _host_memory(arg):
    """The numpy array behind a device array: the kernel writes its results there."""
    return arg._host if isinstance(arg, strict_cupy.DeviceArray) else arg
