"""Lesson 11 (optimizers and learning-rate schedules), run once in quick mode: its stated
results and the course errors it runs."""

import re

import pytest

from tests.lesson_runs import result_line

pytestmark = pytest.mark.slow

LESSON = 11


def numbers(done, pattern):
    match = re.search(pattern, result_line(done))
    assert match, f"{pattern!r} not in the RESULT line: {result_line(done)}"
    return [float(group) for group in match.groups()]


def test_lesson_11_momentum_and_adam_beat_gradient_descent_in_the_narrow_valley(quick_run):
    done, _ = quick_run(LESSON)
    gd, sgd, momentum, adam = numbers(
        done, r"GD=([\d.e+-]+) SGD=([\d.e+-]+) momentum=([\d.e+-]+) Adam=([\d.e+-]+);")
    assert 1e-4 < gd < 1.0 and 1e-4 < sgd < 1.0  # zig-zagging, still short of the minimum
    assert momentum < gd / 100 and adam < gd / 100


def test_lesson_11_update_formulas_agree_with_minigrad_optim(quick_run):
    done, _ = quick_run(LESSON)
    assert "formulas agree" in result_line(done)
    assert "WRONG" not in done.stdout


def test_lesson_11_adam_without_bias_correction_takes_a_3_16_times_first_step(quick_run):
    (ratio,) = numbers(quick_run(LESSON)[0], r"Adam uncorrected first step=([\d.]+)xγ")
    assert ratio == pytest.approx(0.1 / 0.001**0.5, rel=1e-3)


def test_lesson_11_course_gradient_direction_climbs_and_reinitialising_never_learns(quick_run):
    done, _ = quick_run(LESSON)
    (growth,) = numbers(done, r"ascent loss x(\d+)")
    assert growth > 10
    as_written, once = numbers(done, r"reinit loss=([\d.]+) vs ([\d.]+);")
    assert as_written > 1.5 * once


def test_lesson_11_a_constant_rate_stalls_above_the_decayed_ones(quick_run):
    fixed, linear, cosine = numbers(
        quick_run(LESSON)[0], r"SGD L-L\* fixed=([\d.e+-]+) linear=([\d.e+-]+) cosine=([\d.e+-]+);")
    assert linear < fixed / 10 and cosine < fixed / 10


def test_lesson_11_every_schedule_trains_the_digits_within_a_few_images(quick_run):
    done, _ = quick_run(LESSON)
    results = dict(re.findall(r"(\w+)=([\d.]+/[\d.]+)", result_line(done).split("digits")[1]))
    assert set(results) == {"fixed", "linear_decay", "cosine", "on_plateau", "warmup_cosine"}
    train_loss = {name: float(v.split("/")[0]) for name, v in results.items()}
    accuracy = {name: float(v.split("/")[1]) for name, v in results.items()}
    assert all(0.9 < a <= 1.0 for a in accuracy.values()), accuracy
    assert max(accuracy.values()) - min(accuracy.values()) < 0.03, accuracy
    assert all(0 < loss < 0.5 for loss in train_loss.values()), train_loss


def test_lesson_11_names_each_course_error_with_its_section(quick_run):
    stdout = quick_run(LESSON)[0].stdout
    for section in ("seed 000 §3.1.1", "seed 000 §3.2.4", "seed 000 §3.2.6", "seed 003 §2, §9.3",
                    "seed 004 §3.2.2"):
        assert section in stdout


def test_lesson_11_saves_its_two_plots(quick_run):
    _, out = quick_run(LESSON)
    for name in ("11_trajectories.png", "11_schedules.png"):
        assert (out / name).stat().st_size > 10_000
