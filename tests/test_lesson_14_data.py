"""Lesson 14's quick run: the numbers its RESULT line states, within bounds that could fail."""

import re

import pytest

from tests.lesson_runs import quick_run, result_line  # noqa: F401  (quick_run is a fixture)

pytestmark = pytest.mark.slow


def numbers(done):
    return {key: float(value) for key, value in
            re.findall(r"([A-Za-z_0-9]+)=([-+0-9.e]+)", result_line(done))}


@pytest.fixture(scope="module")
def lesson(quick_run):  # noqa: F811
    done, out = quick_run(14)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done, numbers(done), out


def test_one_huge_outlier_masks_the_others_from_zscore_not_from_iqr(lesson):
    got = lesson[1]
    assert got["z_recall"] <= 0.2
    assert got["iqr_recall"] == 1.0
    assert got["iqr_precision"] > 0.5
    assert got["z_recall_no_typo"] >= 0.9  # without the typo the z-score rule works


def test_mean_fill_is_dragged_by_the_typo(lesson):
    assert lesson[1]["mean_fill_shift"] > 3


def test_scaling_before_the_split_hides_out_of_range_test_values(lesson):
    got = lesson[1]
    assert got["minmax_outside_leaky"] == 0
    assert got["minmax_outside_honest"] > 0


def test_horizontal_flip_hurts_digits(lesson):
    got = lesson[1]
    assert got["acc_flip"] < got["acc_aug"] - 0.05
    assert got["mirrored"] < got["acc_none"] - 0.3


def test_augmenting_before_the_split_inflates_the_test_score(lesson):
    got = lesson[1]
    assert got["leak_acc"] > got["honest_acc"] + 0.1


def test_names_three_course_errors(lesson):
    assert lesson[1]["course_errors"] == 3


def test_plots_saved(lesson):
    out = lesson[2]
    for name in ("14_outliers.png", "14_augmented_digits.png"):
        assert (out / name).stat().st_size > 10_000
