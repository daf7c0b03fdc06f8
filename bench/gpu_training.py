"""Lesson 04's CNN trained on the GPU against the CPU: time per epoch, and the ratio.

    python -m bench.gpu_training            # on a machine with a CUDA GPU and CuPy
    python -m bench.gpu_training --quick    # fewer steps, to check the script runs

Both devices run the same training loop, lessons.digits_cnn.train_epoch (zero_grad, forward,
cross-entropy, the NaN check, backward, Adam), on the same model and data:

  digits 8×8    the lesson as it runs: DigitsCNN(), batch 32, over the 1,437 training digits
  28×28         the course's MNIST shapes: DigitsCNN(image_size=28, padding=0), batch 128, on
                random images (values do not change the work); an MNIST epoch is 469 steps

The CPU is the same machine's, with numpy's default threads. The GPU runs each kernel choice
(MINIGRAD_KERNELS=cupy|numba|vendor; with vendor, Adam's step is CuPy's dozen array operations
per parameter instead of kernels/cuda/adam.cu's one launch). Times are wall clock: the NaN check reads every loss,
and the GPU is synchronized before the clock is read. The median of --repeats timed runs
after one warm-up run (which also compiles the kernels). An epoch's time is the median time
per step times the steps of a full epoch; for the digits that is exactly the run timed.
The table goes to bench/RESULTS.md, section "GPU training", with the device's name.
"""

import argparse
import datetime
import importlib
import statistics
import sys
import time
from dataclasses import dataclass

import numpy as np

import minigrad as mg
from bench.results import write_section
from kernels import dispatch
from lessons import digits_cnn

SECTION = "GPU training"


@dataclass
class Workload:
    name: str
    image_size: int
    padding: int
    batch: int
    steps_per_epoch: int  # of the full data set this workload stands for
    steps_timed: int


def workloads(quick):
    digits_steps = -(-1437 // 32)
    return [
        Workload("digits 8×8 (lesson 04), batch 32", 8, 1, 32, digits_steps, digits_steps),
        Workload("28×28 (MNIST shapes), batch 128", 28, 0, 128, 469, 4 if quick else 30),
    ]


def main(argv=None):
    args = parse_args(argv)
    if not mg.cuda.is_available():
        sys.exit(
            "bench/gpu_training.py needs a CUDA GPU and CuPy (pip install -e '.[gpu]'); "
            "none is usable here, so nothing was measured."
        )
    rows = [row for w in workloads(args.quick) for row in compare_devices(w, args.repeats)]
    table = markdown_table(rows)
    print(table)
    if not args.no_write:
        write_section(SECTION, describe_machine(args) + "\n\n" + table)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps, to test the script")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per measurement")
    parser.add_argument("--no-write", action="store_true", help="print, but leave RESULTS.md")
    return parser.parse_args(argv)


def compare_devices(workload, repeats):
    """The CPU's ms per step, then each kernel choice's on the GPU, as table rows."""
    cpu_ms = ms_per_step(workload, "cpu", repeats)
    rows = [row(workload, "CPU (numpy)", cpu_ms, cpu_ms)]
    for choice in dispatch.CHOICES:
        with dispatch.using(choice):
            gpu_ms = ms_per_step(workload, "cuda", repeats)
        rows.append(row(workload, f"GPU, MINIGRAD_KERNELS={choice}", gpu_ms, cpu_ms))
    return rows


def ms_per_step(workload, device, repeats):
    """Median wall-clock ms per training step of `workload` on `device`."""
    mg.manual_seed(0)
    model = digits_cnn.DigitsCNN(workload.image_size, workload.padding).to(device)
    x, y = training_data(workload, device)
    loader = digits_cnn.train_loader(x, y, workload.batch, device=device)
    optimizer = mg.optim.Adam(model.parameters(), lr=digits_cnn.LEARNING_RATE)
    wait = mg.cuda.synchronize if device == "cuda" else (lambda: None)
    times = []
    for run in range(repeats + 1):  # run 0 warms up: kernel compilation, memory pools
        start = time.perf_counter()
        digits_cnn.train_epoch(model, loader, optimizer)
        wait()
        if run:
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3 / len(loader)


def training_data(workload, device):
    if workload.image_size == 8:
        x_train, y_train, _, _ = digits_cnn.digit_data(device)
        return x_train, y_train
    rng = np.random.default_rng(0)
    count = workload.batch * workload.steps_timed
    images = rng.random((count, 1, workload.image_size, workload.image_size), dtype=np.float32)
    labels = rng.integers(0, 10, count)
    return mg.tensor(images, device=device), mg.tensor(labels, device=device)


def row(workload, where, ms, cpu_ms):
    return dict(
        workload=workload.name,
        where=where,
        ms_per_step=ms,
        epoch_s=ms * workload.steps_per_epoch / 1e3,
        speedup=cpu_ms / ms,
    )


def describe_machine(args):
    cupy = importlib.import_module("cupy")
    name = cupy.cuda.runtime.getDeviceProperties(0)["name"]
    name = name.decode() if isinstance(name, bytes) else name
    return (
        f"Device: **{name}**, against this machine's CPU (numpy's default threads). Measured "
        f"{datetime.date.today().isoformat()} by `python -m bench.gpu_training"
        f"{' --quick' if args.quick else ''}`; wall clock, median of {args.repeats} runs after "
        "a warm-up run. Target (issue 5): lesson 04's epoch ≥ 10× faster on the GPU."
    )


def markdown_table(rows):
    lines = [
        "| workload | where | ms / step | s / epoch | speed-up over the CPU |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['workload']} | {r['where']} | {r['ms_per_step']:.2f} | {r['epoch_s']:.2f} | "
            f"{r['speedup']:.1f}× |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
