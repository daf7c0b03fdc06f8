"""Running lessons from the tests: each lesson as a user would run it (its own Python
process, --quick, on the CPU), at most once per test session, shared by every test file that
reads its output through the `quick_run` fixture. Registered by tests/conftest.py.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from lessons.__main__ import discover_lessons
from lessons.common import RESULT_PREFIX

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_python(*args):
    return subprocess.run(
        [sys.executable, *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory):
    """quick_run(number) -> (completed process, its out folder); each lesson runs only once."""
    runs = {}

    def run(number):
        if number not in runs:
            out = tmp_path_factory.mktemp(f"lesson{number:02d}")
            module = discover_lessons()[number]
            done = run_python("-m", module, "--quick", "--device", "cpu", "--out", str(out))
            runs[number] = done, out
        return runs[number]

    return run


def result_line(done):
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    assert lines, f"no {RESULT_PREFIX!r} line in the output:\n{done.stdout[-3000:]}"
    return lines[-1][len(RESULT_PREFIX):]
