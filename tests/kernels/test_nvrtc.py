"""Every CUDA C file compiles with NVRTC, the compiler CuPy's RawModule runs on the GPU
machine, from the very text and options CuPy passes, for Ampere (sm_80) and Hopper (sm_90).

test_nvcc.py checks the same text with nvcc; NVRTC is a different front end (no host
compiler, no system headers), and it is the one that runs when a lesson first reaches a
kernel on a GPU. The attention kernels are compiled for several head dims, as CuPy compiles
one module per head dim in use. Skipped where NVRTC is not installed.
"""

import re

import pytest

from kernels.cuda_source import FILE_OF_KERNEL, compile_options, read_source
from kernels.tiles import MAX_HEAD_DIM
from tests.kernels import nvrtc

LIBRARY = nvrtc.load()
pytestmark = pytest.mark.skipif(LIBRARY is None, reason="NVRTC (libnvrtc) is not installed")

FLOAT64_INSTRUCTION = re.compile(r"^\s*[a-z]+(\.[a-z0-9]+)*\.f64\b", re.MULTILINE)
CASES = [
    (file_name, head_dim)
    for file_name in sorted(set(FILE_OF_KERNEL.values()))
    for head_dim in ((1, 24, MAX_HEAD_DIM) if file_name == "attention.cu" else (None,))
]


def compile_as_cupy(file_name, head_dim, arch):
    options = (*compile_options(head_dim), *nvrtc.CUPY_OPTIONS, f"-arch={arch}")
    return nvrtc.compile_program(LIBRARY, read_source(file_name), options, name=file_name)


@pytest.mark.parametrize("arch", ["sm_80", "sm_90"])
@pytest.mark.parametrize("file_name, head_dim", CASES)
def test_cuda_source_compiles_to_cubin_as_cupy_does(file_name, head_dim, arch):
    _, cubin, log = compile_as_cupy(file_name, head_dim, arch)
    assert cubin.startswith(b"\x7fELF"), "NVRTC returned no cubin"
    assert "warning" not in log.lower(), log
    for kernel, source_file in FILE_OF_KERNEL.items():
        if source_file == file_name:
            assert kernel.encode() in cubin, f"{kernel} missing from {file_name}"


@pytest.mark.parametrize("file_name, head_dim", CASES)
def test_kernels_are_extern_c_entries_with_no_float64(file_name, head_dim):
    ptx, _, _ = compile_as_cupy(file_name, head_dim, "compute_90")
    for kernel, source_file in FILE_OF_KERNEL.items():
        if source_file == file_name:
            # RawModule.get_function looks kernels up by their unmangled names
            assert f".entry {kernel}(" in ptx, f"{kernel} is not an extern \"C\" entry"
    assert FLOAT64_INSTRUCTION.search(ptx) is None, "float64 arithmetic in a float32 kernel"


def test_a_source_nvrtc_rejects_fails_with_its_log():
    with pytest.raises(nvrtc.CompileError, match="undefined"):
        nvrtc.compile_program(LIBRARY, "__global__ void k() { undefined_name(); }", ("-arch=sm_90",))
