"""How far predicted numbers are from the true ones.

With residuals e_i = y_i - ŷ_i over n samples and the mean ȳ of the targets:

    mean_absolute_error              mean |e|               in the target's unit
    mean_squared_error               mean e²                punishes large errors more
    root_mean_squared_error          sqrt(mean e²)          MSE back in the target's unit
    mean_absolute_percentage_error   mean |e| / |y|         relative; a fraction, not percent
    r2_score                         1 - Σ e² / Σ (y - ȳ)²  the share of the targets' variance
                                                            explained: 1 perfect, 0 as good as
                                                            predicting ȳ, negative: worse
    explained_variance               1 - Var(e) / Var(y)    R² forgiving a constant offset

Targets of shape (n,) or (n, outputs): each output is scored on its own, and the scores are
averaged ('uniform_average') or returned per output ('raw_values'), as scikit-learn does.
"""

import numpy as np

from minigrad.metrics.inputs import as_numpy, numeric

MULTIOUTPUT = ("uniform_average", "raw_values")


def mean_absolute_error(y_true, y_pred, *, multioutput="uniform_average"):
    y_true, y_pred = _paired_values("mean_absolute_error", y_true, y_pred, multioutput)
    return _averaged(np.abs(y_true - y_pred).mean(axis=0), multioutput)


def mean_squared_error(y_true, y_pred, *, multioutput="uniform_average"):
    y_true, y_pred = _paired_values("mean_squared_error", y_true, y_pred, multioutput)
    return _averaged(((y_true - y_pred) ** 2).mean(axis=0), multioutput)


def root_mean_squared_error(y_true, y_pred, *, multioutput="uniform_average"):
    """The root of each output's MSE (averaged after the root, not before)."""
    y_true, y_pred = _paired_values("root_mean_squared_error", y_true, y_pred, multioutput)
    return _averaged(np.sqrt(((y_true - y_pred) ** 2).mean(axis=0)), multioutput)


def mean_absolute_percentage_error(y_true, y_pred, *, multioutput="uniform_average"):
    """mean |y - ŷ| / max(|y|, eps), eps float64's machine epsilon: a target of 0 gives a huge
    but finite error (the ratio is meaningless there; prefer MAE for targets near 0)."""
    op = "mean_absolute_percentage_error"
    y_true, y_pred = _paired_values(op, y_true, y_pred, multioutput)
    relative = np.abs(y_true - y_pred) / np.maximum(np.abs(y_true), np.finfo(np.float64).eps)
    return _averaged(relative.mean(axis=0), multioutput)


def r2_score(y_true, y_pred, *, multioutput="uniform_average"):
    """The coefficient of determination 1 - Σ e² / Σ (y - ȳ)². For a constant target, where
    the fraction is 0/0 or x/0: 1.0 if the predictions are exact, else 0.0 (scikit-learn's
    force_finite default)."""
    y_true, y_pred = _paired_values("r2_score", y_true, y_pred, multioutput, min_samples=2)
    unexplained = ((y_true - y_pred) ** 2).sum(axis=0)
    total = ((y_true - y_true.mean(axis=0)) ** 2).sum(axis=0)
    return _averaged(_share_explained(unexplained, total), multioutput)


def explained_variance(y_true, y_pred, *, multioutput="uniform_average"):
    """1 - Var(y - ŷ) / Var(y): like R², but a prediction off by a constant loses nothing.
    A constant target is handled as in r2_score."""
    y_true, y_pred = _paired_values("explained_variance", y_true, y_pred, multioutput,
                                    min_samples=2)
    return _averaged(_share_explained((y_true - y_pred).var(axis=0), y_true.var(axis=0)),
                     multioutput)


def _share_explained(unexplained, total):
    """1 - unexplained / total, and for total 0: 1 where nothing is unexplained, else 0."""
    constant = total == 0
    ratio = np.divide(unexplained, total, out=np.zeros_like(unexplained), where=~constant)
    return np.where(constant, (unexplained == 0).astype(float), 1 - ratio)


def _paired_values(op, y_true, y_pred, multioutput, min_samples=1):
    """y_true and y_pred as float64 (n, outputs) arrays of the same shape."""
    if multioutput not in MULTIOUTPUT:
        raise ValueError(f"{op}: multioutput must be one of {MULTIOUTPUT}, got {multioutput!r}")
    y_true = numeric(op, "y_true", as_numpy(y_true))
    y_pred = numeric(op, "y_pred", as_numpy(y_pred))
    if y_true.shape != y_pred.shape or y_true.ndim not in (1, 2):
        raise ValueError(
            f"{op}: y_true has shape {y_true.shape} and y_pred has shape {y_pred.shape}; they "
            "must be the same shape, (n,) or (n, outputs)"
        )
    if len(y_true) < min_samples:
        raise ValueError(f"{op}: needs at least {min_samples} samples, got {len(y_true)}")
    return y_true.reshape(len(y_true), -1), y_pred.reshape(len(y_pred), -1)


def _averaged(per_output, multioutput):
    return per_output if multioutput == "raw_values" else float(per_output.mean())
