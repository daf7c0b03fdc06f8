"""The metrics added beside accuracy and F1: ranking curves, chance-corrected agreement, scores
of probabilities and the report, against hand-computed examples and brute-force definitions
(scikit-learn's values are checked in test_metrics_sklearn.py)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad.metrics import (
    StratifiedKFold,
    accuracy,
    average_precision,
    balanced_accuracy,
    brier_score,
    classification_report,
    cohen_kappa,
    log_loss,
    matthews_corrcoef,
    precision_recall_curve,
    r2_score,
    roc_auc_score,
    top_k_accuracy,
)


@st.composite
def scored_binary_labels(draw):
    """0/1 labels with at least one positive, and integer scores (so ties are common)."""
    n = draw(st.integers(1, 25))
    labels = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    labels[draw(st.integers(0, n - 1))] = 1
    scores = np.array(draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)), dtype=float)
    return labels, scores


@st.composite
def label_pairs(draw, classes=4):
    n = draw(st.integers(2, 30))
    pair = st.lists(st.integers(0, classes - 1), min_size=n, max_size=n)
    return np.array(draw(pair)), np.array(draw(pair))


# ---- precision-recall curve and average precision ------------------------------------------
def test_precision_recall_curve_of_a_worked_example_with_a_tie():
    # scores ≥ 0.9: 1 of 1 positive; ≥ 0.5 (two tied positives): 3 of 3; ≥ 0.3: 3 of 4; all: 3/5
    precision, recall, thresholds = precision_recall_curve(
        mg.tensor(np.array([0, 1, 1, 0, 1])), mg.tensor([0.1, 0.5, 0.5, 0.3, 0.9])
    )
    np.testing.assert_allclose(thresholds, [0.1, 0.3, 0.5, 0.9], rtol=1e-6)
    np.testing.assert_allclose(precision, [3 / 5, 3 / 4, 1, 1, 1])
    np.testing.assert_allclose(recall, [1, 1, 1, 1 / 3, 0])
    # AP = 1/3 · 1 + 2/3 · 1 (the tie is one step) + 0 · 3/4 + 0 · 3/5
    assert average_precision([0, 1, 1, 0, 1], [0.1, 0.5, 0.5, 0.3, 0.9]) == pytest.approx(1.0)


def test_average_precision_is_not_the_interpolated_one():
    # ranked: pos, neg, pos. Step-wise AP = ½·1 + ½·⅔ = ⅚; the trapezoid under the curve or
    # interpolated precision would give other values
    assert average_precision([1, 0, 1], [0.9, 0.8, 0.7]) == pytest.approx(5 / 6)


@given(scored_binary_labels())
def test_average_precision_is_the_mean_precision_at_each_positive(sample):
    labels, scores = sample
    # each positive, scored s, is found at threshold s: the precision there, averaged
    precision_at = [labels[scores >= s].mean() for s in scores[labels == 1]]
    assert average_precision(labels, scores) == pytest.approx(np.mean(precision_at))
    precision, recall, thresholds = precision_recall_curve(labels, scores)
    assert len(precision) == len(recall) == len(thresholds) + 1 == len(np.unique(scores)) + 1
    assert (np.diff(recall) <= 0).all() and (precision[-1], recall[-1]) == (1, 0)


def test_precision_recall_curve_needs_a_positive_but_no_negative():
    precision, _, _ = precision_recall_curve([1, 1], [0.2, 0.7])
    np.testing.assert_array_equal(precision, [1, 1, 1])
    with pytest.raises(ValueError, match=r"precision_recall_curve: y_true holds only class 0; "
                                         r"the curve needs positive samples"):
        average_precision([0, 0], [0.2, 0.7])


def test_precision_recall_curve_rejects_bad_inputs():
    with pytest.raises(ValueError, match="precision_recall_curve: y_true has 2 labels but scores "
                                         "has 3 values"):
        precision_recall_curve([0, 1], [0.1, 0.2, 0.3])
    with pytest.raises(TypeError, match="precision_recall_curve: scores must hold numbers, got "
                                        "dtype <U1"):
        precision_recall_curve([0, 1], ["a", "b"])
    with pytest.raises(ValueError, match="precision_recall_curve: no samples"):
        precision_recall_curve([], [])


# ---- one-vs-rest ROC AUC and average precision ---------------------------------------------
Y3 = np.array([0, 0, 1, 1, 2, 2, 2])
SCORES3 = np.array([[0.8, 0.1, 0.1], [0.3, 0.4, 0.3], [0.2, 0.7, 0.1], [0.5, 0.3, 0.2],
                    [0.1, 0.1, 0.8], [0.2, 0.2, 0.6], [0.3, 0.5, 0.2]])


def test_one_vs_rest_scores_each_class_against_the_rest_and_averages():
    per_class = roc_auc_score(Y3, SCORES3, average=None)
    # class 0: its 2 images against the 5 others: 0.8 beats all 5; 0.3 beats 3, ties 1
    assert per_class[0] == pytest.approx((5 + 3 + 1 / 2) / 10)
    for c in range(3):
        assert per_class[c] == roc_auc_score(Y3 == c, SCORES3[:, c])
    assert roc_auc_score(mg.tensor(Y3), mg.tensor(SCORES3)) == pytest.approx(per_class.mean())
    weighted = roc_auc_score(Y3, SCORES3, average="weighted")
    assert weighted == pytest.approx(np.dot(per_class, [2, 2, 3]) / 7)
    micro = roc_auc_score(Y3, SCORES3, average="micro")
    assert micro == roc_auc_score(np.eye(3)[Y3].reshape(-1), SCORES3.reshape(-1))
    assert average_precision(Y3, SCORES3, average=None)[2] == average_precision(Y3 == 2,
                                                                              SCORES3[:, 2])


def test_one_vs_rest_needs_every_class_in_y_true():
    with pytest.raises(ValueError, match=r"roc_auc_score: class 2 has no samples in y_true, so "
                                         r"its one-vs-rest score is undefined"):
        roc_auc_score(Y3[:4], SCORES3[:4])
    with pytest.raises(ValueError, match=r"average_precision: label 2 found, but scores has 2 "
                                         r"columns"):
        average_precision(Y3, SCORES3[:, :2])
    with pytest.raises(ValueError, match=r"roc_auc_score: scores of shape \(7, 3\) do not fit "
                                         r"labels of shape \(6,\)"):
        roc_auc_score(Y3[:6], SCORES3)


def test_one_vs_rest_rejects_unknown_averages_and_one_vs_one():
    with pytest.raises(ValueError, match="roc_auc_score: average must be one of"):
        roc_auc_score(Y3, SCORES3, average="samples")
    with pytest.raises(ValueError, match="roc_auc_score: only multi_class='ovr' is implemented"):
        roc_auc_score(Y3, SCORES3, multi_class="ovo")


# ---- top-k and balanced accuracy ------------------------------------------------------------
def test_top_k_accuracy_counts_the_true_class_among_the_k_best():
    scores = [[0.5, 0.3, 0.2], [0.1, 0.3, 0.6], [0.2, 0.3, 0.5]]
    target = [0, 1, 0]  # ranks 1, 2 and 3
    assert [top_k_accuracy(scores, target, k=k) for k in (1, 2, 3)] == [1 / 3, 2 / 3, 1.0]
    assert top_k_accuracy(mg.tensor(scores), mg.tensor(np.array(target)), k=10) == 1.0


def test_top_k_accuracy_breaks_ties_toward_the_lower_class_as_argmax_does():
    scores = [[1.0, 1.0, 0.0]]
    assert top_k_accuracy(scores, [0], k=1) == 1.0
    assert top_k_accuracy(scores, [1], k=1) == 0.0
    assert top_k_accuracy(scores, [1], k=2) == 1.0


@given(st.integers(1, 12), st.integers(1, 4), st.data())
def test_top_1_accuracy_is_the_accuracy(n, classes, data):
    scores = np.array(data.draw(st.lists(st.integers(0, 2), min_size=n * classes,
                                         max_size=n * classes))).reshape(n, classes)
    target = np.array(data.draw(st.lists(st.integers(0, classes - 1), min_size=n, max_size=n)))
    assert top_k_accuracy(scores, target, k=1) == accuracy(scores, target)


def test_top_k_accuracy_of_k_dimensional_scores():
    scores = np.zeros((2, 3, 4))
    scores[:, 1] = 2.0
    scores[:, 2] = 1.0  # class 1 ranks first everywhere, 2 second, 0 third
    target = np.array([[1, 2, 0, 0], [1, 1, 2, 2]])
    assert top_k_accuracy(scores, target, k=2) == 6 / 8


def test_top_k_accuracy_rejects_bad_k_and_shapes():
    with pytest.raises(ValueError, match="top_k_accuracy: k must be an int ≥ 1, got 0"):
        top_k_accuracy([[0.1, 0.9]], [1], k=0)
    with pytest.raises(ValueError, match=r"top_k_accuracy: scores of shape \(2,\) do not fit "
                                         r"labels of shape \(2,\)"):
        top_k_accuracy([0.1, 0.9], [0, 1])


def test_balanced_accuracy_sees_through_a_majority_class_predictor():
    y_true, always_0 = [0] * 8 + [1] * 2, [0] * 10
    assert accuracy(always_0, y_true) == 0.8
    assert balanced_accuracy(y_true, always_0) == 0.5
    assert balanced_accuracy(y_true, always_0, adjusted=True) == 0.0
    assert balanced_accuracy(y_true, y_true, adjusted=True) == 1.0


def test_balanced_accuracy_averages_only_the_classes_in_y_true():
    # class 2 is only predicted: recall of 0 is 1/2, of 1 is 1
    assert balanced_accuracy([0, 0, 1], [0, 2, 1]) == 0.75
    with pytest.raises(ValueError, match="balanced_accuracy: adjusted=True needs two classes"):
        balanced_accuracy([1, 1], [1, 0], adjusted=True)


# ---- Matthews correlation and Cohen's kappa ------------------------------------------------
@given(label_pairs(classes=2))
def test_binary_mcc_is_the_correlation_of_truth_and_prediction(pair):
    y_true, y_pred = pair
    mcc = matthews_corrcoef(y_true, y_pred)
    if y_true.std() == 0 or y_pred.std() == 0:
        assert mcc == 0.0
    else:
        assert mcc == pytest.approx(np.corrcoef(y_true, y_pred)[0, 1])


def test_mcc_is_1_for_perfect_and_minus_1_for_reversed_predictions():
    assert matthews_corrcoef([0, 1, 2, 2], [0, 1, 2, 2]) == 1.0
    assert matthews_corrcoef([0, 1, 1, 0], [1, 0, 0, 1]) == -1.0


def brute_force_kappa(y1, y2, cost):
    """1 - (mean cost of the pairs as labelled) / (mean cost over all pairings of y1 and y2:
    what independent labelings with the same class frequencies would cost)."""
    observed = np.mean([cost(a, b) for a, b in zip(y1, y2)])
    chance = np.mean([[cost(a, b) for b in y2] for a in y1])
    return 1 - observed / chance


@pytest.mark.parametrize("weights, cost", [
    (None, lambda a, b: float(a != b)),
    ("linear", lambda a, b: abs(a - b)),
    ("quadratic", lambda a, b: (a - b) ** 2),
], ids=["unweighted", "linear", "quadratic"])
@given(pair=label_pairs())
def test_kappa_is_observed_against_chance_disagreement(weights, cost, pair):
    y1, y2 = pair
    if len(set(y1) | set(y2)) == 1:
        return
    kappa = cohen_kappa(y1, y2, weights=weights)
    assert kappa == pytest.approx(brute_force_kappa(y1, y2, cost))
    assert kappa == pytest.approx(cohen_kappa(y2, y1, weights=weights))  # symmetric


def test_kappa_weights_distances_between_class_indices():
    # class 2 occurs nowhere: 0 vs 3 is 3 apart here (scikit-learn would count 2 positions)
    y1, y2 = [0, 1, 3, 3, 0], [0, 3, 3, 1, 1]
    assert cohen_kappa(y1, y2, weights="linear") == pytest.approx(
        brute_force_kappa(y1, y2, lambda a, b: abs(a - b)))
    assert cohen_kappa(y1, y1) == 1.0


def test_kappa_rejects_unknown_weights_and_an_undefined_case():
    with pytest.raises(ValueError, match="cohen_kappa: weights must be one of"):
        cohen_kappa([0, 1], [0, 1], weights="cubic")
    with pytest.raises(ValueError, match="cohen_kappa: undefined, as both labelings use a "
                                         "single class"):
        cohen_kappa([2, 2], [2, 2])
    with pytest.raises(ValueError, match=r"cohen_kappa: y_true has shape \(2,\) but y_pred has "
                                         r"shape \(3,\)"):
        cohen_kappa([0, 1], [0, 1, 1])


# ---- log loss and Brier score --------------------------------------------------------------
def test_log_loss_and_brier_score_of_a_worked_example():
    y, probs = [0, 1], [[0.8, 0.2], [0.4, 0.6]]
    assert log_loss(y, probs) == pytest.approx(-(np.log(0.8) + np.log(0.6)) / 2)
    assert log_loss(y, [0.2, 0.6]) == pytest.approx(log_loss(y, probs))  # P(class 1) only
    # binary: mean (p - y)² = (0.2² + 0.4²) / 2, the same from one column or two
    assert brier_score(y, [0.2, 0.6]) == pytest.approx(0.1)
    assert brier_score(mg.tensor(np.array(y)), mg.tensor(probs)) == pytest.approx(0.1)


def test_brier_score_of_several_classes_sums_over_them():
    assert brier_score([0, 2], np.eye(3)[[0, 2]]) == 0.0
    assert brier_score([0, 2], np.eye(3)[[1, 0]]) == 2.0  # the worst: sure and wrong


def test_log_loss_of_a_certain_mistake_is_large_but_finite():
    eps64, eps32 = np.finfo(np.float64).eps, np.finfo(np.float32).eps
    assert log_loss([0], [[0.0, 1.0]]) == pytest.approx(-np.log(eps64))
    assert log_loss([0], np.array([[0.0, 1.0]], np.float32)) == pytest.approx(-np.log(eps32))


@pytest.mark.parametrize("metric", [log_loss, brier_score])
def test_probability_scores_reject_logits_and_rows_not_summing_to_one(metric):
    name = metric.__name__
    with pytest.raises(ValueError, match=rf"{name}: probs must lie in \[0, 1\], found -1.5; pass "
                                         "probabilities"):
        metric([0, 1], [[-1.5, 2.5], [0.0, 1.0]])
    with pytest.raises(ValueError, match=rf"{name}: each row of probs must sum to 1 .* summing "
                                         "to 0.7"):
        metric([0, 1], [[0.3, 0.4], [0.0, 1.0]])
    with pytest.raises(ValueError, match=rf"{name}: label 2 found, but probs has 2 columns"):
        metric([0, 2], [[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match=rf"{name}: probs contain nan or inf"):
        metric([0, 1], [0.5, np.nan])


# ---- classification_report -----------------------------------------------------------------
def test_classification_report_as_a_dict():
    report = classification_report([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], output_dict=True)
    assert list(report) == ["0", "1", "2", "accuracy", "macro avg", "weighted avg"]
    assert report["1"] == {"precision": 2 / 3, "recall": 1.0, "f1-score": 0.8, "support": 2}
    assert report["2"] == {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 1}
    assert report["accuracy"] == 0.6
    assert report["macro avg"]["support"] == 5


def test_classification_report_lists_the_classes_that_occur_or_all_num_classes():
    text = classification_report([0, 3], [0, 3], target_names=["zero", "three"])
    assert "zero" in text and "three" in text and "\n           2 " not in text
    assert list(classification_report([0, 3], [0, 3], num_classes=5, output_dict=True))[:5] == [
        "0", "1", "2", "3", "4"]
    with pytest.raises(ValueError, match=r"classification_report: 1 target_names for 2 classes "
                                         r"\[0, 3\]"):
        classification_report([0, 3], [0, 3], target_names=["zero"])


# ---- GPU: metrics copy device data to the host once, at the edge ---------------------------
def test_metrics_take_cuda_tensors_and_device_arrays_on_the_standin(standin_gpu):
    y, probs = Y3, SCORES3 / SCORES3.sum(axis=1, keepdims=True)
    on_cuda = mg.tensor(y).to("cuda"), mg.tensor(probs).to("cuda")
    raw_device_arrays = on_cuda[0].data, on_cuda[1].data
    for metric in (roc_auc_score, average_precision, log_loss, brier_score):
        assert metric(*on_cuda) == metric(*raw_device_arrays) == metric(y, probs)
    assert top_k_accuracy(on_cuda[1], on_cuda[0]) == top_k_accuracy(probs, y)
    assert r2_score(on_cuda[1], on_cuda[1] + 0.1) == r2_score(probs, probs + 0.1)
    folds = StratifiedKFold(2).split(np.zeros(len(y)), on_cuda[0])
    assert [v.tolist() for _, v in folds] == [[0, 2, 4, 5], [1, 3, 6]]
