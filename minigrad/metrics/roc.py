"""The ROC curve of a binary classifier's scores, and the area under it (also one-vs-rest).

A score becomes a prediction by a threshold: positive when score ≥ t. Sweeping t from +inf
down to the lowest score traces the ROC curve through the points

    fpr = FP / N   (the fraction of the N negatives wrongly called positive)
    tpr = TP / P   (the fraction of the P positives found)

from (0, 0) (nothing called positive) to (1, 1) (everything). The area under it, the AUC, is
the probability that a random positive scores above a random negative (ties count 1/2): 1 for
scores that separate the classes perfectly, 0.5 for scores that know nothing.
"""

import numpy as np

from minigrad.metrics.inputs import as_numpy, binary_labels_and_scores
from minigrad.metrics.one_vs_rest import one_vs_rest


def roc_curve(y_true, scores):
    """(fpr, tpr, thresholds): one point per distinct score, highest threshold first.

    The first point is (0, 0) with threshold +inf. Samples with equal scores turn positive
    together, which draws a diagonal step through their share of positives and negatives.
    """
    y_true, scores = binary_labels_and_scores("roc_curve", y_true, scores)
    false_positives, true_positives, thresholds = threshold_counts(y_true, scores)
    fpr = np.append(0.0, false_positives / false_positives[-1])
    tpr = np.append(0.0, true_positives / true_positives[-1])
    return fpr, tpr, np.append(np.inf, thresholds)


def threshold_counts(y_true, scores):
    """(FP, TP, thresholds): at each distinct score t, highest first, the numbers of negatives
    and of positives that score ≥ t (checked 0/1 labels and float scores)."""
    order = np.argsort(-scores, kind="stable")
    y_true, scores = y_true[order], scores[order]
    # the last position of each run of equal scores: the threshold moves past all of them
    run_ends = np.append(np.flatnonzero(np.diff(scores)), len(scores) - 1)
    true_positives = np.cumsum(y_true)[run_ends]
    false_positives = run_ends + 1 - true_positives
    return false_positives, true_positives, scores[run_ends]


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


def roc_auc_score(y_true, scores, *, average="macro", multi_class="ovr"):
    """The area under the ROC curve of `scores`.

    Binary: labels 0/1 and one score per sample. Several classes: class labels (N,) and
    scores (N, C), one column per class, each class against the rest (see one_vs_rest.py for
    `average`). The scores need not be probabilities (scikit-learn insists that rows sum to 1,
    and that multi_class='ovr' be passed): only their order within a column counts.
    """
    if multi_class != "ovr":
        raise ValueError(f"roc_auc_score: only multi_class='ovr' is implemented, got {multi_class!r}")
    if as_numpy(scores).ndim == 2:
        return one_vs_rest("roc_auc_score", _binary_roc_auc, y_true, scores, average)
    return _binary_roc_auc(y_true, scores)


def _binary_roc_auc(y_true, scores):
    fpr, tpr, _ = roc_curve(y_true, scores)
    return auc(fpr, tpr)
