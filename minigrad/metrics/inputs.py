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
