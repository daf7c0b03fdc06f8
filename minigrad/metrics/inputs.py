"""Turning what a metric is given (Tensor, numpy array, list) into checked numpy arrays."""

import numpy as np

from minigrad.backend import to_numpy
from minigrad.tensor import Tensor


def as_numpy(values):
    """A Tensor (from any device), a numpy or CuPy array, or a list as a numpy array."""
    if isinstance(values, Tensor):
        return values.numpy()
    if hasattr(values, "__cuda_array_interface__"):
        return to_numpy(values)
    return np.asarray(values)


def paired_labels(op, y_true, y_pred):
    """Two label arrays of the same shape, flattened, as non-negative int64 class indices."""
    y_true, y_pred = as_numpy(y_true), as_numpy(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{op}: y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}; "
            "they must match (one predicted label per true label)"
        )
    if y_true.size == 0:
        raise ValueError(f"{op}: no samples (the label arrays are empty)")
    return class_labels(op, "y_true", y_true), class_labels(op, "y_pred", y_pred)


def class_labels(op, name, labels):
    """Labels as int64 class indices 0, 1, 2, ... (bools and whole-number floats accepted)."""
    fractional = labels[labels != np.round(labels)] if labels.dtype.kind == "f" else []
    if len(fractional):
        raise ValueError(
            f"{op}: {name} holds non-integer values such as {fractional[0]}; "
            "metrics take class labels: threshold probabilities (p > 0.5) or take the argmax "
            "of scores first"
        )
    if labels.dtype.kind not in "biuf":
        raise TypeError(f"{op}: {name} must hold class labels, got dtype {labels.dtype}")
    labels = labels.astype(np.int64).reshape(-1)
    if (labels < 0).any():
        raise ValueError(f"{op}: {name} holds the negative label {labels[labels < 0][0]}")
    return labels


def binary_labels_and_scores(op, y_true, scores, need_negatives=True):
    """Labels 0/1 as int64 and their scores as float64, both flattened and checked.

    A curve needs positives (TP/P divides by P), and a ROC curve negatives too (FP/N).
    """
    y_true = as_numpy(y_true).reshape(-1)
    scores = numeric(op, "scores", as_numpy(scores)).reshape(-1)
    if y_true.shape != scores.shape:
        raise ValueError(f"{op}: y_true has {y_true.size} labels but scores has {scores.size} values")
    if y_true.size == 0:
        raise ValueError(f"{op}: no samples (the label arrays are empty)")
    labels = np.unique(y_true)
    if not np.isin(labels, (0, 1)).all():
        raise ValueError(
            f"{op}: y_true must hold binary labels 0 and 1, found {labels.tolist()}; for "
            "several classes, compute one curve per class (that class against the rest)"
        )
    if len(labels) == 1 and (labels[0] == 0 or need_negatives):
        needs = ("positive and negative samples (TP/P or FP/N would divide by 0)"
                 if need_negatives else "positive samples (recall TP/P would divide by 0)")
        raise ValueError(f"{op}: y_true holds only class {int(labels[0])}; the curve needs {needs}")
    return y_true.astype(np.int64), scores


def labels_and_class_scores(op, y_true, scores, scores_name="scores"):
    """Labels (N,) as int64 class indices and scores (N, C) as float64, one row per label.

    Scores of k-dimensional data, (N, C, d1, ...) with labels (N, d1, ...), are flattened to
    one row per element, as accuracy reads them.
    """
    y_true, scores = as_numpy(y_true), numeric(op, scores_name, as_numpy(scores))
    if scores.ndim != y_true.ndim + 1 or scores.shape[:1] + scores.shape[2:] != y_true.shape:
        raise ValueError(
            f"{op}: {scores_name} of shape {scores.shape} do not fit labels of shape "
            f"{y_true.shape}: expected (N, C) for labels (N,), or (N, C, d1, ...) for "
            "(N, d1, ...), one score per class"
        )
    if y_true.size == 0:
        raise ValueError(f"{op}: no samples (the label arrays are empty)")
    y_true = class_labels(op, "y_true", y_true)
    scores = np.moveaxis(scores, 1, -1).reshape(len(y_true), -1)
    if y_true.max() >= scores.shape[1]:
        raise ValueError(
            f"{op}: label {y_true.max()} found, but {scores_name} has {scores.shape[1]} columns "
            f"(classes 0 to {scores.shape[1] - 1})"
        )
    return y_true, scores


def numeric(op, name, values):
    """Numbers (bool, int or float) as float64 and finite, else a clear error."""
    if values.dtype.kind not in "biuf":
        raise TypeError(f"{op}: {name} must hold numbers, got dtype {values.dtype}")
    values = values.astype(np.float64)
    if not np.isfinite(values).all():
        raise ValueError(f"{op}: {name} contain nan or inf")
    return values
