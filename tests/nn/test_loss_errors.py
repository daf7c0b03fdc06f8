"""Bad arguments to a loss raise our ValueError/TypeError, naming the loss and what it got."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F

LOGITS = mg.randn(4, 3)
INDICES = mg.tensor(np.array([0, 2, 1, 2]))

ELEMENTWISE = [
    F.mse_loss,
    F.l1_loss,
    F.smooth_l1_loss,
    F.huber_loss,
    F.binary_cross_entropy,
    F.binary_cross_entropy_with_logits,
    F.kl_div,
]
ALL_LOSSES = [F.cross_entropy, F.nll_loss] + ELEMENTWISE


def a_valid_target(loss_fn):
    return INDICES if loss_fn in (F.cross_entropy, F.nll_loss) else mg.rand(4, 3)


@pytest.mark.parametrize("loss_fn", ALL_LOSSES, ids=lambda f: f.__name__)
def test_unknown_reduction_is_a_value_error_naming_the_loss(loss_fn):
    with pytest.raises(ValueError, match=rf"{loss_fn.__name__}: reduction must be one of .*'avg'"):
        loss_fn(mg.rand(4, 3), a_valid_target(loss_fn), reduction="avg")


@pytest.mark.parametrize("loss_fn", ALL_LOSSES, ids=lambda f: f.__name__)
def test_integer_input_is_a_type_error(loss_fn):
    with pytest.raises(TypeError, match=rf"{loss_fn.__name__}: expected a floating.*int64"):
        loss_fn(mg.tensor(np.zeros((4, 3), dtype=np.int64)), a_valid_target(loss_fn))


@pytest.mark.parametrize("loss_fn", ELEMENTWISE, ids=lambda f: f.__name__)
def test_elementwise_loss_rejects_a_target_of_another_shape(loss_fn):
    # (4, 1) against (4,) would broadcast to (4, 4): the classic silent regression bug
    with pytest.raises(ValueError, match=rf"{loss_fn.__name__}: target shape \(4,\) differs "
                                         r"from input shape \(4, 1\)"):
        loss_fn(mg.rand(4, 1), mg.rand(4))


@pytest.mark.parametrize("loss_fn", ELEMENTWISE, ids=lambda f: f.__name__)
def test_elementwise_loss_rejects_an_integer_target(loss_fn):
    with pytest.raises(TypeError, match=rf"{loss_fn.__name__}: target must be a floating.*int64"):
        loss_fn(mg.rand(4), mg.tensor(np.array([0, 1, 1, 0])))


@pytest.mark.parametrize("loss_fn", ELEMENTWISE, ids=lambda f: f.__name__)
def test_elementwise_loss_rejects_float64_target_for_float32_input(loss_fn):
    with pytest.raises(TypeError, match=rf"{loss_fn.__name__}: input is float32 but target is "
                                        "float64"):
        loss_fn(mg.rand(4), mg.tensor(np.full(4, 0.5)))


def test_target_that_is_not_a_tensor_is_a_type_error():
    with pytest.raises(TypeError, match="mse_loss: target must be a Tensor, got list"):
        F.mse_loss(mg.rand(2), [0.0, 1.0])


@pytest.mark.parametrize("loss_fn", [F.cross_entropy, F.nll_loss], ids=lambda f: f.__name__)
def test_class_index_out_of_range_names_index_and_class_count(loss_fn):
    with pytest.raises(ValueError, match=rf"{loss_fn.__name__}: target holds class index 3, but "
                                         r"input has 3 classes \(valid: 0 to 2"):
        loss_fn(LOGITS, mg.tensor(np.array([0, 3, 1, 2])))


@pytest.mark.parametrize("loss_fn", [F.cross_entropy, F.nll_loss], ids=lambda f: f.__name__)
def test_negative_class_index_other_than_ignore_index_is_rejected(loss_fn):
    with pytest.raises(ValueError, match="class index -1"):
        loss_fn(LOGITS, mg.tensor(np.array([0, -1, 1, 2])))


def test_ignore_index_may_lie_outside_the_classes():
    loss = F.cross_entropy(LOGITS, mg.tensor(np.array([0, 7, 1, 7])), ignore_index=7)
    assert np.isfinite(loss.item())


@pytest.mark.parametrize("loss_fn", [F.cross_entropy, F.nll_loss], ids=lambda f: f.__name__)
def test_class_index_target_of_wrong_shape_names_expected_shape(loss_fn):
    with pytest.raises(ValueError, match=rf"{loss_fn.__name__}: for input of shape \(4, 3\), "
                                         r"the target of class indices must have shape \(4,\)"):
        loss_fn(LOGITS, mg.tensor(np.zeros((4, 1), dtype=np.int64)))


def test_nll_loss_with_float_class_indices_suggests_long():
    with pytest.raises(TypeError, match=r"nll_loss: .*got dtype float32.*target.long\(\)"):
        F.nll_loss(LOGITS, mg.tensor([0, 2, 1, 2]))


def test_cross_entropy_float_target_of_index_shape_suggests_long():
    # mg.tensor([0, 2, 1, 2]) is float32, so it reads as probabilities of the wrong shape
    with pytest.raises(ValueError, match=r"cross_entropy: a float target holds class "
                                         r"probabilities .*\(4, 3\), got \(4,\).*long\(\)"):
        F.cross_entropy(LOGITS, mg.tensor([0, 2, 1, 2]))


def test_cross_entropy_bool_target_is_a_type_error():
    with pytest.raises(TypeError, match="cross_entropy: target must hold class indices.*bool"):
        F.cross_entropy(LOGITS, mg.tensor(np.array([True, False, True, True])))


def test_class_weight_of_wrong_length_is_rejected():
    with pytest.raises(ValueError, match=r"cross_entropy: weight must have one entry per class, "
                                         r"shape \(3,\), got shape \(4,\)"):
        F.cross_entropy(LOGITS, INDICES, weight=mg.ones(4))


def test_label_smoothing_outside_zero_one_is_rejected():
    with pytest.raises(ValueError, match="cross_entropy: label_smoothing must be in"):
        F.cross_entropy(LOGITS, INDICES, label_smoothing=1.5)


def test_zero_dimensional_input_has_no_class_dimension():
    with pytest.raises(ValueError, match="cross_entropy: input must have a class dimension"):
        F.cross_entropy(mg.tensor(1.0), INDICES)


def test_binary_cross_entropy_of_logits_points_to_the_logits_version():
    with pytest.raises(ValueError, match=r"binary_cross_entropy: input must hold probabilities"
                                         r".*-2 to 3.*binary_cross_entropy_with_logits"):
        F.binary_cross_entropy(mg.tensor([-2.0, 3.0]), mg.tensor([0.0, 1.0]))


def test_pos_weight_that_does_not_broadcast_is_rejected():
    with pytest.raises(ValueError, match=r"binary_cross_entropy_with_logits: pos_weight of "
                                         r"shape \(2,\) does not broadcast to the input's shape"):
        F.binary_cross_entropy_with_logits(mg.rand(4, 3), mg.rand(4, 3), pos_weight=mg.ones(2))


def test_sample_weight_may_not_enlarge_the_input():
    with pytest.raises(ValueError, match=r"weight of shape \(2, 4, 3\) does not broadcast"):
        F.binary_cross_entropy(mg.rand(4, 3), mg.rand(4, 3), weight=mg.ones(2, 4, 3))


def test_batchmean_is_only_for_kl_div():
    F.kl_div(mg.rand(4, 3), mg.rand(4, 3), reduction="batchmean")
    with pytest.raises(ValueError, match="mse_loss: reduction must be one of"):
        F.mse_loss(mg.rand(4, 3), mg.rand(4, 3), reduction="batchmean")


def test_negative_beta_and_nonpositive_delta_are_rejected():
    with pytest.raises(ValueError, match="smooth_l1_loss: beta must be"):
        F.smooth_l1_loss(mg.rand(3), mg.rand(3), beta=-1.0)
    with pytest.raises(ValueError, match="huber_loss: delta must be > 0"):
        F.huber_loss(mg.rand(3), mg.rand(3), delta=0.0)


def test_options_after_weight_are_keyword_only():
    # PyTorch's third positional slot after weight is the deprecated size_average
    with pytest.raises(TypeError):
        F.cross_entropy(LOGITS, INDICES, None, None, -100)


def test_input_that_is_not_a_tensor_is_a_type_error():
    with pytest.raises(TypeError, match="cross_entropy: input must be a Tensor, got ndarray"):
        F.cross_entropy(np.zeros((2, 3)), mg.tensor(np.array([0, 1])))
