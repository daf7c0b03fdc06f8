"""Where a minigrad training step spends its time: cProfile over the benchmark's workloads.

    python3 -m bench.profile_cpu [--only TEXT] [--steps 20] [--top 12]

Prints, per workload, the functions with the most time spent in themselves (tottime): numpy
calls show up as `{method 'xyz' of 'numpy.ndarray' objects}` or `{built-in method ...}`,
minigrad's as file:line(function). The clock is the process's CPU time, not the wall clock,
so that other programs sharing the machine do not inflate the numbers.
"""

import argparse
import cProfile
import io
import pstats
import time

from bench.cpu import limit_threads


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args(argv)
    limit_threads(1)
    from bench import workloads

    targets = [(w.name, w.steps()[0]) for w in workloads.WORKLOADS]
    targets.append(("per-op overhead chain", workloads.elementwise_chain(workloads.MINIGRAD)))
    for name, step in targets:
        if args.only.lower() not in name.lower():
            continue
        for _ in range(3):  # warm-up: Numba compilation and first-step allocations
            step()
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(args.steps):
            step()
        profile.disable()
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).sort_stats("tottime")
        stats.print_stats(args.top)
        print(f"==== {name}: {args.steps} steps, {stats.total_tt * 1e3 / args.steps:.2f} ms/step "
              "(CPU time, under the profiler)")
        print(_table_only(out.getvalue()))


def _table_only(report):
    """pstats' report from its column header on (drops the preamble about ordering)."""
    return report[report.index("   ncalls"):].rstrip() + "\n"


if __name__ == "__main__":
    main()
