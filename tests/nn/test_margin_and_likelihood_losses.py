"""The margin losses and the Poisson and Gaussian NLL losses: their modules, stability at
±1e4, numbers worked by hand, and our errors for bad arguments (their values and gradients
against PyTorch are in test_nnfunc_torch_fixtures.py)."""

import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn

X1, X2, X3 = mg.randn(4, 3), mg.randn(4, 3), mg.randn(4, 3)
SIGNS = mg.tensor(np.array([1.0, -1.0, -1.0, 1.0], np.float32))
SIGNS_4x3 = mg.tensor(np.sign(np.random.default_rng(0).standard_normal((4, 3))).astype(np.float32))
INDICES = mg.tensor(np.array([0, 2, 1, 2]))
LABEL_LISTS = mg.tensor(np.array([[0, 2, -1], [1, -1, 0], [2, 1, 0], [-1, 0, 0]]))
W = mg.tensor(np.array([1.0, 2.0, 0.5], np.float32))
VAR = mg.rand(4, 3) + 0.1

MODULE_CALLS = [
    (nn.MarginRankingLoss(0.5, reduction="none"), (X1, X2, SIGNS[:, None].expand(4, 3)),
     lambda: F.margin_ranking_loss(X1, X2, SIGNS[:, None].expand(4, 3), 0.5, reduction="none")),
    (nn.HingeEmbeddingLoss(2.0), (X1.abs(), SIGNS_4x3),
     lambda: F.hinge_embedding_loss(X1.abs(), SIGNS_4x3, 2.0)),
    (nn.CosineEmbeddingLoss(0.1, reduction="sum"), (X1, X2, SIGNS),
     lambda: F.cosine_embedding_loss(X1, X2, SIGNS, 0.1, reduction="sum")),
    (nn.TripletMarginLoss(2.0, p=1.0, swap=True), (X1, X2, X3),
     lambda: F.triplet_margin_loss(X1, X2, X3, 2.0, p=1.0, swap=True)),
    (nn.TripletMarginWithDistanceLoss(margin=0.5), (X1, X2, X3),
     lambda: F.triplet_margin_loss(X1, X2, X3, 0.5)),
    (nn.SoftMarginLoss(reduction="sum"), (X1, SIGNS_4x3),
     lambda: F.soft_margin_loss(X1, SIGNS_4x3, reduction="sum")),
    (nn.MultiLabelSoftMarginLoss(W), (X1, SIGNS_4x3.relu()),
     lambda: F.multilabel_soft_margin_loss(X1, SIGNS_4x3.relu(), W)),
    (nn.MultiMarginLoss(p=2, margin=0.5, weight=W), (X1, INDICES),
     lambda: F.multi_margin_loss(X1, INDICES, 2, 0.5, W)),
    (nn.MultiLabelMarginLoss(reduction="none"), (X1, LABEL_LISTS),
     lambda: F.multilabel_margin_loss(X1, LABEL_LISTS, reduction="none")),
    (nn.PoissonNLLLoss(log_input=False, full=True, eps=1e-3), (VAR, X2.abs()),
     lambda: F.poisson_nll_loss(VAR, X2.abs(), False, True, eps=1e-3)),
    (nn.GaussianNLLLoss(full=True, reduction="sum"), (X1, X2, VAR),
     lambda: F.gaussian_nll_loss(X1, X2, VAR, full=True, reduction="sum")),
]


@pytest.mark.parametrize("module, inputs, function", MODULE_CALLS,
                         ids=[type(m).__name__ for m, _, _ in MODULE_CALLS])
def test_loss_module_calls_its_function_with_its_options(module, inputs, function):
    out = module(*inputs)
    assert out.dtype == mg.float32
    np.testing.assert_array_equal(out.numpy(), function().numpy())


def test_class_weights_are_buffers():
    assert list(nn.MultiMarginLoss(weight=W).state_dict()) == ["weight"]
    assert list(nn.MultiLabelSoftMarginLoss(W).state_dict()) == ["weight"]


def test_soft_margin_losses_are_finite_at_plus_minus_1e4_in_float32():
    """PyTorch's soft_margin_loss computes log(1 + e^(-y·x)) and overflows to inf there."""
    x = mg.tensor(np.array([-1e4, 1e4, -1e4, 1e4], np.float32), requires_grad=True)
    y = mg.tensor(np.array([1.0, -1.0, -1.0, 1.0], np.float32))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        soft = F.soft_margin_loss(x, y, reduction="none")
        multilabel = F.multilabel_soft_margin_loss(x[None], (y[None] + 1) / 2)
        (soft.sum() + multilabel).backward()
    np.testing.assert_allclose(soft.numpy(), [1e4, 1e4, 0.0, 0.0])
    np.testing.assert_allclose(multilabel.item(), 2e4 / 4)
    assert np.isfinite(x.grad.numpy()).all() and x.grad.dtype == mg.float32


def test_multilabel_margin_loss_by_hand():
    # labels {2, 0} (the rest after -1 ignored): pairs (j, i) = (2, 1), (0, 1), 1 − x_j + x_i
    x = mg.tensor([0.1, 0.2, 0.4, 0.8])
    y = mg.tensor(np.array([2, 0, -1, 3]))
    expected = (max(0, 1 - 0.4 + 0.2) + max(0, 1 - 0.4 + 0.8) + max(0, 1 - 0.1 + 0.2)
                + max(0, 1 - 0.1 + 0.8)) / 4
    np.testing.assert_allclose(F.multilabel_margin_loss(x, y).item(), expected, rtol=1e-6)


def test_gaussian_nll_loss_takes_a_number_as_the_shared_variance():
    x, y = mg.tensor([1.0, 2.0]), mg.tensor([0.0, 0.0])
    expected = 0.5 * (math.log(4.0) + np.array([1.0, 4.0]) / 4.0)
    np.testing.assert_allclose(F.gaussian_nll_loss(x, y, 4.0, reduction="none").numpy(),
                               expected, rtol=1e-6)


def test_triplet_margin_with_distance_loss_uses_the_given_distance():
    def squared(a, b):
        return ((a - b) ** 2).sum(dim=-1)

    loss = F.triplet_margin_with_distance_loss(X1, X2, X3, distance_function=squared,
                                               reduction="none")
    expected = np.maximum(squared(X1, X2).numpy() - squared(X1, X3).numpy() + 1.0, 0)
    np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-6)


NEW_LOSSES = {
    "margin_ranking_loss": lambda **kw: F.margin_ranking_loss(X1, X2, SIGNS_4x3, **kw),
    "hinge_embedding_loss": lambda **kw: F.hinge_embedding_loss(X1, SIGNS_4x3, **kw),
    "cosine_embedding_loss": lambda **kw: F.cosine_embedding_loss(X1, X2, SIGNS, **kw),
    "triplet_margin_loss": lambda **kw: F.triplet_margin_loss(X1, X2, X3, **kw),
    "triplet_margin_with_distance_loss":
        lambda **kw: F.triplet_margin_with_distance_loss(X1, X2, X3, **kw),
    "soft_margin_loss": lambda **kw: F.soft_margin_loss(X1, SIGNS_4x3, **kw),
    "multilabel_soft_margin_loss": lambda **kw: F.multilabel_soft_margin_loss(X1, X2, **kw),
    "multi_margin_loss": lambda **kw: F.multi_margin_loss(X1, INDICES, **kw),
    "multilabel_margin_loss": lambda **kw: F.multilabel_margin_loss(X1, LABEL_LISTS, **kw),
    "poisson_nll_loss": lambda **kw: F.poisson_nll_loss(X1, X2, **kw),
    "gaussian_nll_loss": lambda **kw: F.gaussian_nll_loss(X1, X2, VAR, **kw),
}


@pytest.mark.parametrize("name", NEW_LOSSES)
def test_unknown_reduction_is_a_value_error_naming_the_loss(name):
    with pytest.raises(ValueError, match=rf"{name}: reduction must be one of .*'avg'"):
        NEW_LOSSES[name](reduction="avg")


@pytest.mark.parametrize("name", NEW_LOSSES)
def test_each_reduction_is_the_mean_or_sum_of_none(name):
    per_sample = NEW_LOSSES[name](reduction="none").numpy()
    np.testing.assert_allclose(NEW_LOSSES[name]().item(), per_sample.mean(), rtol=1e-6)
    np.testing.assert_allclose(NEW_LOSSES[name](reduction="sum").item(), per_sample.sum(),
                               rtol=1e-5)


I64 = mg.tensor(np.zeros((4, 3), np.int64))


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.margin_ranking_loss(X1, X2[:, :2], SIGNS_4x3), ValueError,
     r"margin_ranking_loss: input2 has shape \(4, 2\) but input1 has shape \(4, 3\)"),
    (lambda: F.margin_ranking_loss(X1, X2.double(), SIGNS_4x3), TypeError,
     "margin_ranking_loss: input1 is float32 but input2 is float64"),
    (lambda: F.margin_ranking_loss(I64, I64, I64), TypeError,
     "margin_ranking_loss: expected a floating-point tensor, got dtype int64"),
    (lambda: F.hinge_embedding_loss(X1, SIGNS), ValueError,
     r"hinge_embedding_loss: target shape \(4,\) differs from input shape \(4, 3\)"),
    (lambda: F.cosine_embedding_loss(X1, X2, SIGNS_4x3), ValueError,
     r"cosine_embedding_loss: target must have shape \(4,\) \(one label per pair\)"),
    (lambda: F.cosine_embedding_loss(X1[None], X2[None], SIGNS), ValueError,
     r"cosine_embedding_loss: expected inputs \(N, D\) or \(D,\), got shape \(1, 4, 3\)"),
    (lambda: F.triplet_margin_loss(X1, X2, X3[:2]), ValueError,
     r"triplet_margin_loss: negative has shape \(2, 3\) but anchor has shape \(4, 3\)"),
    (lambda: F.triplet_margin_with_distance_loss(X1, X2, X3, margin=0.0), ValueError,
     "triplet_margin_with_distance_loss: margin must be > 0, got 0.0"),
    (lambda: F.soft_margin_loss(X1, INDICES), TypeError,
     "soft_margin_loss: target must be a floating-point tensor"),
    (lambda: F.multilabel_soft_margin_loss(X1, X2, mg.ones(4)), ValueError,
     r"multilabel_soft_margin_loss: weight of shape \(4,\) does not broadcast"),
    (lambda: F.multi_margin_loss(X1, INDICES, p=3), ValueError,
     "multi_margin_loss: p must be 1 or 2, got 3"),
    (lambda: nn.MultiMarginLoss(p=3), ValueError, "MultiMarginLoss: p must be 1 or 2, got 3"),
    (lambda: F.multi_margin_loss(X1, mg.tensor(np.array([0, 3, 1, 2]))), ValueError,
     ("multi_margin_loss: target holds class index 3, but input has 3 classes "
     r"\(valid: 0 to 2\)$")),
    (lambda: F.multi_margin_loss(X1, INDICES.float()), TypeError,
     "multi_margin_loss: target must hold class indices, an integer tensor, got dtype float32"),
    (lambda: F.multi_margin_loss(X1[None], INDICES), ValueError,
     r"multi_margin_loss: expected input \(N, C\) or \(C,\), got shape \(1, 4, 3\)"),
    (lambda: F.multi_margin_loss(X1, INDICES, weight=mg.ones(4)), ValueError,
     r"multi_margin_loss: weight must have one entry per class, shape \(3,\)"),
    (lambda: F.multilabel_margin_loss(X1, INDICES), ValueError,
     r"multilabel_margin_loss: target must have the input's shape \(4, 3\), got \(4,\)"),
    (lambda: F.multilabel_margin_loss(X1, X2), TypeError,
     ("multilabel_margin_loss: target must list class indices, an integer tensor, got dtype "
     "float32")),
    (lambda: F.multilabel_margin_loss(X1, LABEL_LISTS + 1), ValueError,
     "multilabel_margin_loss: target lists a class outside 0 to 2 before its first -1"),
    (lambda: F.poisson_nll_loss(X1, X2.double()), TypeError,
     "poisson_nll_loss: input is float32 but target is float64"),
    (lambda: F.gaussian_nll_loss(X1, X2, -VAR), ValueError,
     "gaussian_nll_loss: var has negative entries"),
    (lambda: F.gaussian_nll_loss(X1, X2, -1.0), ValueError,
     "gaussian_nll_loss: var has negative entries"),
    (lambda: F.gaussian_nll_loss(X1, X2, VAR[:2]), ValueError,
     r"gaussian_nll_loss: var of shape \(2, 3\) does not fit the input's shape \(4, 3\)"),
    (lambda: F.gaussian_nll_loss(X1, X2, VAR.double()), TypeError,
     "gaussian_nll_loss: input is float32 but var is float64"),
    (lambda: F.gaussian_nll_loss(X1, X2, "1"), TypeError,
     "gaussian_nll_loss: var must be a Tensor or a number, got str"),
])
def test_bad_arguments_raise_our_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
