"""Run every lesson in numeric order and print a table of their results.

    python -m lessons [--quick] [--device cpu|cuda] [--only 01 03] [--out DIR] [--verbose]

Each lesson `lessons/NN_name.py` runs as its own process (`python -m lessons.NN_name`), so one
lesson's crash, seed or device state cannot leak into the next. Its last `RESULT:` line goes
into the table (as the last column: it is the wide one). When a lesson fails, the tail of its
output is shown, and the exit status is 1.
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

from lessons.common import RESULT_PREFIX

LESSONS_DIR = Path(__file__).parent
REPO_ROOT = LESSONS_DIR.parent
FAILURE_TAIL_LINES = 40


def discover_lessons():
    """{number: module name} for every lessons/NN_*.py, in numeric order."""
    paths = sorted(LESSONS_DIR.glob("[0-9][0-9]_*.py"))
    return {int(path.name[:2]): f"lessons.{path.stem}" for path in paths}


def parse_args(available):
    parser = argparse.ArgumentParser(prog="python -m lessons", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs (what CI uses)")
    parser.add_argument("--device", help="cpu or cuda, passed to every lesson")
    parser.add_argument("--out", help="folder for the plots, passed to every lesson")
    parser.add_argument("--only", nargs="+", type=int, metavar="NN", help="lesson numbers to run")
    parser.add_argument("--verbose", action="store_true", help="print every lesson's output")
    args = parser.parse_args()
    unknown = sorted(set(args.only or []) - set(available))
    if unknown:
        parser.error(f"no lesson numbered {unknown}; the lessons are {sorted(available)}")
    return args


def flags_for_lessons(args):
    flags = ["--quick"] if args.quick else []
    for name in ("device", "out"):
        if getattr(args, name) is not None:
            flags += [f"--{name}", getattr(args, name)]
    return flags


def run_lesson(module, flags):
    """(ok, result line, seconds, output) of one lesson run in its own Python process."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", module, *flags],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seconds = time.perf_counter() - start
    results = [line for line in done.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    result = results[-1][len(RESULT_PREFIX):] if results else "(no RESULT line)"
    return done.returncode == 0 and bool(results), result, seconds, done.stdout


def print_table(rows):
    table = [("lesson", "status", "seconds", "result"), *rows]
    widths = [max(len(row[k]) for row in table) for k in range(4)]
    for k, row in enumerate(table):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if k == 0:
            print("  ".join("-" * width for width in widths))


def main():
    lessons = discover_lessons()
    args = parse_args(lessons)
    chosen = {n: m for n, m in lessons.items() if args.only is None or n in args.only}
    flags = flags_for_lessons(args)
    rows = []
    for module in chosen.values():
        name = module.removeprefix("lessons.")
        print(f"running {name} ...", flush=True)
        ok, result, seconds, output = run_lesson(module, flags)
        if args.verbose:
            print(output)
        elif not ok:
            tail = output.splitlines()[-FAILURE_TAIL_LINES:]
            print(f"--- {name} FAILED; last {len(tail)} lines of its output:")
            print("\n".join(tail))
        rows.append((name, "ok" if ok else "FAILED", f"{seconds:.1f}", result))
    print()
    print_table(rows)
    return 0 if all(status == "ok" for _, status, *_ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
