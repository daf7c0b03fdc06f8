"""Every CUDA C file compiles with nvcc for Ampere (sm_80) and Hopper (sm_90), from the very
text and options CuPy compiles at run time, and contains no float64 arithmetic.

nvcc --ptx runs the C++ front end; ptxas then assembles for the architecture, which checks
registers, shared memory and launch bounds. Skipped where nvcc is not installed.
"""

import re
import shutil
import subprocess

import pytest

from kernels.cuda_source import FILE_OF_KERNEL, compile_options, read_source
from kernels.tiles import MAX_HEAD_DIM

NVCC, PTXAS = shutil.which("nvcc"), shutil.which("ptxas")
pytestmark = pytest.mark.skipif(
    NVCC is None or PTXAS is None, reason="nvcc and ptxas (the CUDA toolkit) are not installed"
)

FILES = sorted(set(FILE_OF_KERNEL.values()))
FLOAT64_INSTRUCTION = re.compile(r"^\s*[a-z]+(\.[a-z0-9]+)*\.f64\b", re.MULTILINE)


def compile_to_ptx(tmp_path, file_name, arch):
    head_dim = MAX_HEAD_DIM if file_name == "attention.cu" else None
    source = tmp_path / file_name
    source.write_text(read_source(file_name))
    ptx = tmp_path / f"{source.stem}.{arch}.ptx"
    command = [
        NVCC,
        f"-arch={arch}",
        "--ptx",
        *compile_options(head_dim),
        str(source),
        "-o",
        str(ptx),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return ptx


@pytest.mark.parametrize("arch", ["sm_80", "sm_90"])
@pytest.mark.parametrize("file_name", FILES)
def test_cuda_source_compiles_and_assembles(tmp_path, file_name, arch):
    ptx = compile_to_ptx(tmp_path, file_name, arch)
    text = ptx.read_text()
    for kernel, source_file in FILE_OF_KERNEL.items():
        if source_file == file_name:
            assert f".entry {kernel}(" in text, f"{kernel} missing from {file_name}"
    assert FLOAT64_INSTRUCTION.search(text) is None, "float64 arithmetic in a float32 kernel"
    done = subprocess.run(
        [PTXAS, f"-arch={arch}", str(ptx), "-o", str(ptx.with_suffix(".cubin"))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
