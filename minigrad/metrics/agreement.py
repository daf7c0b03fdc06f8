"""Chance-corrected agreement between two labelings, read off their confusion matrix.

Accuracy rewards a model that always predicts the majority class of imbalanced data. These
scores are 0 for predictions no better than chance and 1 for perfect agreement.

Matthews correlation coefficient: the correlation between truth and prediction, for C
classes (with t_k, p_k the true and predicted counts of class k, c the correct ones, n all):

    MCC = (c·n - Σ t_k·p_k) / sqrt((n² - Σ p_k²) · (n² - Σ t_k²))

Cohen's kappa: the observed agreement against the agreement expected by chance if the two
labelings were independent with the same class frequencies (E[i, j] = t_i · p_j / n), each
disagreement weighted by w[i, j] (1 off the diagonal; or |i - j|, (i - j)² for ordered classes):

    κ = 1 - Σ w·C / Σ w·E
"""

import numpy as np

from minigrad.metrics.classification import confusion_counts

KAPPA_WEIGHTS = (None, "linear", "quadratic")


def matthews_corrcoef(y_true, y_pred):
    """MCC in [-1, 1]; 0 where it is undefined (one labeling uses a single class), as
    scikit-learn returns."""
    counts = confusion_counts("matthews_corrcoef", y_true, y_pred, None).astype(np.float64)
    true_counts, predicted_counts = counts.sum(axis=1), counts.sum(axis=0)
    n = counts.sum()
    covariance = np.trace(counts) * n - true_counts @ predicted_counts
    variances = (n**2 - predicted_counts @ predicted_counts) * (n**2 - true_counts @ true_counts)
    return float(covariance / np.sqrt(variances)) if variances else 0.0


def cohen_kappa(y1, y2, *, weights=None):
    """Cohen's κ between two labelings (two raters, or truth and prediction): symmetric in
    y1 and y2, 1 for perfect agreement, 0 for chance, negative below it.

    weights: None (every disagreement costs 1), 'linear' (|i - j|) or 'quadratic' ((i - j)²),
    where i, j are the class indices themselves. (scikit-learn takes i, j as positions among
    the labels that occur: the two differ only when a class between two others never occurs.)
    Undefined when both labelings use one and the same class only: that raises.
    """
    if weights not in KAPPA_WEIGHTS:
        raise ValueError(f"cohen_kappa: weights must be one of {KAPPA_WEIGHTS}, got {weights!r}")
    counts = confusion_counts("cohen_kappa", y1, y2, None).astype(np.float64)
    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0)) / counts.sum()
    distance = np.abs(np.subtract.outer(np.arange(len(counts)), np.arange(len(counts))))
    cost = {None: distance > 0, "linear": distance, "quadratic": distance**2}[weights]
    expected_cost = np.sum(cost * expected)
    if expected_cost == 0:
        raise ValueError(
            "cohen_kappa: undefined, as both labelings use a single class, the same one "
            "(chance agreement is already perfect)"
        )
    return float(1 - np.sum(cost * counts) / expected_cost)
