"""Lesson 12's quick run: the numbers its RESULT line states, within bounds that could fail."""

import re

import pytest

from tests.lesson_runs import quick_run, result_line  # noqa: F401  (quick_run is a fixture)

pytestmark = pytest.mark.slow


def numbers(done):
    return {key: float(value) for key, value in
            re.findall(r"([A-Za-z_0-9]+)=([-+0-9.e]+)", result_line(done).replace("grad1 ", "grad1_")
                       .replace("acc ", "acc_").replace("gap ", "gap_"))}


@pytest.fixture(scope="module")
def lesson(quick_run):  # noqa: F811
    done, out = quick_run(12)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done, out


def test_plain_deep_net_gradient_vanishes_and_residual_does_not(lesson):
    got = numbers(lesson[0])
    assert got["grad1_plain"] < 1e-5 * got["res"]
    assert got["grad1_plain"] < 1e-5 * got["bn"]


def test_plain_deep_net_stays_at_chance_residual_learns(lesson):
    got = numbers(lesson[0])
    assert got["acc_plain"] < 0.2
    assert got["res"] > 0.6


def test_l1_makes_first_layer_sparser(lesson):
    got = numbers(lesson[0])
    assert got["L1_small"] > 2 * got["none_small"]


def test_mask_only_dropout_is_twice_too_large_at_test(lesson):
    assert 1.8 < numbers(lesson[0])["mask_dropout_ratio"] < 2.2


def test_batchnorm_with_own_tiny_batches_breaks(lesson):
    assert numbers(lesson[0])["bn_batch2"] < 0.4


def test_names_three_course_errors(lesson):
    assert numbers(lesson[0])["course_errors"] == 3
    assert "WRONG" in lesson[0].stdout  # the course's "L2 norm" gradient is not weight decay


def test_plots_saved(lesson):
    out = lesson[1]
    for name in ("12_overfitting.png", "12_deep_networks.png"):
        assert (out / name).stat().st_size > 10_000
