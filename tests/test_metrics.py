"""Metrics against hand-computed examples, known values and brute-force definitions."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad.metrics import (
    KFold,
    LeaveOneOut,
    StratifiedKFold,
    accuracy,
    auc,
    confusion_matrix,
    cross_validate,
    f1_score,
    precision_recall_f1,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

# A worked example. Per class (TP, predicted, actual) and (precision, recall, F1):
#   class 0: (2, 2, 3) -> (1,   2/3, 0.8)
#   class 1: (1, 2, 2) -> (1/2, 1/2, 1/2)
#   class 2: (1, 2, 1) -> (1/2, 1,   2/3)
Y_TRUE = [0, 0, 0, 1, 1, 2]
Y_PRED = [0, 0, 1, 1, 2, 2]


@st.composite
def label_pairs(draw):
    n = draw(st.integers(1, 30))
    pair = st.lists(st.integers(0, 3), min_size=n, max_size=n)
    return np.array(draw(pair)), np.array(draw(pair))


# ---- accuracy -------------------------------------------------------------------------------
def test_accuracy_of_labels():
    assert accuracy(Y_PRED, Y_TRUE) == pytest.approx(4 / 6)


def test_accuracy_takes_the_argmax_of_logits_over_dim_1():
    logits = mg.tensor([[2.0, 1.0, 0.0], [0.0, 0.5, 0.2], [0.1, 0.0, 3.0], [1.0, 0.0, 0.0]])
    assert accuracy(logits, mg.tensor(np.array([0, 1, 2, 2]))) == 0.75


def test_accuracy_of_k_dimensional_logits():
    logits = np.zeros((2, 3, 4))
    logits[:, 1, :] = 1.0  # predicts class 1 everywhere
    target = np.array([[1, 1, 0, 2], [1, 1, 1, 1]])
    assert accuracy(logits, target) == 6 / 8


def test_accuracy_of_probabilities_asks_for_a_threshold():
    with pytest.raises(ValueError, match=r"accuracy: y_pred holds non-integer values .*p > 0.5"):
        accuracy(mg.tensor([0.2, 0.9]), [0, 1])


def test_accuracy_of_mismatched_shapes_is_rejected():
    with pytest.raises(ValueError, match=r"accuracy: y_true has shape \(3,\) but y_pred has shape "
                                         r"\(2,\)"):
        accuracy([0, 1], [0, 1, 1])


# ---- confusion matrix -----------------------------------------------------------------------
def test_confusion_matrix_of_the_worked_example():
    expected = [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    np.testing.assert_array_equal(confusion_matrix(Y_TRUE, Y_PRED), expected)


def test_confusion_matrix_with_more_classes_than_seen_has_empty_rows():
    counts = confusion_matrix(mg.tensor(np.array([0, 1])), np.array([1, 1]), num_classes=3)
    np.testing.assert_array_equal(counts, [[0, 1, 0], [0, 1, 0], [0, 0, 0]])


def test_confusion_matrix_rejects_a_label_beyond_num_classes():
    with pytest.raises(ValueError, match=r"confusion_matrix: label 3 found, but num_classes=3"):
        confusion_matrix([0, 3], [0, 1], num_classes=3)


def test_confusion_matrix_rejects_negative_labels():
    with pytest.raises(ValueError, match="confusion_matrix: y_true holds the negative label -1"):
        confusion_matrix([0, -1], [0, 1])


@given(label_pairs())
def test_confusion_matrix_counts_every_sample_once_in_its_true_row(pair):
    y_true, y_pred = pair
    counts = confusion_matrix(y_true, y_pred, num_classes=4)
    np.testing.assert_array_equal(counts.sum(axis=1), np.bincount(y_true, minlength=4))
    np.testing.assert_array_equal(counts.sum(axis=0), np.bincount(y_pred, minlength=4))
    assert np.trace(counts) == (y_true == y_pred).sum()


# ---- precision, recall, F1 ------------------------------------------------------------------
def test_per_class_scores_of_the_worked_example():
    precision, recall, f1 = precision_recall_f1(Y_TRUE, Y_PRED, average=None)
    np.testing.assert_allclose(precision, [1, 1 / 2, 1 / 2])
    np.testing.assert_allclose(recall, [2 / 3, 1 / 2, 1])
    np.testing.assert_allclose(f1, [0.8, 1 / 2, 2 / 3])


def test_macro_micro_and_weighted_averages_of_the_worked_example():
    macro = precision_recall_f1(Y_TRUE, Y_PRED, average="macro")
    assert macro == pytest.approx((2 / 3, 13 / 18, (0.8 + 0.5 + 2 / 3) / 3))
    assert precision_recall_f1(Y_TRUE, Y_PRED, average="micro") == pytest.approx((4 / 6,) * 3)
    weighted = precision_recall_f1(Y_TRUE, Y_PRED, average="weighted")  # supports 3, 2, 1
    assert weighted == pytest.approx((4.5 / 6, 4 / 6, (3 * 0.8 + 2 * 0.5 + 2 / 3) / 6))


def test_single_score_functions_match_the_triple():
    triple = precision_recall_f1(Y_TRUE, Y_PRED)
    assert (precision_score(Y_TRUE, Y_PRED), recall_score(Y_TRUE, Y_PRED),
            f1_score(Y_TRUE, Y_PRED)) == triple


def test_f1_is_exact_where_the_harmonic_mean_of_p_and_r_would_round():
    # TP = 5, FP = 2, FN = 4: F1 = 10/16 exactly; 2·P·R/(P + R) from 5/7 and 5/9 lands just
    # above it, and a report rounding to 2 digits would print 0.63 instead of 0.62
    y_true, y_pred = [1] * 9 + [0] * 2, [1] * 5 + [0] * 4 + [1] * 2
    assert precision_recall_f1(y_true, y_pred, average=None)[2][1] == 0.625


def test_binary_scores_are_those_of_class_1():
    # TP = 2, FP = 0, FN = 1
    assert precision_recall_f1([0, 1, 1, 1], [0, 0, 1, 1], average="binary") == pytest.approx(
        (1.0, 2 / 3, 0.8)
    )


def test_binary_average_rejects_a_third_class():
    with pytest.raises(ValueError, match=r"precision_recall_f1: label 2 found, but num_classes=2"):
        precision_recall_f1([0, 1, 2], [0, 1, 1], average="binary")


def test_a_class_never_predicted_has_precision_zero_without_warnings():
    with np.errstate(all="raise"):
        precision, recall, f1 = precision_recall_f1([0, 1, 2, 2], [0, 0, 2, 2], average=None)
    assert precision[1] == 0.0 and recall[1] == 0.0 and f1[1] == 0.0
    assert precision[0] == 0.5 and recall[0] == 1.0


def test_macro_average_counts_absent_classes_only_when_num_classes_says_so():
    y_true, y_pred = [0, 0, 1], [0, 0, 1]
    assert precision_recall_f1(y_true, y_pred) == (1.0, 1.0, 1.0)
    assert precision_recall_f1(y_true, y_pred, num_classes=4) == (0.5, 0.5, 0.5)


@given(label_pairs())
def test_micro_average_of_single_label_data_is_the_accuracy(pair):
    y_true, y_pred = pair
    micro = precision_recall_f1(y_true, y_pred, average="micro")
    assert micro == pytest.approx((accuracy(y_pred, y_true),) * 3)


def test_unknown_average_is_rejected():
    with pytest.raises(ValueError, match="precision_recall_f1: average must be one of"):
        precision_recall_f1(Y_TRUE, Y_PRED, average="samples")


# ---- ROC and AUC ----------------------------------------------------------------------------
def test_roc_curve_of_a_worked_example():
    # positives score 0.35 and 0.8, negatives 0.1 and 0.4: 3 of the 4 pairs ordered right
    fpr, tpr, thresholds = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    np.testing.assert_allclose(fpr, [0, 0, 0.5, 0.5, 1])
    np.testing.assert_allclose(tpr, [0, 0.5, 0.5, 1, 1])
    np.testing.assert_allclose(thresholds, [np.inf, 0.8, 0.4, 0.35, 0.1])
    assert roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.75)


def test_tied_scores_make_one_diagonal_step():
    fpr, tpr, _ = roc_curve([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.1])
    np.testing.assert_allclose(fpr, [0, 0, 0.5, 1])
    np.testing.assert_allclose(tpr, [0, 0.5, 1, 1])
    assert roc_auc_score([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.1]) == pytest.approx(0.875)


def test_perfectly_separating_scores_have_auc_1_and_reversed_ones_0():
    y = mg.tensor(np.array([0, 1, 0, 1, 1]))
    scores = mg.tensor([0.1, 0.7, 0.3, 0.9, 0.6])
    assert roc_auc_score(y, scores) == 1.0
    assert roc_auc_score(y, -scores) == 0.0


def test_random_scores_have_auc_near_one_half():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 4000)
    assert roc_auc_score(y, rng.random(4000)) == pytest.approx(0.5, abs=0.03)


@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 4)), min_size=2, max_size=25))
def test_auc_is_the_chance_that_a_positive_outscores_a_negative(samples):
    y = np.array([label for label, _ in samples])
    scores = np.array([score for _, score in samples], dtype=float)
    positives, negatives = scores[y == 1], scores[y == 0]
    if len(positives) == 0 or len(negatives) == 0:
        return
    wins = (positives[:, None] > negatives[None, :]).mean()
    ties = (positives[:, None] == negatives[None, :]).mean()
    assert roc_auc_score(y, scores) == pytest.approx(wins + ties / 2)
    fpr, tpr, _ = roc_curve(y, scores)
    assert (np.diff(fpr) >= 0).all() and (np.diff(tpr) >= 0).all()
    assert (fpr[0], tpr[0], fpr[-1], tpr[-1]) == (0, 0, 1, 1)


@pytest.mark.parametrize("y", [[1, 1, 1], [0, 0]])
def test_roc_of_a_single_class_is_a_clear_error(y):
    with pytest.raises(ValueError, match=rf"roc_curve: y_true holds only class {y[0]}"):
        roc_auc_score(y, np.linspace(0, 1, len(y)))


def test_roc_rejects_labels_other_than_0_and_1():
    with pytest.raises(ValueError, match=r"roc_curve: y_true must hold binary labels 0 and 1, "
                                         r"found \[0, 1, 2\]"):
        roc_curve([0, 1, 2], [0.1, 0.2, 0.3])


def test_roc_rejects_nan_scores_and_mismatched_lengths():
    with pytest.raises(ValueError, match="roc_curve: scores contain nan"):
        roc_curve([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match="roc_curve: y_true has 2 labels but scores has 3"):
        roc_curve([0, 1], [0.1, 0.2, 0.3])


def test_auc_by_the_trapezoid_rule():
    assert auc([0, 1, 2], [0, 1, 0]) == 1.0
    assert auc([2, 1, 0], [0, 1, 0]) == 1.0  # decreasing x, the same area
    assert auc([0, 0.5, 1], [0, 0.25, 1]) == pytest.approx(0.375)


def test_auc_rejects_a_curve_that_goes_back_and_forth():
    with pytest.raises(ValueError, match="auc: x must be monotonic"):
        auc([0, 2, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="auc: x and y must be 1-D with the same length"):
        auc([0], [1])


# ---- cross-validation -----------------------------------------------------------------------
@given(st.integers(2, 40), st.integers(2, 10), st.booleans())
def test_k_fold_validates_every_sample_exactly_once(n, k, shuffle):
    if k > n:
        return
    folds = list(KFold(k, shuffle=shuffle).split(np.zeros(n)))
    assert len(folds) == k
    validated = np.concatenate([validation for _, validation in folds])
    np.testing.assert_array_equal(np.sort(validated), np.arange(n))
    for train, validation in folds:
        np.testing.assert_array_equal(np.sort(np.concatenate([train, validation])), np.arange(n))
    sizes = [len(validation) for _, validation in folds]
    assert max(sizes) - min(sizes) <= 1 and sizes == sorted(sizes, reverse=True)


def test_k_fold_without_shuffle_cuts_consecutive_folds():
    folds = [validation.tolist() for _, validation in KFold(3).split(range(7))]
    assert folds == [[0, 1, 2], [3, 4], [5, 6]]


def test_k_fold_shuffle_is_reproducible_from_a_seed():
    def folds(**options):
        return [v.tolist() for _, v in KFold(3, shuffle=True, **options).split(range(9))]

    assert folds(random_state=1) == folds(random_state=1)
    assert folds(random_state=1) != folds(random_state=2)
    mg.manual_seed(5)
    first = folds()
    mg.manual_seed(5)
    assert folds() == first


def test_k_fold_rejects_bad_settings():
    with pytest.raises(ValueError, match="KFold: n_splits must be an int ≥ 2, got 1"):
        KFold(1)
    with pytest.raises(ValueError, match="KFold: random_state has no effect unless shuffle"):
        KFold(3, random_state=0)
    with pytest.raises(ValueError, match="KFold: cannot split 3 samples into 5 folds"):
        list(KFold(5).split(range(3)))


def test_leave_one_out_validates_each_sample_alone():
    folds = list(LeaveOneOut().split(np.zeros((4, 2))))
    assert LeaveOneOut().get_n_splits(np.zeros(4)) == 4
    assert [validation.tolist() for _, validation in folds] == [[0], [1], [2], [3]]
    assert sorted(folds[0][0].tolist()) == [1, 2, 3]


@given(st.lists(st.integers(0, 2), min_size=4, max_size=40), st.integers(2, 4), st.booleans())
def test_stratified_k_fold_gives_each_fold_every_class_in_its_share(labels, k, shuffle):
    y = np.array(labels)
    sizes = np.bincount(y)
    if k > sizes.max():
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a class smaller than k is warned about
        folds = list(StratifiedKFold(k, shuffle=shuffle).split(y, y))
    assert len(folds) == k
    validated = np.concatenate([validation for _, validation in folds])
    np.testing.assert_array_equal(np.sort(validated), np.arange(len(y)))
    for train, validation in folds:
        np.testing.assert_array_equal(np.sort(np.concatenate([train, validation])),
                                      np.arange(len(y)))
        in_fold = np.bincount(y[validation], minlength=len(sizes))
        assert (np.abs(in_fold - sizes / k) < 1).all()


def test_stratified_k_fold_without_shuffle_fills_folds_in_index_order():
    y = [0, 0, 0, 0, 1, 1]
    folds = [validation.tolist() for _, validation in StratifiedKFold(2).split(y, y)]
    assert folds == [[0, 1, 4], [2, 3, 5]]


def test_stratified_k_fold_shuffle_is_reproducible_from_a_seed():
    y = np.arange(30) % 3

    def folds(**options):
        return [v.tolist() for _, v in StratifiedKFold(3, shuffle=True, **options).split(y, y)]

    assert folds(random_state=1) == folds(random_state=1)
    assert folds(random_state=1) != folds(random_state=2)
    mg.manual_seed(5)
    first = folds()
    mg.manual_seed(5)
    assert folds() == first


def test_stratified_k_fold_rejects_what_it_cannot_stratify():
    with pytest.raises(ValueError, match="StratifiedKFold: n_splits must be an int ≥ 2, got 1"):
        StratifiedKFold(1)
    with pytest.raises(ValueError, match=r"StratifiedKFold: split\(X, y\) needs the labels y"):
        list(StratifiedKFold(2).split(np.zeros(4)))
    with pytest.raises(ValueError, match="StratifiedKFold: n_splits=3 is more than the 2 samples "
                                         "of the largest class"):
        list(StratifiedKFold(3).split(np.zeros(4), [0, 0, 1, 1]))
    with pytest.raises(ValueError, match="StratifiedKFold: X has 3 samples but y has 4 labels"):
        list(StratifiedKFold(2).split(np.zeros(3), [0, 0, 1, 1]))
    with pytest.warns(UserWarning, match="StratifiedKFold: the smallest class has 1 samples"):
        list(StratifiedKFold(2).split(np.zeros(5), [0, 0, 0, 0, 1]))


def nearest_class_mean_accuracy(X_train, y_train, X_val, y_val):
    """A tiny classifier: predict the class whose training mean is closest."""
    X_train, X_val = np.asarray(X_train), np.asarray(X_val)
    y_train, y_val = np.asarray(y_train), np.asarray(y_val)
    means = np.stack([X_train[y_train == c].mean(axis=0) for c in (0, 1)])
    distances = ((X_val[:, None, :] - means[None]) ** 2).sum(axis=2)
    return accuracy(distances.argmin(axis=1), y_val)


def test_cross_validate_scores_each_fold_of_separable_data():
    rng = np.random.default_rng(0)
    y = rng.permutation(np.arange(20) % 2)
    X = rng.normal(0, 0.1, (20, 2)) + 3.0 * y[:, None]
    scores = cross_validate(nearest_class_mean_accuracy, mg.tensor(X), mg.tensor(y), k=4)
    np.testing.assert_array_equal(scores, np.ones(4))


def test_cross_validate_passes_the_labels_to_a_stratified_splitter():
    rng = np.random.default_rng(1)
    y = np.array([0] * 16 + [1] * 4)  # 4 folds: each validates on 4 of class 0 and 1 of class 1
    X = rng.normal(0, 0.1, (20, 2)) + 3.0 * y[:, None]
    folds = StratifiedKFold(4, shuffle=True, random_state=0)
    scores = cross_validate(nearest_class_mean_accuracy, mg.tensor(X), mg.tensor(y), k=folds)
    np.testing.assert_array_equal(scores, np.ones(4))


def test_cross_validate_with_leave_one_out_trains_once_per_sample():
    calls = []

    def record(X_train, y_train, X_val, y_val):
        calls.append((len(X_train), len(X_val)))
        return y_val[0]

    scores = cross_validate(record, np.zeros((5, 1)), [3, 1, 4, 1, 5], k=LeaveOneOut())
    assert calls == [(4, 1)] * 5
    assert sorted(scores.tolist()) == [1, 1, 3, 4, 5]


def test_cross_validate_shuffles_because_sorted_data_would_mislead():
    # sorted by class: an unshuffled 2-fold split trains on one class, validates on the other
    X, y = np.zeros((10, 1)), np.array([0] * 5 + [1] * 5)

    def majority_class_accuracy(X_train, y_train, X_val, y_val):
        return accuracy(np.full(len(y_val), np.bincount(y_train).argmax()), y_val)

    unshuffled = cross_validate(majority_class_accuracy, X, y, k=2, shuffle=False)
    shuffled = cross_validate(majority_class_accuracy, X, y, k=2, random_state=0)
    assert unshuffled.tolist() == [0.0, 0.0]
    assert shuffled.mean() > 0
