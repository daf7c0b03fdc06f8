"""Scores of predicted probabilities, not just of the predicted class.

Two models with the same accuracy can differ in how much to trust their probabilities: one
says 0.99 when right and 0.51 when wrong, the other the reverse. A proper scoring rule is
best in expectation exactly when the predicted probabilities are the true ones:

    log loss     -mean_i log p_i[y_i]                    (the cross-entropy of the probabilities)
    Brier score  mean_i Σ_c (p_i[c] - [y_i == c])²       (squared error against the one-hot truth)

The log loss punishes a confident mistake without bound (p[y] → 0 costs → ∞); the Brier
score at most 2 per sample.

Both take class labels (N,) with probabilities (N, C), one column per class and rows that sum
to 1 (softmax outputs, not logits), or binary labels 0/1 with one probability of class 1 each.
"""

import numpy as np

from minigrad.metrics.inputs import as_numpy, labels_and_class_scores

ROW_SUM_TOLERANCE = 1e-4  # softmax in float32 sums to 1 within ~1e-7 per class


def log_loss(y_true, probs):
    """-mean(log p[y]). Probabilities are clipped to [eps, 1 - eps], eps the machine epsilon of
    their float dtype (float64 for others), so a certain mistake costs -log(eps), not inf."""
    float_dtype = as_numpy(probs).dtype if as_numpy(probs).dtype.kind == "f" else np.float64
    eps = np.finfo(float_dtype).eps
    y_true, probs = _labels_and_probabilities("log_loss", y_true, probs)
    true_class_probs = np.clip(probs[np.arange(len(y_true)), y_true], eps, 1 - eps)
    return float(-np.log(true_class_probs).mean())


def brier_score(y_true, probs):
    """mean Σ_c (p[c] - [y == c])². For two classes it is halved, so that it equals the binary
    definition mean((p - y)²) with p the probability of class 1, as scikit-learn's is."""
    y_true, probs = _labels_and_probabilities("brier_score", y_true, probs)
    one_hot = y_true[:, None] == np.arange(probs.shape[1])
    score = float(np.mean(np.sum((probs - one_hot) ** 2, axis=1)))
    return score / 2 if probs.shape[1] == 2 else score


def _labels_and_probabilities(op, y_true, probs):
    probs = as_numpy(probs)
    if probs.ndim == 1 and probs.dtype.kind in "biuf":  # binary: the probability of class 1
        probs = np.stack([1 - probs, probs], axis=1)
    y_true, probs = labels_and_class_scores(op, y_true, probs, scores_name="probs")
    if (probs < 0).any() or (probs > 1).any():
        outside = probs[(probs < 0) | (probs > 1)][0]
        raise ValueError(f"{op}: probs must lie in [0, 1], found {outside}; pass probabilities "
                         "(softmax or sigmoid of the logits), not logits")
    row_sums = probs.sum(axis=1)
    if (np.abs(row_sums - 1) > ROW_SUM_TOLERANCE).any():
        worst = row_sums[np.argmax(np.abs(row_sums - 1))]
        raise ValueError(f"{op}: each row of probs must sum to 1 (one probability per class), "
                         f"found a row summing to {worst}")
    return y_true, probs
