"""Accuracy (also top-k and balanced), the confusion matrix, and precision / recall / F1.

For class c, with TP = samples of class c predicted c, FP = others predicted c, FN = samples
of class c predicted as something else:

    precision_c = TP / (TP + FP)     of the samples predicted c, the fraction that are c
    recall_c    = TP / (TP + FN)     of the samples that are c, the fraction found
    F1_c        = 2·P·R / (P + R)    the harmonic mean: high only when both are
                = 2TP / (2TP + FP + FN)

A ratio whose denominator is 0 (a class never predicted, or never present) counts as 0, the
value of scikit-learn's default zero_division="warn" (without its warning), so a model that
ignores a class is not rewarded for it.
"""

import numpy as np

from minigrad.metrics.inputs import as_numpy, labels_and_class_scores, paired_labels

AVERAGES = ("macro", "micro", "weighted", "binary", None)


def accuracy(pred_or_logits, target):
    """The fraction of samples whose predicted class equals the target.

    pred_or_logits: predicted labels of the target's shape, or scores with one more dim,
    (N, C) or (N, C, d1, ...), whose argmax over dim 1 is the prediction.
    """
    pred, target = as_numpy(pred_or_logits), as_numpy(target)
    if pred.ndim == target.ndim + 1:
        pred = pred.argmax(axis=1)
    y_true, y_pred = paired_labels("accuracy", target, pred)
    return float((y_true == y_pred).mean())


def top_k_accuracy(scores, target, k=2):
    """The fraction of samples whose true class is among the k highest of their scores.

    scores: (N, C) or (N, C, d1, ...) for a target (N,) or (N, d1, ...), in accuracy's order.
    Among equal scores the lower class index ranks first, as argmax picks it, so k=1 is
    accuracy(scores, target).
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"top_k_accuracy: k must be an int ≥ 1, got {k!r}")
    target, scores = labels_and_class_scores("top_k_accuracy", target, scores)
    true_score = scores[np.arange(len(target)), target][:, None]
    lower_index = np.arange(scores.shape[1]) < target[:, None]
    ranked_above = (scores > true_score) | ((scores == true_score) & lower_index)
    return float((ranked_above.sum(axis=1) < k).mean())


def balanced_accuracy(y_true, y_pred, *, adjusted=False):
    """The mean recall over the classes present in y_true: accuracy as if every class had as
    many samples, so always predicting the majority class of imbalanced data scores 1/C.

    adjusted=True rescales chance level (1/C for C classes) to 0, keeping 1 at 1.
    """
    counts = confusion_counts("balanced_accuracy", y_true, y_pred, None)
    actual = counts.sum(axis=1)
    recalls = np.diag(counts)[actual > 0] / actual[actual > 0]
    score = float(recalls.mean())
    if not adjusted:
        return score
    if len(recalls) == 1:
        raise ValueError("balanced_accuracy: adjusted=True needs two classes in y_true; with one, "
                         "chance level is 1 and the rescaling divides by 0")
    chance = 1 / len(recalls)
    return (score - chance) / (1 - chance)


def confusion_matrix(y_true, y_pred, num_classes=None):
    """C[i, j] = the number of samples of class i predicted as class j (rows: truth).

    num_classes defaults to the largest label + 1.
    """
    return confusion_counts("confusion_matrix", y_true, y_pred, num_classes)


def confusion_counts(op, y_true, y_pred, num_classes):
    """confusion_matrix for the metric `op`, whose name its errors carry."""
    y_true, y_pred = paired_labels(op, y_true, y_pred)
    largest = int(max(y_true.max(), y_pred.max()))
    if num_classes is None:
        num_classes = largest + 1
    elif largest >= num_classes:
        raise ValueError(
            f"{op}: label {largest} found, but num_classes={num_classes} allows labels 0 to "
            f"{num_classes - 1}"
        )
    # each (true, predicted) pair as the single number true·k + predicted, then counted
    pairs = y_true * num_classes + y_pred
    return np.bincount(pairs, minlength=num_classes**2).reshape(num_classes, num_classes)


def precision_recall_f1(y_true, y_pred, average="macro", num_classes=None):
    """(precision, recall, f1), each averaged over the classes as `average` says:

    'macro'     the plain mean over classes (every class counts the same), over the classes
                that occur in y_true or y_pred, or over all num_classes when it is given
    'weighted'  the mean weighted by each class's number of true samples
    'micro'     from the total TP, FP and FN (for single-label data this is the accuracy)
    'binary'    the scores of the positive class 1 (labels must be 0 and 1)
    None        one score per class, as numpy arrays indexed by class
    """
    op = "precision_recall_f1"
    if average not in AVERAGES:
        raise ValueError(f"{op}: average must be one of {AVERAGES}, got {average!r}")
    if average == "binary":
        num_classes = 2
    counts = confusion_counts(op, y_true, y_pred, num_classes)
    true_positives = np.diag(counts)
    predicted, actual = counts.sum(axis=0), counts.sum(axis=1)
    if average == "micro":
        true_positives, predicted, actual = true_positives.sum(), predicted.sum(), actual.sum()
    precision = _ratio(true_positives, predicted)
    recall = _ratio(true_positives, actual)
    # 2·P·R / (P + R) written as 2TP / (2TP + FP + FN): equal, but exact in floating point for
    # ties such as 10/16, so that a rounded report agrees with scikit-learn's
    scores = (precision, recall, _ratio(2 * true_positives, predicted + actual))
    if average is None:
        return scores
    if average == "micro":
        return tuple(float(score) for score in scores)
    if average == "binary":
        return tuple(float(score[1]) for score in scores)
    if average == "weighted":
        weights = actual
    elif num_classes is None:
        weights = actual + predicted > 0  # the classes that occur
    else:
        weights = np.ones(len(actual))
    return tuple(float(np.average(score, weights=weights)) for score in scores)


def _ratio(numerator, denominator):
    """numerator / denominator, and 0 where the denominator is 0."""
    numerator, denominator = np.asarray(numerator, float), np.asarray(denominator, float)
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator != 0)


def precision_score(y_true, y_pred, average="macro", num_classes=None):
    return precision_recall_f1(y_true, y_pred, average, num_classes)[0]


def recall_score(y_true, y_pred, average="macro", num_classes=None):
    return precision_recall_f1(y_true, y_pred, average, num_classes)[1]


def f1_score(y_true, y_pred, average="macro", num_classes=None):
    return precision_recall_f1(y_true, y_pred, average, num_classes)[2]
