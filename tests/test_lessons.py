"""Every lesson runs in --quick mode, ends with its RESULT line and saves its plots; lessons 01
and 02 reach their stated results; the runner prints its table.

Each lesson runs once per test session, as a user would run it (its own Python process), and
the tests below read that one run's output.
"""

import os
import re
import subprocess
import sys

import numpy as np
import pytest

import minigrad as mg
from lessons.__main__ import discover_lessons
from lessons.common import RESULT_PREFIX
from tests.datasets.fake_files import fake_idx_split
from tests.lesson_runs import REPO_ROOT, result_line, run_python

pytestmark = pytest.mark.slow

LESSONS = discover_lessons()


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


# --- lesson 03: MLP on the digits, and its evaluation ----------------------------------------

LESSON_03_RESULT = re.compile(
    r"test accuracy=(\S+) macro F1=(\S+) AUC\(macro\)=(\S+) 5-fold CV=(\S+)±(\S+)"
)


def test_lesson_03_quick_run_reaches_its_accuracy_and_reports_every_metric(quick_run):
    done, out = quick_run(3)
    accuracy, macro_f1, macro_auc, cv_mean, cv_std = (
        float(v) for v in LESSON_03_RESULT.fullmatch(result_line(done)).groups()
    )
    assert accuracy > 0.93 and macro_f1 > 0.93 and cv_mean > 0.92
    assert 0.98 < macro_auc <= 1.0
    assert 0 < cv_std < 0.05
    for plot in ("training_curves", "confusion_matrix", "roc_curves", "precision_recall_curves",
                 "mistakes"):
        assert (out / f"03_{plot}.png").is_file()


def test_lesson_03_flags_exactly_seed_003s_recall_as_wrong(quick_run):
    stdout = quick_run(3)[0].stdout
    checked = re.findall(r"^ +(OK|WRONG) +(.*?) +max \|difference\|", stdout, re.MULTILINE)
    assert len(checked) == 7
    assert [label for verdict, label in checked if verdict == "WRONG"] == [
        "seed 003 §9.6 recall: of predicted c, the share c"
    ]


def test_lesson_03_counts_its_test_mistakes_folds_and_leave_one_out_trainings(quick_run):
    stdout = quick_run(3)[0].stdout
    tally = re.search(r"accuracy \S+ \((\d+) of (\d+)\)", stdout)
    correct, total = int(tally.group(1)), int(tally.group(2))
    assert total == 355
    mistakes = int(re.search(r"^(\d+) mistakes\.", stdout, re.MULTILINE).group(1))
    assert mistakes == total - correct
    fold_scores = re.search(r"fold accuracies: (.*)", stdout).group(1).split(", ")
    assert len(fold_scores) == 5
    assert re.search(r"leave-one-out +40 trainings", stdout)


# --- end of lesson 03 ------------------------------------------------------------------------


# --- lesson 05: LSTM ------------------------------------------------------------------------


def lesson_05_results(done):
    """(LSTM accuracy, memoryless baseline, chance, course cell accuracy) from the RESULT line."""
    numbers = re.fullmatch(
        r"LSTM per-step accuracy=(\S+) \(target ≥ 0\.95\); memoryless baseline=(\S+) "
        r"\(chance (\S+)\); seed 001 §5\.2 cell=(\S+)",
        result_line(done),
    ).groups()
    return tuple(float(n) for n in numbers)


def test_lesson_05_lstm_remembers_and_the_memoryless_model_stays_at_chance(quick_run):
    done, out = quick_run(5)
    lstm, baseline, chance, course_cell = lesson_05_results(done)
    assert chance == 0.1
    assert lstm >= 0.85  # --quick (6 epochs): 0.92 to 0.95 for seeds 0..4
    # 8,000 labelled test steps: a model that cannot remember lands within ~0.01 of 0.1
    assert abs(baseline - chance) < 0.03
    assert course_cell < lstm - 0.3  # seed 001 §5.2's cell, same start, same epochs
    assert (out / "05_training.png").is_file() and (out / "05_states.png").is_file()


def test_lesson_05_flags_exactly_the_course_gate_errors(quick_run):
    stdout = quick_run(5)[0].stdout
    verdicts = dict((label, verdict) for verdict, label in re.findall(
        r"^ +(OK|WRONG) +(.*?) +max \|difference\|", stdout, re.MULTILINE))
    assert verdicts == {
        "minigrad nn.LSTM h_t = o⊙tanh(c_t)": "OK",
        "minigrad nn.LSTM c_t = f⊙c_{t−1} + i⊙tanh(·)": "OK",
        "seed 001 §5.2: candidate g = σ(·), in c_t": "WRONG",
        "seed 001 §5.2: h_t = f⊙h_{t−1} + i⊙g (with g = tanh)": "WRONG",
        "seed 001 §5.2 as written: h_t = f⊙h_{t−1} + i⊙σ(·)": "WRONG",
        "LSTM(1, 64) then LSTM(64, 64) = LSTM(1, 64, num_layers=2)": "OK",
    }


def test_lesson_05_lstm_output_is_bounded_and_the_course_state_never_negative(quick_run):
    stdout = quick_run(5)[0].stdout
    ranges = {label: (float(low), float(high)) for label, low, high in re.findall(
        r"^  (LSTM h_t|LSTM c_t|seed 001 §5\.2 \"h_t\") +from +(\S+) to +(\S+);", stdout,
        re.MULTILINE)}
    assert -1 <= ranges["LSTM h_t"][0] < 0 < ranges["LSTM h_t"][1] <= 1
    assert ranges["LSTM c_t"][0] < 0
    assert ranges['seed 001 §5.2 "h_t"'][0] >= 0


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


# --- lessons 06 (self-attention) and 07 (BERT classifier) ---------------------------------


def test_lesson_06_formula_matches_fused_op_and_double_softmax_flattens(quick_run):
    done, out = quick_run(6)
    numbers = re.fullmatch(
        r"max \|fused/MHA − formula\|=(\S+); double softmax max weight (\S+) vs (\S+) "
        r"\(bound (\S+)\), entropy (\S+) vs (\S+) nats \(uniform (\S+)\); "
        r"retrieval MSE twice (\S+) vs once (\S+)",
        result_line(done),
    ).groups()
    gap, twice_max, once_max, bound, twice_h, once_h, uniform_h, twice_mse, once_mse = (
        float(n) for n in numbers
    )
    assert gap < 1e-6
    assert abs(bound - np.e / (np.e + 8)) < 1e-3  # 9 tokens: [CLS], 6 words and a comma, [SEP]
    assert twice_max <= bound and twice_max < once_max
    assert once_h < twice_h <= uniform_h + 1e-6
    assert once_mse < 0.1 and twice_mse > 0.45  # the best twice can do is 0.520
    assert (out / "06_attention_weights.png").is_file()
    assert (out / "06_scaling_and_positions.png").is_file()


def test_lesson_06_padding_gets_no_weight_and_unscaled_scores_saturate(quick_run):
    stdout = quick_run(6)[0].stdout
    assert "[PAD] columns hold 0.0 of the weight; rows sum to 1.000000..1.000000" in stdout
    largest = re.search(r"d_k = 1024 .*largest weight: unscaled (\S+), scaled (\S+)", stdout)
    unscaled, scaled = float(largest.group(1)), float(largest.group(2))
    assert unscaled > 0.9 and scaled < 0.5


def test_lesson_07_encoder_beats_the_bag_of_embeddings(quick_run):
    done, out = quick_run(7)
    encoder, bag = re.fullmatch(
        r"encoder test acc=(\S+) vs bag-of-embeddings \(document's \"BERT\"\) test acc=(\S+)",
        result_line(done),
    ).groups()
    assert float(encoder) >= 0.95 and float(bag) <= 0.70
    # a bag of words gives both sentences of a minimal pair the same answer: exactly one right
    lines = done.stdout.splitlines()
    bag_row = next(line for line in lines if line.startswith("  bag of embeddings ("))
    assert bag_row.split(")")[1].split()[0] == "0.500"
    assert (out / "07_training_curves.png").is_file() and (out / "07_attention.png").is_file()


# ---- lessons 09 (distillation) and 10 (mixed precision) ------------------------------------
def test_lesson_09_result_reports_both_students_and_a_trained_teacher(quick_run):
    done, out = quick_run(9)
    numbers = re.fullmatch(
        r"student alone (\S+)±(\S+) vs distilled (\S+)±(\S+) over (\d+) seeds "
        r"\(teacher (\S+); 100 labels, difference (\S+)\)",
        result_line(done),
    ).groups()
    alone, alone_std, distilled, distilled_std, seeds, teacher, difference = map(float, numbers)
    assert seeds >= 2
    assert teacher > 0.9  # the course's CNN after a few epochs on all labels
    assert alone > 0.8 and distilled > 0.8  # an MLP with 100 labels; chance is 0.1
    assert 0 <= alone_std < 0.05 and 0 <= distilled_std < 0.05
    assert abs(difference - (distilled - alone)) < 0.002  # printed means are rounded
    assert (out / "09_distillation.png").is_file()


def test_lesson_09_student_is_over_20_times_smaller_than_the_teacher(quick_run):
    stdout = quick_run(9)[0].stdout
    teacher = int(re.search(r"teacher: ([\d,]+) parameters", stdout).group(1).replace(",", ""))
    student = int(re.search(r"student: ([\d,]+) parameters", stdout).group(1).replace(",", ""))
    assert teacher >= 20 * student


def test_lesson_10_mixed_precision_matches_float32_and_scales_the_loss(quick_run):
    done, out = quick_run(10)
    numbers = re.fullmatch(
        r"fp32 acc=(\S+) fp16\+master\+scaling acc=(\S+) \(skipped steps (\d+), final scale (\S+)\) "
        r"autocast\+GradScaler acc=(\S+)",
        result_line(done),
    ).groups()
    fp32, mixed, skipped, scale, autocast = (float(n) for n in numbers)
    assert fp32 > 0.85 and abs(mixed - fp32) < 0.03
    # mg.autocast + GradScaler computes what the MasterWeights recipe computes by hand
    assert autocast == mixed
    weights = re.search(r"difference between the two runs' float32 weights: (\S+)", done.stdout)
    assert float(weights.group(1)) < 1e-6
    assert scale >= 2.0**16 and np.log2(scale).is_integer()  # only ever doubled or halved
    assert skipped >= 0
    assert (out / "10_mixed_precision.png").is_file()


def test_lesson_10_shows_float16_bits_underflow_and_lost_updates(quick_run):
    stdout = quick_run(10)[0].stdout
    assert re.search(r"^ +-1\.5 +-1\.5 +1 +01111 +1000000000 +=", stdout, re.MULTILINE)
    assert re.search(r"^ +65504 +65504 +0 +11110 +1111111111 +=", stdout, re.MULTILINE)
    assert "float16: 1 + 1e-4 = 1.0;" in stdout
    assert "1000 updates of +1e-4: float16 weight 1.0, float32 weight 1.1" in stdout
    rows = re.findall(r"^ +(\d+) +(\d+) +(\S+)% \(size share", stdout, re.MULTILINE)
    last_epoch = max(int(epoch) for epoch, _, _ in rows)
    flushed = {int(scale): float(share) for epoch, scale, share in rows if int(epoch) == last_epoch}
    unscaled, scaled = flushed.pop(1), flushed.popitem()[1]
    assert unscaled > 5 and scaled < unscaled / 5  # loss scaling brings flushed gradients back
    assert "RuntimeWarning" not in stdout + quick_run(10)[0].stderr


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


def test_lesson_04_runs_the_documents_28x28_shapes_on_mnist_files(tmp_path):
    rng = np.random.default_rng(0)
    for train, count in ((True, 64), (False, 32)):
        fake_idx_split(tmp_path / "mnist", rng.integers(0, 256, (count, 28, 28)),
                       rng.integers(0, 10, count), train=train, gz=False)
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
