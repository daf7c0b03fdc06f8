"""CPU speed of minigrad next to PyTorch: training steps of the lessons' models, and the cost
of one small op.

    python3 -m bench.cpu [--threads N] [--clock wall|cpu] [--repeats R] [--only TEXT] [--no-write]

needs PyTorch (`pip install -e '.[bench]'`). Both frameworks get the same number of threads:
torch.set_num_threads(N), and for minigrad the BLAS under numpy (OPENBLAS_NUM_THREADS, set
before numpy loads) and Numba. The workloads are in `bench/workloads.py`: same weights, same
batch, Adam in both.

How a number is measured: each workload runs in a fresh process. After warm-up steps (which
also load minigrad's Numba kernels), R rounds alternate between the two frameworks, flipping
the order every round so that a burst of load from elsewhere on the machine hits both alike;
each round times a block of steps lasting about --block seconds. A cell of the table is the median over the rounds of
the time per step. The ratio is minigrad / PyTorch: below 1.0 minigrad is the faster.

The table is printed and written to bench/RESULTS.md, with the machine it ran on.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

from bench.results import write_section

SECTION = "CPU: minigrad vs PyTorch (training steps and per-op overhead)"
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1, help="threads for both frameworks")
    parser.add_argument("--repeats", type=int, default=9, help="interleaved rounds per workload")
    parser.add_argument("--block", type=float, default=0.3, help="seconds per timed block")
    parser.add_argument("--only", default="", help="run the workloads whose name contains this")
    parser.add_argument("--no-write", action="store_true", help="print, but leave RESULTS.md")
    parser.add_argument("--title", default=SECTION, help="section of RESULTS.md to write")
    parser.add_argument("--clock", choices=CLOCKS, default="wall",
                        help="wall time, or the process's CPU time (steadier on a busy machine)")
    parser.add_argument("--measure", metavar="WORKLOAD", default="",
                        help="time this one workload here and print it as JSON (each workload "
                             "of a full run does this in its own process)")
    return parser.parse_args(argv)


def limit_threads(n):
    """BLAS libraries read their thread count once, when loaded: set it before numpy loads."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ[name] = str(n)


def seconds_per_call(fn, count, clock):
    start = clock()
    for _ in range(count):
        fn()
    return (clock() - start) / count


def interleaved_medians(fns, repeats, block, clock, warmup=3):
    """Median seconds per call of each function in `fns`, timed in alternating rounds."""
    for fn in fns:
        seconds_per_call(fn, warmup, clock)
    counts = [max(1, round(block / seconds_per_call(fn, warmup, clock))) for fn in fns]
    rounds = [[] for _ in fns]
    for r in range(repeats):
        order = range(len(fns)) if r % 2 == 0 else reversed(range(len(fns)))
        for i in order:
            rounds[i].append(seconds_per_call(fns[i], counts[i], clock))
    return [statistics.median(times) for times in rounds]


def cpu_model():
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine_description(args, load_before, load_after):
    import numba
    import numpy
    import torch

    return (
        f"- CPU: {cpu_model()}, {os.cpu_count()} cores; {args.threads} thread(s) for each "
        "framework\n"
        f"- Python {platform.python_version()}, numpy {numpy.__version__}, "
        f"numba {numba.__version__}, torch {torch.__version__}\n"
        f"- load average (1 min) before / after the run: {load_before:.1f} / {load_after:.1f}\n"
        f"- run on {time.strftime('%Y-%m-%d %H:%M')} with `python3 -m bench.cpu "
        f"--threads {args.threads} --clock {args.clock}`; medians of {args.repeats} interleaved "
        f"rounds of {args.clock}-clock time"
    )


PER_OP = "per-op overhead"


def main(argv=None):
    args = parse_args(argv)
    limit_threads(args.threads)
    if args.measure:
        print(json.dumps(measure(args.measure, args)))
        return
    from bench.workloads import WORKLOADS  # noqa: E402  (after limit_threads, see there)

    load_before = os.getloadavg()[0]
    rows = []
    for name in [w.name for w in WORKLOADS] + [PER_OP]:
        if args.only.lower() in name.lower():
            rows.append(measure_in_fresh_process(name, args))
            print(_row(*rows[-1]), flush=True)
    table = "\n".join(
        ["| workload | minigrad | PyTorch | minigrad / PyTorch |", "|---|---:|---:|---:|"]
        + [_row(*row) for row in rows]
    )
    report = machine_description(args, load_before, os.getloadavg()[0]) + "\n\n" + table
    print("\n" + report)
    if not args.no_write:
        write_section(args.title, report)


def measure_in_fresh_process(name, args):
    """`measure` in a new Python process. Run one after the other in one process, workloads
    change each other's numbers: the memory the allocator keeps or returns after one decides
    how many page faults the next one pays (up to 10% of a CNN step)."""
    options = ["--threads", args.threads, "--clock", args.clock, "--repeats", args.repeats,
               "--block", args.block, "--measure", name]
    command = [sys.executable, "-m", "bench.cpu", *map(str, options)]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return tuple(json.loads(result.stdout.splitlines()[-1]))


def measure(name, args):
    """(row label, minigrad time, PyTorch time) of one workload, timed in this process."""
    import torch

    from bench import workloads

    torch.set_num_threads(args.threads)
    clock = CLOCKS[args.clock]
    if name == PER_OP:
        chains = [workloads.elementwise_chain(fw) for fw in (workloads.MINIGRAD, workloads.TORCH)]
        ours, theirs = interleaved_medians(chains, args.repeats, args.block, clock)
        per_op = 1e6 / workloads.OPS_PER_CHAIN
        label = f"{PER_OP}: {workloads.OPS_PER_CHAIN} ops on (16,) tensors (µs/op)"
        return label, ours * per_op, theirs * per_op
    workload = next(w for w in workloads.WORKLOADS if w.name == name)
    mg_step, torch_step = workload.steps()
    workloads.check_same_loss(mg_step, torch_step)
    ours, theirs = interleaved_medians([mg_step, torch_step], args.repeats, args.block, clock)
    return f"{name} (ms/step)", ours * 1e3, theirs * 1e3


def _row(name, ours, theirs):
    return f"| {name} | {ours:.3f} | {theirs:.3f} | {ours / theirs:.2f} |"


if __name__ == "__main__":
    main()
