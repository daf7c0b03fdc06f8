"""CTC loss: its gradient against finite differences on drawn problems, a loss worked by
hand, the module, the CuPy stand-in, and our errors (values and gradients against PyTorch
are in test_nnfunc_torch_fixtures.py)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from tests.gradients import check_gradients
from tests.test_gpu_backend import assert_same_on_both_devices


@st.composite
def ctc_problems(draw):
    """log_probs (T, N, C) values (not normalised: the recursion does not need it), targets
    free of the blank, and input lengths long enough for every target."""
    steps, batch, classes = draw(st.integers(2, 5)), draw(st.integers(1, 3)), draw(st.integers(2, 4))
    blank = draw(st.integers(0, classes - 1))
    labels = [c for c in range(classes) if c != blank]
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    target_lengths = rng.integers(0, (steps - 1) // 2 + 1, batch)
    targets = rng.choice(labels, (batch, max(target_lengths.max(), 1)))
    input_lengths = np.array([rng.integers(2 * n + 1, steps + 1) for n in target_lengths])
    log_probs = rng.normal(-1.5, 1.0, (steps, batch, classes))
    reduction = draw(st.sampled_from(["none", "mean", "sum"]))
    return log_probs, targets, input_lengths, target_lengths, blank, reduction


@given(problem=ctc_problems())
def test_ctc_gradient_matches_finite_differences(problem):
    log_probs, targets, input_lengths, target_lengths, blank, reduction = problem
    check_gradients(
        lambda lp: F.ctc_loss(lp, mg.tensor(targets), mg.tensor(input_lengths),
                              mg.tensor(target_lengths), blank=blank, reduction=reduction),
        log_probs,
    )


def test_ctc_of_one_label_in_two_steps_by_hand():
    # alignments of "1" in 2 steps: (1, 1), (blank, 1), (1, blank)
    p = np.array([[0.5, 0.3, 0.2], [0.1, 0.6, 0.3]])
    expected = -math.log(p[0, 1] * p[1, 1] + p[0, 0] * p[1, 1] + p[0, 1] * p[1, 0])
    loss = F.ctc_loss(mg.tensor(np.log(p)), mg.tensor(np.array([1])), 2, 1)
    np.testing.assert_allclose(loss.item(), expected, rtol=1e-12)


def test_ctc_module_mean_divides_by_target_lengths():
    log_probs = F.log_softmax(mg.randn(5, 2, 4), 2)
    targets, input_lengths = mg.tensor(np.array([[1, 2], [3, 0]])), mg.tensor(np.array([5, 4]))
    target_lengths = mg.tensor(np.array([2, 1]))
    per_sample = F.ctc_loss(log_probs, targets, input_lengths, target_lengths, reduction="none")
    mean = nn.CTCLoss()(log_probs, targets, input_lengths, target_lengths)
    np.testing.assert_allclose(mean.item(), (per_sample.numpy() / [2, 1]).mean(), rtol=1e-6)
    assert mean.dtype == mg.float32


def test_ctc_on_standin_cuda(standin_gpu):
    targets, lengths = np.array([[1, 1, 2], [3, 0, 0]]), np.array([3, 1])

    def loss(logits):
        return F.ctc_loss(F.log_softmax(logits.reshape(5, 2, 4), 2),
                          mg.tensor(targets, device=logits.device), [5, 4],
                          mg.tensor(lengths, device=logits.device), reduction="none")

    logits = np.random.default_rng(0).standard_normal(40).astype(np.float32)
    assert_same_on_both_devices(loss, logits)


LP = F.log_softmax(mg.randn(4, 2, 3), 2)
TARGETS = mg.tensor(np.array([[1, 2], [2, 0]]))


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.ctc_loss(LP[:, 0], TARGETS, 4, 2), ValueError,
     r"ctc_loss: one sample's targets must be 1-d, got shape \(2, 2\)"),
    (lambda: F.ctc_loss(LP, TARGETS, [5, 4], [2, 1]), ValueError,
     "ctc_loss: input_lengths must be in 1 to 4, got values from 4 to 5"),
    (lambda: F.ctc_loss(LP, TARGETS, [4, 4], [3, 1]), ValueError,
     "ctc_loss: target_lengths must be in 0 to 2"),
    (lambda: F.ctc_loss(LP, TARGETS, [4], [2, 1]), ValueError,
     r"ctc_loss: input_lengths must have one length per sample \(2\), got 1"),
    (lambda: F.ctc_loss(LP, TARGETS.float(), [4, 4], [2, 1]), TypeError,
     "ctc_loss: targets must be an integer tensor of class indices, got float32"),
    (lambda: F.ctc_loss(LP, TARGETS + 2, [4, 4], [2, 1]), ValueError,
     "ctc_loss: targets must be class indices in 0 to 2, got values from 3 to 4"),
    (lambda: F.ctc_loss(LP, mg.tensor(np.array([1, 2, 1])), [4, 4], [2, 2]), ValueError,
     "ctc_loss: 1-d targets hold 3 labels but target_lengths add up to 4"),
    (lambda: F.ctc_loss(LP, TARGETS, [4, 4], [2, 1], blank=3), ValueError,
     "ctc_loss: blank must be a class index in 0 to 2, got 3"),
    (lambda: F.ctc_loss(LP[None], TARGETS, [4, 4], [2, 1]), ValueError,
     r"ctc_loss: log_probs must be \(T, N, C\) or \(T, C\)"),
    (lambda: F.ctc_loss(LP, TARGETS, [4.0, 4.0], [2, 1]), TypeError,
     "ctc_loss: input_lengths must hold integers, got dtype float64"),
    (lambda: F.ctc_loss(LP, TARGETS, [4, 4], [2, 1], reduction="avg"), ValueError,
     "ctc_loss: reduction must be one of"),
])
def test_ctc_bad_arguments_raise_our_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
