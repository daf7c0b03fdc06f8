"""Regression metrics against hand-computed examples and their definitions
(scikit-learn's values are checked in test_metrics_sklearn.py)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import minigrad as mg
from minigrad.metrics import (
    explained_variance,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    r2_score,
    root_mean_squared_error,
)

ALL = [mean_absolute_error, mean_squared_error, root_mean_squared_error,
       mean_absolute_percentage_error, r2_score, explained_variance]
Y, Y_HAT = [1.0, 2.0, 4.0, 5.0], [2.0, 2.0, 3.0, 7.0]  # residuals -1, 0, 1, -2


def test_errors_of_a_worked_example():
    assert mean_absolute_error(Y, Y_HAT) == 1.0
    assert mean_squared_error(Y, Y_HAT) == 1.5
    assert root_mean_squared_error(Y, Y_HAT) == pytest.approx(np.sqrt(1.5))
    assert mean_absolute_percentage_error(Y, Y_HAT) == pytest.approx((1 + 0 + 1 / 4 + 2 / 5) / 4)
    # the targets' squared deviations from their mean 3 sum to 10; the residuals' to 6
    assert r2_score(Y, Y_HAT) == pytest.approx(1 - 6 / 10)
    # the residuals' mean is -1/2: their variance is 6/4 - 1/4, the targets' 10/4
    assert explained_variance(Y, Y_HAT) == pytest.approx(1 - 1.25 / 2.5)


def test_tensors_of_float32_give_python_floats():
    result = mean_squared_error(mg.tensor(Y), mg.tensor(Y_HAT))
    assert type(result) is float and result == 1.5


@given(arrays(np.float64, st.tuples(st.integers(2, 12), st.integers(1, 3)),
              elements=st.floats(-100, 100)), st.data())
def test_r2_is_one_minus_mse_over_the_target_variance(y, data):
    y_hat = y + data.draw(arrays(np.float64, y.shape, elements=st.floats(-5, 5)))
    if (y.var(axis=0) < 1e-6).any():
        return
    per_output = 1 - ((y - y_hat) ** 2).mean(axis=0) / y.var(axis=0)
    np.testing.assert_allclose(r2_score(y, y_hat, multioutput="raw_values"), per_output,
                               rtol=1e-9, atol=1e-9)
    assert r2_score(y, y_hat) == pytest.approx(per_output.mean(), rel=1e-9, abs=1e-9)
    rmse = root_mean_squared_error(y, y_hat)  # the root of each output's MSE, then the mean
    assert rmse == pytest.approx(np.sqrt(((y - y_hat) ** 2).mean(axis=0)).mean())


def test_explained_variance_forgives_a_constant_offset_and_r2_does_not():
    y = np.array([1.0, 2.0, 3.0])
    assert explained_variance(y, y + 1) == 1.0
    assert r2_score(y, y + 1) == pytest.approx(1 - 3 / 2)


@pytest.mark.parametrize("metric", [r2_score, explained_variance])
def test_constant_targets_score_1_when_exact_and_0_otherwise(metric):
    constant = np.full(4, 2.5)
    assert metric(constant, constant) == 1.0
    assert metric(constant, constant + [0, 0, 0, 1]) == 0.0


def test_mape_of_a_zero_target_is_huge_but_finite():
    error = mean_absolute_percentage_error([0.0, 1.0], [0.1, 1.0])
    assert np.isfinite(error) and error == pytest.approx(0.1 / np.finfo(np.float64).eps / 2)


@pytest.mark.parametrize("metric", ALL)
def test_regression_metrics_reject_bad_inputs(metric):
    name = metric.__name__
    with pytest.raises(ValueError, match=rf"{name}: y_true has shape \(3,\) and y_pred has shape "
                                         rf"\(2,\); they must be the same shape"):
        metric([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(TypeError, match=rf"{name}: y_pred must hold numbers, got dtype <U1"):
        metric([1.0, 2.0], ["a", "b"])
    with pytest.raises(ValueError, match=rf"{name}: y_true contain nan or inf"):
        metric([1.0, np.inf], [1.0, 2.0])
    with pytest.raises(ValueError, match=rf"{name}: multioutput must be one of"):
        metric([1.0, 2.0], [1.0, 2.0], multioutput="variance_weighted")


def test_r2_needs_two_samples():
    with pytest.raises(ValueError, match="r2_score: needs at least 2 samples, got 1"):
        r2_score([1.0], [1.0])
