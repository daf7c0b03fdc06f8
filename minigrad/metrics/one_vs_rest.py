"""A binary ranking metric (ROC AUC, average precision) for several classes, one-vs-rest.

Class c takes its turn as the positive class, scored by column c of the (N, C) scores, and
the C binary scores are averaged as `average` says:

    'macro'     the plain mean (a rare class counts as much as a common one)
    'weighted'  the mean weighted by each class's number of true samples
    'micro'     one binary score of all N·C (label == c, score of c) pairs together
    None        the C scores, as a numpy array indexed by class
"""

import numpy as np

from minigrad.metrics.inputs import labels_and_class_scores

OVR_AVERAGES = ("macro", "weighted", "micro", None)


def one_vs_rest(op, binary_metric, y_true, scores, average):
    if average not in OVR_AVERAGES:
        raise ValueError(f"{op}: average must be one of {OVR_AVERAGES}, got {average!r}")
    y_true, scores = labels_and_class_scores(op, y_true, scores)
    is_class = y_true[:, None] == np.arange(scores.shape[1])
    support = is_class.sum(axis=0)
    if average == "micro":
        return binary_metric(is_class.reshape(-1), scores.reshape(-1))
    if (support == 0).any():
        raise ValueError(
            f"{op}: class {np.flatnonzero(support == 0)[0]} has no samples in y_true, so its "
            f"one-vs-rest score is undefined; scores has {scores.shape[1]} columns, one per class"
        )
    per_class = np.array([binary_metric(is_class[:, c], scores[:, c])
                          for c in range(scores.shape[1])])
    if average is None:
        return per_class
    return float(np.average(per_class, weights=support if average == "weighted" else None))
