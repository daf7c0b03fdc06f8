"""Loss modules give the same numbers as the functions, keep weights as buffers, and check
their options when built."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F

X, Y = mg.randn(4, 3), mg.rand(4, 3)
INDICES = mg.tensor(np.array([0, 2, 1, 2]))
W = mg.tensor([1.0, 2.0, 0.5])

MODULE_AND_FUNCTION = [
    (nn.CrossEntropyLoss(W, ignore_index=1, label_smoothing=0.1),
     lambda: F.cross_entropy(X, INDICES, W, ignore_index=1, label_smoothing=0.1), INDICES),
    (nn.NLLLoss(W, reduction="sum"),
     lambda: F.nll_loss(X, INDICES, W, reduction="sum"), INDICES),
    (nn.MSELoss(reduction="none"), lambda: F.mse_loss(X, Y, reduction="none"), Y),
    (nn.L1Loss(), lambda: F.l1_loss(X, Y), Y),
    (nn.SmoothL1Loss(beta=0.3), lambda: F.smooth_l1_loss(X, Y, beta=0.3), Y),
    (nn.HuberLoss("sum", 0.7), lambda: F.huber_loss(X, Y, "sum", 0.7), Y),
    (nn.BCEWithLogitsLoss(pos_weight=W),
     lambda: F.binary_cross_entropy_with_logits(X, Y, pos_weight=W), Y),
    (nn.KLDivLoss(reduction="batchmean"), lambda: F.kl_div(X, Y, reduction="batchmean"), Y),
]


@pytest.mark.parametrize(
    "module, function, target", MODULE_AND_FUNCTION, ids=lambda v: type(v).__name__
)
def test_loss_module_equals_its_function(module, function, target):
    assert isinstance(module, nn.Module)
    np.testing.assert_array_equal(module(X, target).numpy(), function().numpy())


def test_bce_loss_module_equals_its_function():
    p = X.sigmoid()
    assert nn.BCELoss(W)(p, Y).item() == F.binary_cross_entropy(p, Y, W).item()


def test_class_weight_and_pos_weight_are_buffers_in_the_state_dict():
    assert list(nn.CrossEntropyLoss(W).state_dict()) == ["weight"]
    assert list(nn.BCEWithLogitsLoss(pos_weight=W).state_dict()) == ["pos_weight"]
    assert list(nn.CrossEntropyLoss().state_dict()) == []
    assert list(nn.CrossEntropyLoss(W).parameters()) == []


def test_loss_module_trains_through_backward():
    x = mg.randn(4, 3, requires_grad=True)
    nn.CrossEntropyLoss()(x, INDICES).backward()
    assert x.grad.shape == (4, 3)


def test_bad_reduction_is_rejected_when_the_module_is_built():
    with pytest.raises(ValueError, match="MSELoss: reduction must be one of"):
        nn.MSELoss(reduction="average")
    nn.KLDivLoss(reduction="batchmean")


def test_module_repr_shows_the_reduction():
    assert repr(nn.L1Loss(reduction="sum")) == "L1Loss(reduction='sum')"
