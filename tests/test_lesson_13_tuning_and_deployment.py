"""Lesson 13 (hyper-parameter search and deployment): its quick run's stated results, and its
Gaussian-process / expected-improvement helpers against hand-computed values."""

import importlib
import math
import re

import numpy as np
import pytest

from tests.lesson_runs import result_line

pytestmark = pytest.mark.slow

lesson = importlib.import_module("lessons.13_tuning_and_deployment")


def numbers(done):
    line = result_line(done)
    pairs = (token.rsplit("=", 1) for token in line.split() if "=" in token)
    return dict(pairs), line


def test_expected_improvement_of_a_standard_normal_at_the_best_is_one_over_root_two_pi():
    # μ = f⁺, σ = 1, ξ = 0: z = 0, EI = 0·Φ(0) + 1·φ(0) = 1/√(2π)
    ei = lesson.expected_improvement(np.array([0.0]), np.array([1.0]), best=0.0)
    assert ei[0] == pytest.approx(1 / math.sqrt(2 * math.pi), rel=1e-12)


def test_expected_improvement_by_hand_above_the_best():
    # μ − f⁺ = 1, σ = 2: z = 0.5, EI = Φ(0.5) + 2 φ(0.5) = 0.691462 + 2·0.352065 = 1.395593
    ei = lesson.expected_improvement(np.array([1.5]), np.array([2.0]), best=0.5)
    assert ei[0] == pytest.approx(0.6914625 + 2 * 0.3520653, rel=1e-6)


def test_gp_posterior_by_hand_for_one_observation():
    # one point x = 0 with y = 2, noise σ_n², query at distance d: k = exp(−d²/2ℓ²),
    # μ = k·y / (1 + σ_n²), σ² = 1 − k² / (1 + σ_n²)
    x, y, query, length, noise = np.zeros((1, 2)), np.array([2.0]), np.array([[0.3, 0.4]]), 0.5, 0.1
    k = math.exp(-0.25 / (2 * 0.25))
    mean, sigma, _ = lesson.gp_posterior(x, y, query, length, noise)
    assert mean[0] == pytest.approx(k * 2 / 1.1)
    assert sigma[0] == pytest.approx(math.sqrt(1 - k * k / 1.1))


def test_the_quick_run_finds_good_settings_on_validation(quick_run):
    done, _ = quick_run(13)
    assert done.returncode == 0, done.stderr[-3000:]
    found, line = numbers(done)
    for method in ("grid", "random", "bayes"):
        assert 0.8 <= float(found[method]) <= 1.0, line
    assert 1e-4 <= float(found["lr"]) <= 1.0, line
    assert 0.9 <= float(found["accuracy"]) <= 1.0, line


def test_the_loaded_model_predicts_what_the_trained_one_did(quick_run):
    done, _ = quick_run(13)
    found, line = numbers(done)
    assert found["loaded==trained"] == "True", line


def test_skipping_deployment_steps_costs_accuracy(quick_run):
    done, _ = quick_run(13)
    found, line = numbers(done)
    assert float(found["unscaled"]) < float(found["accuracy"]) - 0.1, line
    assert float(found["dropout-on"]) < float(found["accuracy"]), line


def test_the_course_errors_are_flagged(quick_run):
    done, _ = quick_run(13)
    found, line = numbers(done)
    assert int(found["errors"]) == 5, line
    assert "unexpected keyword argument 'learning_rate'" in done.stdout
    assert re.search(r"89\.\d% of draws ≥ 1e-3", done.stdout)
    assert "model.evaluate(test_set)" in done.stdout


def test_the_plot_and_the_deployed_model_are_saved(quick_run):
    _, out = quick_run(13)
    assert (out / "13_search.png").stat().st_size > 0
    assert (out / "13_digits_mlp.npz").stat().st_size > 0
