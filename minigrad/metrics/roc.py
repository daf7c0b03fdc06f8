"""The ROC curve of a binary classifier's scores, and the area under it.

A score becomes a prediction by a threshold: positive when score ≥ t. Sweeping t from +inf
down to the lowest score traces the ROC curve through the points

    fpr = FP / N   (the fraction of the N negatives wrongly called positive)
    tpr = TP / P   (the fraction of the P positives found)

from (0, 0) (nothing called positive) to (1, 1) (everything). The area under it, the AUC, is
the probability that a random positive scores above a random negative (ties count 1/2): 1 for
scores that separate the classes perfectly, 0.5 for scores that know nothing.
"""

import numpy as np

from minigrad.metrics.inputs import as_numpy


def roc_curve(y_true, scores):
    """(fpr, tpr, thresholds): one point per distinct score, highest threshold first.

    The first point is (0, 0) with threshold +inf. Samples with equal scores turn positive
    together, which draws a diagonal step through their share of positives and negatives.
    """
    y_true, scores = _binary_labels_and_scores(y_true, scores)
    order = np.argsort(-scores, kind="stable")
    y_true, scores = y_true[order], scores[order]
    # the last position of each run of equal scores: the threshold moves past all of them
    run_ends = np.append(np.flatnonzero(np.diff(scores)), len(scores) - 1)
    true_positives = np.cumsum(y_true)[run_ends]
    false_positives = run_ends + 1 - true_positives
    positives = true_positives[-1]
    negatives = len(y_true) - positives
    fpr = np.append(0.0, false_positives / negatives)
    tpr = np.append(0.0, true_positives / positives)
    return fpr, tpr, np.append(np.inf, scores[run_ends])


def _binary_labels_and_scores(y_true, scores):
    y_true = as_numpy(y_true).reshape(-1)
    scores = as_numpy(scores).astype(float).reshape(-1)
    if y_true.shape != scores.shape:
        raise ValueError(
            f"roc_curve: y_true has {y_true.size} labels but scores has {scores.size} values"
        )
    labels = np.unique(y_true)
    if not np.isin(labels, (0, 1)).all():
        raise ValueError(
            f"roc_curve: y_true must hold binary labels 0 and 1, found {labels.tolist()}; for "
            "several classes, compute one curve per class (that class against the rest)"
        )
    if len(labels) < 2:
        raise ValueError(
            f"roc_curve: y_true holds only class {int(labels[0]) if labels.size else None}; "
            "a ROC curve needs positive and negative samples (TP/P or FP/N would divide by 0)"
        )
    if not np.isfinite(scores).all():
        raise ValueError("roc_curve: scores contain nan or inf")
    return y_true.astype(np.int64), scores


def auc(x, y):
    """The area under the curve through the points (x, y), by the trapezoid rule.

    x must be monotonic (increasing or decreasing): Σ (x[i+1] - x[i]) · (y[i] + y[i+1]) / 2.
    """
    x, y = as_numpy(x).astype(float), as_numpy(y).astype(float)
    if x.ndim != 1 or x.shape != y.shape or len(x) < 2:
        raise ValueError(
            f"auc: x and y must be 1-D with the same length of at least 2, got shapes "
            f"{x.shape} and {y.shape}"
        )
    steps = np.diff(x)
    if (steps < 0).any() and (steps > 0).any():
        raise ValueError("auc: x must be monotonic (all increasing or all decreasing)")
    area = float(np.sum(steps * (y[1:] + y[:-1]) / 2))
    return -area if (steps <= 0).all() else area


def roc_auc_score(y_true, scores):
    """The area under the ROC curve of `scores` for the binary labels `y_true`."""
    fpr, tpr, _ = roc_curve(y_true, scores)
    return auc(fpr, tpr)
