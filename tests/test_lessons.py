"""Every lesson runs in --quick mode, ends with its RESULT line and saves its plots; lessons 01
and 02 reach their stated results; the runner prints its table.

Each lesson runs once per test session, as a user would run it (its own Python process), and
the tests below read that one run's output.
"""

import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from lessons.__main__ import discover_lessons
from lessons.common import RESULT_PREFIX

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parent.parent
LESSONS = discover_lessons()


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
            module = LESSONS[number]
            done = run_python("-m", module, "--quick", "--device", "cpu", "--out", str(out))
            runs[number] = done, out
        return runs[number]

    return run


def result_line(done):
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    assert lines, f"no {RESULT_PREFIX!r} line in the output:\n{done.stdout[-3000:]}"
    return lines[-1][len(RESULT_PREFIX):]


def test_lessons_are_found_in_numeric_order():
    assert list(LESSONS)[:2] == [1, 2]
    assert list(LESSONS) == sorted(LESSONS)


@pytest.mark.parametrize("number", list(LESSONS), ids=[m.split(".")[1] for m in LESSONS.values()])
def test_lesson_runs_quick_ends_with_result_and_saves_a_plot(quick_run, number):
    done, out = quick_run(number)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1].startswith(RESULT_PREFIX)
    assert list(out.glob("*.png")), "the lesson saved no plot"


def test_lesson_01_reaches_the_least_squares_line_within_1e_3(quick_run):
    done, out = quick_run(1)
    numbers = re.fullmatch(
        r"w=(\S+) b=(\S+) \(closed form w=(\S+) b=(\S+)\)", result_line(done)
    ).groups()
    w, b, w_printed, b_printed = (float(n) for n in numbers)
    x = np.arange(1.0, 11.0)
    y = np.array([2.0, 4.0, 5.0, 4.0, 5.0, 6.0, 7.0, 6.0, 8.0, 10.0])
    w_exact, b_exact = np.polyfit(x, y, 1)
    assert abs(w - w_exact) < 1e-3 and abs(b - b_exact) < 1e-3
    assert abs(w_printed - w_exact) < 1e-5 and abs(b_printed - b_exact) < 1e-5
    assert (out / "01_data_a.png").is_file() and (out / "01_data_b.png").is_file()


def test_lesson_01_flags_exactly_the_course_errors(quick_run):
    stdout = quick_run(1)[0].stdout
    flagged = set(re.findall(r"^ +WRONG +(.*?) +max \|difference\|", stdout, re.MULTILINE))
    assert flagged == {
        "seed 000 §4.2.3: ∇w SSE = 2x(w'x + b − y)x",
        "seed 000 §4.3 loop: dw = 2*x*(y - y_pred)",
        "seed 000 §4.3 loop: db = 2*(y - y_pred)",
        "seed 003 §5.2: dw1 = mean((y - y_pred)·σ'·x)",
        "seed 003 §5.2: db = mean((y - y_pred)·σ')",
    }


def test_lesson_01_course_loop_as_written_climbs(quick_run):
    stdout = quick_run(1)[0].stdout
    sse = re.search(r"SSE after epochs 1\.\.5 at lr \S+: (.*)", stdout).group(1).split(", ")
    sse = [float(v) for v in sse]
    assert all(later > earlier for earlier, later in zip(sse, sse[1:]))


def test_lesson_02_result_names_the_wrong_and_right_formulas(quick_run):
    done, out = quick_run(2)
    wrong, rest = result_line(done).removeprefix("course formulas WRONG: ").split("; right: ")
    assert set(wrong.split(", ")) == {
        "004 §2.1.3 sigmoid'", "004 §2.1.3 tanh'", "004 §2.1.3 ReLU'", "004 §2.1.1 ReLU=x"
    }
    assert rest == "003 §4.3 sigmoid'; hand backprop = autograd; AND learned 4/4"
    assert (out / "02_activations.png").is_file()


def test_runner_prints_a_table_and_exits_0(tmp_path):
    done = run_python("-m", "lessons", "--quick", "--device", "cpu", "--only", "1",
                      "--out", str(tmp_path))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    table = done.stdout.splitlines()
    header = table.index(next(line for line in table if line.startswith("lesson")))
    assert table[header].split() == ["lesson", "status", "seconds", "result"]
    row = table[header + 2].split(maxsplit=3)
    assert row[:2] == ["01_linear_regression", "ok"]
    assert row[3].startswith("w=0.69")
    assert (tmp_path / "01_data_a.png").is_file()


def test_runner_rejects_an_unknown_lesson_number():
    done = run_python("-m", "lessons", "--only", "99")
    assert done.returncode == 2
    assert "no lesson numbered [99]" in done.stderr


@pytest.mark.skipif(mg.cuda.is_available(), reason="a GPU is present")
def test_lesson_asked_for_cuda_without_a_gpu_says_so():
    done = run_python("-m", LESSONS[1], "--device", "cuda")
    assert done.returncode == 2
    assert "device 'cuda' was asked for, but no GPU is usable" in done.stderr


# --- lessons 04 (CNN) and 08 (pruning) ---------------------------------------------------------


def test_lesson_04_formulas_agree_with_minigrad_and_the_course_conv2d_fails(quick_run):
    done, out = quick_run(4)
    checks = re.findall(r"^ +(OK|WRONG) ", done.stdout, re.MULTILINE)
    assert len(checks) == 8 and set(checks) == {"OK"}
    assert "operands could not be broadcast together with shapes (3,3) (3,2)" in done.stdout
    assert "softmax then −log gives inf" in done.stdout
    assert (out / "04_curves_digits.png").is_file() and (out / "04_confusion_digits.png").is_file()


def test_lesson_04_quick_run_learns_the_digits(quick_run):
    done, _ = quick_run(4)
    accuracy, constant = re.fullmatch(
        r"test accuracy=(\S+) on 8×8 digits \(target ≥ 0\.975\) in 4 epochs "
        r"\(constant lr 0\.001: (\S+)\)", result_line(done)
    ).groups()
    assert float(accuracy) >= 0.90 and float(constant) >= 0.85


def test_lesson_04_without_mnist_files_says_where_to_get_them(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", LESSONS[4], "--dataset", "mnist", "--out", str(tmp_path)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "MINIGRAD_DATA": str(tmp_path)},
    )
    assert done.returncode == 2
    assert "--dataset mnist needs the MNIST files" in done.stderr
    assert "python -m datasets.mnist" in done.stderr


def write_idx(path, array, magic):
    header = struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def test_lesson_04_runs_the_documents_28x28_shapes_on_mnist_files(tmp_path):
    rng = np.random.default_rng(0)
    (tmp_path / "mnist").mkdir()
    for prefix, count in (("train", 64), ("t10k", 32)):
        write_idx(tmp_path / "mnist" / f"{prefix}-images-idx3-ubyte",
                  rng.integers(0, 256, (count, 28, 28)), magic=2051)
        write_idx(tmp_path / "mnist" / f"{prefix}-labels-idx1-ubyte",
                  rng.integers(0, 10, count), magic=2049)
    done = subprocess.run(
        [sys.executable, "-m", LESSONS[4], "--dataset", "mnist", "--epochs", "1",
         "--device", "cpu", "--out", str(tmp_path)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "MINIGRAD_DATA": str(tmp_path)},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Flatten    → (1600,)" in done.stdout and "225,034 parameters" in done.stdout
    assert re.fullmatch(r"test accuracy=\S+ on 28×28 MNIST in 1 epochs .*", result_line(done))
    assert (tmp_path / "04_curves_mnist.png").is_file()


def test_lesson_08_prunes_most_weights_within_a_point_and_masks_keep_the_zeros(quick_run):
    done, out = quick_run(8)
    dense, sparsity, reached, method, threshold = re.fullmatch(
        r"dense acc=(\S+); ≤1 pt loss up to (\d+)% sparsity \(acc=(\S+), (.+)\); "
        r"threshold 0\.01 → (\S+)% sparse", result_line(done)
    ).groups()
    assert float(dense) >= 0.90
    assert int(sparsity) >= 50 and float(reached) >= float(dense) - 0.01
    assert method in ("fixed pruning + fine-tuning", "sparse training")
    assert 5 < float(threshold) < 30
    revived = int(re.search(r"without a mask: (\d+) of them are nonzero again", done.stdout).group(1))
    assert revived > 0
    masked, in_use = re.search(
        r"total +(\d+) of +\d+ zero.*\n.*with (\d+) zeros still in use", done.stdout
    ).groups()
    assert masked == in_use
    assert (out / "08_accuracy_vs_sparsity.png").is_file()
