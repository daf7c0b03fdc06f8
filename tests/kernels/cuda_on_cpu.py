"""The CUDA C kernels of kernels/cuda/, compiled for the CPU with g++ and cuda_on_cpu.h,
behind the `kernel(name, head_dim)` interface of kernels/cupy_kernels.py. host.py drives
them unchanged, so a test can run the real .cu code through the real launch code without a
GPU: slowly (a thread per GPU thread), but checking every index.

Programs are built once per source and head dim into MINIGRAD_CUDA_ON_CPU_BUILD (or a
temporary folder) and reused, keyed by a hash of what they are built from.
"""

import functools
import hashlib
import os
import pathlib
import shutil
import subprocess
import tempfile

import numpy as np

from kernels.cuda_source import FILE_OF_KERNEL, compile_options, read_source

HERE = pathlib.Path(__file__).parent
COMPILER = shutil.which("g++")


def kernel(name, head_dim=None):
    program = build(FILE_OF_KERNEL[name], head_dim)

    def launch(grid, block, args):
        with tempfile.TemporaryDirectory() as folder:
            lines = [name, " ".join(str(n) for n in (*grid, *block))]
            arrays = []
            for i, arg in enumerate(args):
                if isinstance(arg, tuple):
                    lines.append(f"struct {len(arg)} " + " ".join(str(int(v)) for v in arg))
                elif isinstance(arg, np.ndarray) and arg.ndim == 1:
                    path = pathlib.Path(folder) / f"array{i}.bin"
                    arg.tofile(path)
                    lines.append(f"array {path}")
                    arrays.append((arg, path))
                else:
                    lines.append(f"float {float(arg)!r}")
            done = subprocess.run(
                [program], input="\n".join(lines), capture_output=True, text=True, timeout=300
            )
            if done.returncode != 0:
                raise RuntimeError(f"{name} on the CPU failed: {done.stderr}")
            for array, path in arrays:
                array[...] = np.fromfile(path, dtype=array.dtype)

    return launch


@functools.lru_cache(maxsize=None)
def build(file_name, head_dim):
    """The path of an executable that runs the kernels of `file_name` (see cuda_on_cpu.h)."""
    kernels = [name for name, source in FILE_OF_KERNEL.items() if source == file_name]
    dispatch = "\n".join(
        f'    if (launch.kernel == "{k}") run_kernel({k}, launch);' for k in kernels
    )
    program_text = (
        '#include "cuda_on_cpu.h"\n'
        + read_source(file_name)
        + "\nint main() {\n    Launch launch = read_launch(std::cin);\n"
        + dispatch
        + "\n    return 0;\n}\n"
    )
    defines = [option for option in compile_options(head_dim) if option.startswith("-D")]
    command = [COMPILER, "-std=c++20", "-O1", "-pthread", f"-I{HERE}", *defines]
    key = hashlib.sha256(
        (program_text + (HERE / "cuda_on_cpu.h").read_text() + " ".join(command)).encode()
    ).hexdigest()[:16]
    folder = pathlib.Path(os.environ.get("MINIGRAD_CUDA_ON_CPU_BUILD", tempfile.gettempdir()))
    program = folder / f"{pathlib.Path(file_name).stem}_{key}"
    if not program.exists():
        source = folder / f"{program.name}.cpp"
        source.write_text(program_text)
        done = subprocess.run(
            [*command, str(source), "-o", str(program)], capture_output=True, text=True, timeout=600
        )
        if done.returncode != 0:
            raise RuntimeError(f"g++ could not build {file_name} for the CPU:\n{done.stderr}")
    return str(program)
