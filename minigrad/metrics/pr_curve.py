"""The precision-recall curve of a binary classifier's scores, and its average precision.

As for the ROC curve, a threshold t turns scores into predictions (positive when score ≥ t),
and each distinct score as t gives one point:

    precision = TP / (TP + FP)   of the samples called positive, the fraction that are
    recall    = TP / P           of the P positives, the fraction found

Unlike the ROC curve, it ignores the true negatives, so when positives are rare it shows
what the ROC curve hides: how many false alarms come with each find.

The average precision summarises the curve as the mean of the precisions reached as recall
grows, each weighted by the recall gained there (a step function, no interpolation):

    AP = Σ_n (R_n - R_(n-1)) · P_n      over the thresholds, highest first, R_0 = 0
"""

import numpy as np

from minigrad.metrics.inputs import as_numpy, binary_labels_and_scores
from minigrad.metrics.one_vs_rest import one_vs_rest
from minigrad.metrics.roc import threshold_counts


def precision_recall_curve(y_true, scores):
    """(precision, recall, thresholds), scikit-learn's layout: thresholds are the distinct
    scores, lowest first; precision[i] and recall[i] are those of "score ≥ thresholds[i]",
    and a last point (precision 1, recall 0) with no threshold closes the curve.

    Tied scores turn positive together: they make one point, not one per sample.
    """
    y_true, scores = binary_labels_and_scores("precision_recall_curve", y_true, scores,
                                              need_negatives=False)
    false_positives, true_positives, thresholds = threshold_counts(y_true, scores)
    precision = true_positives / (true_positives + false_positives)
    recall = true_positives / true_positives[-1]
    return np.append(precision[::-1], 1.0), np.append(recall[::-1], 0.0), thresholds[::-1]


def average_precision(y_true, scores, *, average="macro"):
    """The step-wise area under the precision-recall curve: Σ_n (R_n - R_(n-1)) · P_n.

    Binary: labels 0/1 and one score per sample. Several classes: class labels (N,) and
    scores (N, C), each class against the rest (see one_vs_rest.py for `average`).
    """
    if as_numpy(scores).ndim == 2:
        return one_vs_rest("average_precision", _binary_average_precision, y_true, scores,
                           average)
    return _binary_average_precision(y_true, scores)


def _binary_average_precision(y_true, scores):
    precision, recall, _ = precision_recall_curve(y_true, scores)
    # recall falls along the returned curve, so its steps are negative
    return float(-np.sum(np.diff(recall) * precision[:-1]))
