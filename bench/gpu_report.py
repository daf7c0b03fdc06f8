"""The tables of bench/gpu_kernels.py: a Group of measured rows per computation, its speed
against the yardsticks, the peak-memory sweep, and issue 5's targets judged from the rows.

A speed ratio is always the yardstick's time over ours: above 1, ours is faster.
"""

from dataclasses import dataclass, field

import numpy as np

OURS = {"cupy": "ours, CUDA C", "numba": "ours, Numba"}
CUDNN, SDPA, UNFUSED, CUBLAS = "cuDNN (PyTorch)", "PyTorch SDPA", "unfused, cuBLAS", "cuBLAS"


@dataclass
class Group:
    """One table: rows that time the same computations, and the yardsticks they are held to."""

    kind: str  # matmul, conv2d or attention
    title: str
    yardsticks: tuple
    rows: list = field(default_factory=list)

    def add(self, op, implementation, ms, flops, error=None, peak_mib=None):
        self.rows.append(
            dict(op=op, implementation=implementation, ms=ms, gflops=flops / ms / 1e6,
                 error=error, peak_mib=peak_mib)
        )

    def ms(self, op, implementation):
        for row in self.rows:
            if row["op"] == op and row["implementation"] == implementation:
                return row["ms"]
        return None

    def speed_vs(self, row, yardstick):
        """The yardstick's time for the row's op over the row's time (None if not measured)."""
        theirs = self.ms(row["op"], yardstick)
        return None if theirs is None else theirs / row["ms"]



def group_table(group):
    header = "| op | implementation | time (ms) | GFLOP/s | error | peak MiB | " + " | ".join(
        f"× {y}" for y in group.yardsticks
    ) + " |"
    lines = [f"**{group.title}**", "", header,
             "| --- | --- | ---: | ---: | ---: | ---: |" + " ---: |" * len(group.yardsticks)]
    for r in group.rows:
        ratios = [group.speed_vs(r, y) for y in group.yardsticks]
        cells = [
            r["op"], r["implementation"], f"{r['ms']:.3f}", f"{r['gflops']:.0f}",
            "" if r["error"] is None else f"{r['error']:.1e}",
            "" if r["peak_mib"] is None else f"{r['peak_mib']:.0f}",
            *("" if ratio is None else f"{ratio:.2f}" for ratio in ratios),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def memory_table(peaks):
    lengths = sorted({seq for by_length in peaks.values() for seq in by_length})
    lines = [
        "**Peak memory of attention forward + backward (MiB), B=1 H=8 D=64**",
        "",
        "| implementation | " + " | ".join(f"L={seq}" for seq in lengths) + " | growth per 2× L |",
        "| --- |" + " ---: |" * (len(lengths) + 1),
    ]
    for label, by_length in peaks.items():
        cells = [f"{by_length[seq]:.0f}" for seq in lengths]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {times(growth(by_length))} |")
    return "\n".join(lines)


def times(ratio):
    return "n/a" if np.isnan(ratio) else f"{ratio:.2f}×"


def growth(by_length):
    """How much the peak grows when L doubles, from the two largest lengths measured."""
    small, large = sorted(by_length)[-2:]
    if by_length[small] <= 0:  # nothing allocated: nothing to compare
        return np.nan
    return (by_length[large] / by_length[small]) ** (1 / np.log2(large / small))


def targets_table(groups, memory):
    """Issue 5's targets, each with the measured ratio it is judged by."""
    rows = []
    for group in groups:
        if group.kind == "matmul":
            for label, target in ((OURS["cupy"], 0.70), (OURS["numba"], 0.35)):
                rows.append(target_row(f"{label} / cuBLAS, {group.title}", target,
                                       speed(group, ["matmul"], label, CUBLAS)))
        elif group.kind == "conv2d":
            yardstick = group.yardsticks[0]
            for label in OURS.values():
                rows.append(target_row(f"{label} / {yardstick}, forward + both gradients, "
                                       f"{group.title}", 0.5,
                                       speed(group, CONV_PRODUCTS, label, yardstick)))
        else:
            for label in OURS.values():
                rows.append(target_row(f"{label}: unfused time / fused time, forward + "
                                       f"backward, {group.title}", 2.0,
                                       speed(group, ["forward + backward"], label, UNFUSED)))
    for label, by_length in memory.items():
        rows.append(f"| peak memory growth per 2× L, {label} | linear (2×) | "
                    f"{times(growth(by_length))} | |")
    return "\n".join([
        "**Issue 5's targets** (ratios are speeds: the yardstick's time over ours)",
        "",
        "| what | target | measured | met |",
        "| --- | --- | ---: | --- |",
        *rows,
    ])


CONV_PRODUCTS = ["conv2d forward", "conv2d grad_input", "conv2d grad_weight"]


def speed(group, ops, label, yardstick):
    """The yardstick's total time over `ops` divided by ours (nan if either is missing)."""
    ours = [group.ms(op, label) for op in ops]
    theirs = [group.ms(op, yardstick) for op in ops]
    if None in ours or None in theirs:
        return np.nan
    return sum(theirs) / sum(ours)


def target_row(what, target, measured):
    if np.isnan(measured):
        return f"| {what} | ≥ {target:g} | not measured | |"
    return f"| {what} | ≥ {target:g} | {measured:.2f} | {'yes' if measured >= target else 'no'} |"
