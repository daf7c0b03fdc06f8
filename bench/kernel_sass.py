"""What the CUDA C kernels compile to, read without a GPU: registers, spills, and the
instructions of each loop in the machine code (SASS).

    python -m bench.kernel_sass                 # sm_90 (Hopper), head dim 64
    python -m bench.kernel_sass --arch sm_80 --head-dim 32

Needs nvcc (the CUDA toolkit) and cuobjdump (the toolkit's, or `pip install
nvidia-cuda-cuobjdump`). Each .cu file is compiled as CuPy compiles it (kernels/cuda_source.py)
to a cubin; ptxas reports registers and spills; cuobjdump disassembles; a loop is a backward
branch and the instructions from its target to it. Counts are static: a loop nested in another
appears once in the outer loop's count and again on its own row, and runs as many times as its
trip count. What a loop's counts tell: FFMA is the arithmetic a GEMM or attention kernel is
for; every other instruction competes with it for issue slots; LDS are shared-memory reads
(.128: four floats at once), LDG device-memory reads, LDL/STL local memory (spilled registers),
which should be absent from a hot loop. These are leads, not timings (bench/gpu_kernels.py
times the kernels on a GPU).
"""

import argparse
import collections
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from kernels.cuda_source import FILE_OF_KERNEL, compile_options, read_source

INSTRUCTION = re.compile(r"/\*([0-9a-f]{4,})\*/\s+(?:@!?U?P\w+\s+)?([A-Z][A-Z0-9_.]*)([^;]*);")
FUNCTION = re.compile(r"\n\s+Function : (\w+)")
PTXAS_FUNCTION = re.compile(
    r"Compiling entry function '(\w+)'.*?(\d+) bytes spill stores.*?Used (\d+) registers", re.S
)
COUNTED = ("FFMA", "LDS", "LDS.128", "LDG", "LDL", "STL")


def main(argv=None):
    args = parse_args(argv)
    nvcc, cuobjdump = shutil.which("nvcc"), find_cuobjdump()
    if nvcc is None or cuobjdump is None:
        sys.exit("bench/kernel_sass.py needs nvcc and cuobjdump (pip install "
                 "nvidia-cuda-cuobjdump)")
    lines = [
        f"SASS of the CUDA C kernels for {args.arch}, head dim {args.head_dim} "
        "(`python -m bench.kernel_sass`); loop rows: static instruction counts",
        "",
        "| kernel | registers | spill bytes | loop | instructions | " + " | ".join(COUNTED) + " |",
        "| --- | ---: | ---: | --- | ---: |" + " ---: |" * len(COUNTED),
    ]
    with tempfile.TemporaryDirectory() as folder:
        for file_name in sorted(set(FILE_OF_KERNEL.values())):
            head_dim = args.head_dim if file_name == "attention.cu" else None
            report, sass = compile_to_sass(nvcc, cuobjdump, file_name, head_dim, args.arch, folder)
            for kernel, (spilled, registers) in report.items():
                for loop, total, counts in loops(sass[kernel]):
                    cells = [str(counts[name]) for name in COUNTED]
                    lines.append(f"| {kernel} | {registers} | {spilled} | {loop} | {total} | "
                                 + " | ".join(cells) + " |")
    print("\n".join(lines))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="sm_90", help="the GPU architecture (sm_80, sm_90)")
    parser.add_argument("--head-dim", type=int, default=64, help="the attention kernels' head dim")
    return parser.parse_args(argv)


def find_cuobjdump():
    """cuobjdump on PATH, or the one the nvidia-cuda-cuobjdump wheel installs."""
    found = shutil.which("cuobjdump")
    if found:
        return found
    for root in sys.path:
        candidates = glob.glob(os.path.join(root, "nvidia", "cu*", "bin", "cuobjdump"))
        if candidates:
            return candidates[0]
    return None


def compile_to_sass(nvcc, cuobjdump, file_name, head_dim, arch, folder):
    """({kernel: (spill store bytes, registers)}, {kernel: its SASS text})."""
    source = Path(folder) / file_name
    source.write_text(read_source(file_name))
    cubin = source.with_suffix(".cubin")
    command = [nvcc, f"-arch={arch}", "-cubin", "-Xptxas", "-v", *compile_options(head_dim),
               str(source), "-o", str(cubin)]
    built = subprocess.run(command, capture_output=True, text=True, check=True)
    report = {name: (int(spill), int(regs))
              for name, spill, regs in PTXAS_FUNCTION.findall(built.stderr)}
    sass = subprocess.run([cuobjdump, "-sass", str(cubin)], capture_output=True, text=True,
                          check=True).stdout
    parts = FUNCTION.split(sass)[1:]
    return report, dict(zip(parts[::2], parts[1::2]))


def loops(sass):
    """(address range, instruction count, Counter of instruction kinds) for each backward
    branch's loop of at least 50 instructions (smaller ones are copy loops and tails)."""
    instructions = [(int(address, 16), opcode, rest)
                    for address, opcode, rest in INSTRUCTION.findall(sass)]
    found = []
    for address, opcode, rest in instructions:
        target = re.search(r"0x([0-9a-f]+)", rest)
        if opcode.startswith("BRA") and target and int(target.group(1), 16) < address:
            start = int(target.group(1), 16)
            body = [op for at, op, _ in instructions if start <= at <= address]
            if len(body) >= 50:
                found.append((f"{start:#x}–{address:#x}", len(body), count_kinds(body)))
    return found


def count_kinds(opcodes):
    """How many of each opcode (LDG.E.128 counts as LDG), and of LDS.128 apart."""
    counts = collections.Counter()
    for opcode in opcodes:
        base = opcode.split(".")[0]
        counts[base] += 1
        if opcode.startswith("LDS.128"):
            counts["LDS.128"] += 1
    return counts


if __name__ == "__main__":
    main()
