"""Data cleaning: missing values, outliers, and putting features on one scale.

Seed 004 §3.1.1 and seed 001 §2.1 list the steps: fill missing values with the mean or the
median, find outliers with z-scores or the IQR rule, and bring every feature to the same
magnitude by min-max normalisation or standardisation. Why it matters: one typo of 1e6 in a
column of ages dominates a squared-error loss, and a feature measured in thousands swamps one
measured in fractions, because gradient descent uses a single learning rate for both.

Data are numpy arrays, samples in rows and features in columns (a 1-D array is one feature);
every statistic is per column. Scalers are fitted on the TRAINING rows only and then applied
unchanged to validation and test rows: statistics taken from the test set would leak it into
training and make the reported score optimistic.
"""

import numpy as np


def _float_array(op, x):
    """`x` as a float array: float dtypes are kept, integers and bools become float32."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{op}: expected numbers, got an array of dtype {x.dtype}")
    if x.ndim not in (1, 2):
        raise ValueError(f"{op}: expected (samples,) or (samples, features), got shape {x.shape}")
    return x if x.dtype.kind == "f" else x.astype(np.float32)


def _rows_with_any(flags):
    """Per sample: does any of its features carry the flag?"""
    return flags if flags.ndim == 1 else flags.any(axis=1)


def fill_missing(x, strategy="mean"):
    """`x` with every NaN replaced by its column's mean or median of the values present.

    The median is the safer choice when the column has outliers, which drag the mean.
    """
    x = _float_array("fill_missing", x)
    statistics = {"mean": np.nanmean, "median": np.nanmedian}
    if strategy not in statistics:
        raise ValueError(f"fill_missing: strategy must be 'mean' or 'median', got {strategy!r}")
    missing = np.isnan(x)
    empty = np.flatnonzero(missing.all(axis=0))
    if empty.size:
        raise ValueError(
            f"fill_missing: column(s) {empty.tolist()} have no values at all to take a "
            f"{strategy} from"
        )
    return np.where(missing, statistics[strategy](x, axis=0), x).astype(x.dtype)


def zscore_outliers(x, threshold=3.0):
    """Boolean mask of the samples with some feature |x - mean| / std > `threshold`.

    Keep the rest with `x[~mask]`. The outlier itself inflates the std it is measured by,
    so in a small sample it can hide: with n values no |z| exceeds (n - 1) / sqrt(n), which
    is below 3 for n <= 10. The IQR rule does not have this weakness.
    """
    x = _float_array("zscore_outliers", x)
    std = x.std(axis=0)
    # a constant column has no outliers; avoid 0 / 0
    z = np.abs(x - x.mean(axis=0)) / np.where(std > 0, std, 1)
    return _rows_with_any(z > threshold)


def iqr_outliers(x, k=1.5):
    """Boolean mask of the samples with some feature outside Tukey's fences
    [Q1 - k IQR, Q3 + k IQR], where Q1 and Q3 are the quartiles and IQR = Q3 - Q1.

    Quartiles barely move when a few values are wild, which makes this rule robust.
    """
    x = _float_array("iqr_outliers", x)
    q1, q3 = np.percentile(x, [25, 75], axis=0)
    iqr = q3 - q1
    return _rows_with_any((x < q1 - k * iqr) | (x > q3 + k * iqr))


class _ColumnScaler:
    """x -> (x - shift) / scale + offset per column; `fit` measures shift and scale."""

    offset = 0.0

    def fit(self, x):
        x = _float_array(type(self).__name__, x)
        self.shift_, self.scale_ = self._statistics(x)
        return self

    def transform(self, x):
        name = type(self).__name__
        if not hasattr(self, "shift_"):
            raise RuntimeError(f"{name}: call fit(training_data) before transform")
        x = _float_array(name, x)
        if x.shape[1:] != self.shift_.shape:
            raise ValueError(
                f"{name}: fitted on data with {self.shift_.size} feature(s), got shape {x.shape}"
            )
        return ((x - self.shift_) / self.scale_ + self.offset).astype(x.dtype)

    def fit_transform(self, x):
        return self.fit(x).transform(x)


class StandardScaler(_ColumnScaler):
    """z-score normalisation: z = (x - mean) / std, so each column has mean 0 and std 1."""

    def _statistics(self, x):
        std = x.std(axis=0)
        # a constant column would divide by zero; it becomes all zeros instead
        return x.mean(axis=0), np.where(std > 0, std, 1).astype(x.dtype)


class MinMaxScaler(_ColumnScaler):
    """Min-max normalisation: x' = low + (x - min) (high - low) / (max - min), so each column
    of the fitted data spans `feature_range` = (low, high) exactly."""

    def __init__(self, feature_range=(0.0, 1.0)):
        low, high = feature_range
        if not low < high:
            raise ValueError(f"MinMaxScaler: feature_range needs low < high, got {feature_range}")
        self.feature_range = (low, high)
        self.offset = low

    def _statistics(self, x):
        low, high = self.feature_range
        span = x.max(axis=0) - x.min(axis=0)
        # a constant column would divide by zero; it maps to `low` instead
        span = np.where(span > 0, span, 1).astype(x.dtype)
        return x.min(axis=0), span / (high - low)


def z_score_normalize(x):
    """`x` standardised by its own columns' mean and std (StandardScaler().fit_transform)."""
    return StandardScaler().fit_transform(x)


def min_max_normalize(x, feature_range=(0.0, 1.0)):
    """`x` rescaled so each column spans `feature_range` (MinMaxScaler().fit_transform)."""
    return MinMaxScaler(feature_range).fit_transform(x)
