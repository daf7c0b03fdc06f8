import numpy as np
import pytest

from minigrad.data import (
    MinMaxScaler,
    StandardScaler,
    fill_missing,
    iqr_outliers,
    min_max_normalize,
    z_score_normalize,
    zscore_outliers,
)


def test_fill_missing_uses_the_column_mean_or_median_of_present_values():
    x = np.array([[1.0, 10.0], [np.nan, 20.0], [3.0, np.nan], [8.0, 90.0]], np.float32)
    by_mean = fill_missing(x, "mean")
    assert by_mean[1, 0] == pytest.approx(4.0) and by_mean[2, 1] == pytest.approx(40.0)
    by_median = fill_missing(x, "median")
    assert by_median[1, 0] == pytest.approx(3.0) and by_median[2, 1] == pytest.approx(20.0)
    assert by_mean.dtype == np.float32 and not np.isnan(by_median).any()
    np.testing.assert_array_equal(by_mean[0], x[0])


def test_fill_missing_rejects_empty_columns_and_unknown_strategies():
    with pytest.raises(ValueError, match=r"column\(s\) \[1\] have no values"):
        fill_missing(np.array([[1.0, np.nan], [2.0, np.nan]]))
    with pytest.raises(ValueError, match="strategy must be 'mean' or 'median'"):
        fill_missing(np.zeros(3), "mode")


def test_zscore_flags_the_sample_far_from_the_mean():
    values = np.random.default_rng(0).normal(0.0, 1.0, size=(200, 2))
    values[17, 1] = 9.0
    mask = zscore_outliers(values, threshold=4.0)
    assert mask.shape == (200,) and np.flatnonzero(mask).tolist() == [17]


def test_in_a_small_sample_the_outlier_hides_from_zscore_but_not_from_iqr():
    # |z| <= (n - 1) / sqrt(n) = 2.85 for n = 10, whatever the values
    ages = np.array([31, 25, 40, 38, 29, 33, 27, 36, 30, 3000])
    assert not zscore_outliers(ages).any()
    assert np.flatnonzero(iqr_outliers(ages)).tolist() == [9]


def test_iqr_fences_are_k_interquartile_ranges_beyond_the_quartiles():
    x = np.arange(1.0, 9.0)
    # with a ninth value above 8 the quartiles are 3 and 7: IQR 4, fences -3 and 13
    assert not iqr_outliers(np.append(x, 13.0)).any()
    assert np.flatnonzero(iqr_outliers(np.append(x, 13.1))).tolist() == [8]


def test_constant_columns_are_not_outliers():
    assert not zscore_outliers(np.ones((5, 2))).any()


def test_min_max_scaler_maps_the_training_columns_onto_the_range():
    train = np.array([[0.0, 10.0], [5.0, 20.0], [10.0, 30.0]], np.float32)
    scaler = MinMaxScaler(feature_range=(-1.0, 1.0)).fit(train)
    out = scaler.transform(train)
    np.testing.assert_allclose(out.min(axis=0), [-1.0, -1.0])
    np.testing.assert_allclose(out.max(axis=0), [1.0, 1.0])
    # test data uses the training statistics, so it may leave the range
    np.testing.assert_allclose(scaler.transform(np.array([[20.0, 20.0]])), [[3.0, 0.0]])
    assert out.dtype == np.float32


def test_standard_scaler_gives_mean_zero_and_std_one():
    x = np.random.default_rng(1).normal(5.0, 3.0, size=(100, 3)).astype(np.float32)
    z = StandardScaler().fit_transform(x)
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(z.std(axis=0), 1.0, atol=1e-5)
    assert z.dtype == np.float32


def test_functional_forms_match_the_scalers_and_make_integers_float32():
    x = np.array([[1, 2], [3, 8], [5, 5]])
    np.testing.assert_allclose(min_max_normalize(x), MinMaxScaler().fit_transform(x))
    z = z_score_normalize(x)
    assert z.dtype == np.float32
    np.testing.assert_allclose(z, (x - x.mean(0)) / x.std(0), rtol=1e-6)


def test_constant_columns_scale_to_finite_values():
    x = np.array([[1.0, 2.0], [1.0, 4.0]])
    assert np.isfinite(z_score_normalize(x)).all()
    np.testing.assert_array_equal(min_max_normalize(x)[:, 0], [0.0, 0.0])


def test_scalers_say_when_used_wrongly():
    with pytest.raises(RuntimeError, match="StandardScaler: call fit"):
        StandardScaler().transform(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"MinMaxScaler: fitted on data with 2 feature\(s\)"):
        MinMaxScaler().fit(np.zeros((3, 2))).transform(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="low < high"):
        MinMaxScaler((1.0, 0.0))
    with pytest.raises(ValueError, match=r"expected \(samples,\) or \(samples, features\)"):
        StandardScaler().fit(np.zeros((2, 2, 2)))
    with pytest.raises(TypeError, match="expected numbers"):
        fill_missing(np.array(["a", "b"]))
