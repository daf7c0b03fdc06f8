"""Losses: values against numpy references written from the formulas, gradients against
finite differences (mg.gradcheck, float64), and stability at logits of ±1e4 in float32."""

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F

REDUCTIONS = ["none", "mean", "sum"]


# ---- numpy references, written from the formulas ------------------------------------------
def ref_log_softmax(x, axis):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def ref_reduce(losses, reduction, denominator=None):
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    return losses.sum() / (losses.size if denominator is None else denominator)


def ref_cross_entropy(x, target, weight, ignore_index, reduction, smoothing):
    """Sample by sample: (1-ε)·w[y]·(-log p_y) + (ε/C)·Σ_c w_c·(-log p_c); 'mean' divides
    by Σ w[y] over the samples that are not ignored."""
    classes = x.shape[1]
    log_p = np.moveaxis(ref_log_softmax(x, 1), 1, -1).reshape(-1, classes)
    w = np.ones(classes) if weight is None else weight
    losses, total_weight = [], 0.0
    for row, y in zip(log_p, target.reshape(-1)):
        if y == ignore_index:
            losses.append(0.0)
            continue
        losses.append((1 - smoothing) * w[y] * -row[y] + smoothing / classes * (w * -row).sum())
        total_weight += w[y]
    return ref_reduce(np.array(losses).reshape(target.shape), reduction, total_weight)


def ref_nll_loss(log_p, target, weight, ignore_index, reduction):
    """-w[y]·log_p[n, y] sample by sample (0 where ignored); 'mean' divides by Σ w[y]."""
    classes = log_p.shape[1]
    rows = np.moveaxis(log_p, 1, -1).reshape(-1, classes)
    w = np.ones(classes) if weight is None else weight
    losses, total_weight = [], 0.0
    for row, y in zip(rows, target.reshape(-1)):
        losses.append(0.0 if y == ignore_index else -w[y] * row[y])
        total_weight += 0.0 if y == ignore_index else w[y]
    return ref_reduce(np.array(losses).reshape(target.shape), reduction, total_weight)


def ref_cross_entropy_probabilities(x, q, weight, reduction, smoothing):
    """-Σ_c w_c·q'_c·log p_c with q' = (1-ε)q + ε/C; 'mean' divides by the sample count."""
    classes = x.shape[1]
    q = (1 - smoothing) * q + smoothing / classes
    w = np.ones(classes) if weight is None else weight
    w = w.reshape((1, classes) + (1,) * (x.ndim - 2))
    return ref_reduce(-(w * q * ref_log_softmax(x, 1)).sum(axis=1), reduction)


def ref_sigmoid(x):
    return 1 / (1 + np.exp(-x))


ELEMENTWISE_REFERENCES = {
    "mse_loss": (F.mse_loss, lambda d: d * d),
    "l1_loss": (F.l1_loss, np.abs),
    "smooth_l1_loss": (
        lambda x, y, reduction: F.smooth_l1_loss(x, y, reduction=reduction, beta=0.5),
        lambda d: np.where(np.abs(d) < 0.5, 0.5 * d * d / 0.5, np.abs(d) - 0.25),
    ),
    "huber_loss": (
        lambda x, y, reduction: F.huber_loss(x, y, reduction=reduction, delta=2.0),
        lambda d: np.where(np.abs(d) < 2.0, 0.5 * d * d, 2.0 * (np.abs(d) - 1.0)),
    ),
}


# ---- strategies -----------------------------------------------------------------------------
@dataclass
class ClassProblem:
    logits: np.ndarray  # (N, C) or (N, C, d1), float64
    target: np.ndarray  # (N,) or (N, d1) class indices
    weight: np.ndarray  # (C,) or None
    ignore_index: int
    smoothing: float
    reduction: str

    def options(self):
        weight = None if self.weight is None else mg.tensor(self.weight)
        return dict(weight=weight, ignore_index=self.ignore_index, reduction=self.reduction)


@st.composite
def class_problems(draw):
    """Batches of 1-4 samples, 2-4 classes, sometimes a K-dim extra axis (N, C, d1), with or
    without class weights, ignored targets and label smoothing."""
    n, classes = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    extra = tuple(draw(st.lists(st.integers(1, 3), max_size=1)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    target = rng.integers(0, classes, (n,) + extra)
    ignore_index = draw(st.sampled_from([-100, 0]))
    if ignore_index == -100:
        target[rng.random(target.shape) < 0.3] = -100
    target.reshape(-1)[0] = classes - 1  # at least one sample counts, so 'mean' is defined
    return ClassProblem(
        logits=rng.normal(0, 2, (n, classes) + extra),
        target=target,
        weight=rng.uniform(0.5, 2.0, classes) if draw(st.booleans()) else None,
        ignore_index=ignore_index,
        smoothing=draw(st.sampled_from([0.0, 0.1, 0.4])),
        reduction=draw(st.sampled_from(REDUCTIONS)),
    )


@st.composite
def probability_problems(draw):
    """Logits and a target distribution of the same shape ((N, C) or (N, C, d1))."""
    n, classes = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    shape = (n, classes) + tuple(draw(st.lists(st.integers(1, 3), max_size=1)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    q = np.exp(ref_log_softmax(rng.normal(0, 1, shape), 1))
    weight = rng.uniform(0.5, 2.0, classes) if draw(st.booleans()) else None
    return rng.normal(0, 2, shape), q, weight


def float64(array, requires_grad=True):
    return mg.tensor(np.asarray(array, dtype=np.float64), requires_grad=requires_grad)


def seeded_arrays(seed, shape):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1.5, shape), rng.normal(0, 1.5, shape)


shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)
seeds = st.integers(0, 2**32 - 1)


# ---- cross_entropy and nll_loss -----------------------------------------------------------
@given(class_problems())
def test_cross_entropy_with_class_indices_matches_reference(p):
    out = F.cross_entropy(
        mg.tensor(p.logits), mg.tensor(p.target), label_smoothing=p.smoothing, **p.options()
    )
    expected = ref_cross_entropy(
        p.logits, p.target, p.weight, p.ignore_index, p.reduction, p.smoothing
    )
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10, atol=1e-12)


@given(class_problems())
def test_cross_entropy_with_class_indices_gradient_matches_finite_differences(p):
    target = mg.tensor(p.target)
    mg.gradcheck(
        lambda x: F.cross_entropy(x, target, label_smoothing=p.smoothing, **p.options()),
        [float64(p.logits)],
    )


@given(probability_problems(), st.sampled_from([0.0, 0.2]), st.sampled_from(REDUCTIONS))
def test_cross_entropy_with_probabilities_matches_reference(problem, smoothing, reduction):
    logits, q, weight = problem
    out = F.cross_entropy(
        mg.tensor(logits), mg.tensor(q), weight=None if weight is None else mg.tensor(weight),
        reduction=reduction, label_smoothing=smoothing,
    )
    expected = ref_cross_entropy_probabilities(logits, q, weight, reduction, smoothing)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10, atol=1e-12)


@given(probability_problems(), st.sampled_from([0.0, 0.2]), st.sampled_from(REDUCTIONS))
def test_cross_entropy_with_probabilities_gradient_reaches_input_and_target(
    problem, smoothing, reduction
):
    logits, q, weight = problem
    weight = None if weight is None else mg.tensor(weight)
    mg.gradcheck(
        lambda x, t: F.cross_entropy(
            x, t, weight=weight, reduction=reduction, label_smoothing=smoothing
        ),
        [float64(logits), float64(q)],
    )


def test_cross_entropy_of_a_single_unbatched_sample():
    logits = np.array([0.5, -1.0, 2.0])
    out = F.cross_entropy(mg.tensor(logits), mg.tensor(np.array(2)))
    assert out.shape == ()
    assert out.item() == pytest.approx(-ref_log_softmax(logits, 0)[2], rel=1e-12)
    mg.gradcheck(lambda x: F.cross_entropy(x, mg.tensor(np.array(0))), [float64(logits)])


def test_cross_entropy_of_all_ignored_targets_is_zero_with_sum():
    x = mg.randn(3, 4, requires_grad=True)
    out = F.cross_entropy(x, mg.tensor(np.full(3, -100)), reduction="sum")
    out.backward()
    assert out.item() == 0.0
    assert np.all(x.grad.numpy() == 0.0)


@given(class_problems())
def test_nll_loss_matches_reference(p):
    log_p = ref_log_softmax(p.logits, 1)
    out = F.nll_loss(mg.tensor(log_p), mg.tensor(p.target), **p.options())
    expected = ref_nll_loss(log_p, p.target, p.weight, p.ignore_index, p.reduction)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10, atol=1e-12)


@given(class_problems())
def test_nll_loss_gradient_matches_finite_differences(p):
    target = mg.tensor(p.target)
    mg.gradcheck(lambda x: F.nll_loss(x, target, **p.options()), [float64(p.logits)])


@given(class_problems())
def test_cross_entropy_is_nll_loss_of_log_softmax(p):
    x, target = mg.tensor(p.logits), mg.tensor(p.target)
    fused = F.cross_entropy(x, target, **p.options())
    composed = F.nll_loss(F.log_softmax(x, dim=1), target, **p.options())
    np.testing.assert_allclose(fused.numpy(), composed.numpy(), rtol=1e-12, atol=1e-12)


# ---- elementwise regression losses ----------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ELEMENTWISE_REFERENCES))
@given(shape=shapes, seed=seeds, reduction=st.sampled_from(REDUCTIONS))
def test_elementwise_loss_matches_reference(name, shape, seed, reduction):
    loss_fn, pointwise = ELEMENTWISE_REFERENCES[name]
    x, y = seeded_arrays(seed, shape)
    out = loss_fn(mg.tensor(x), mg.tensor(y), reduction=reduction)
    np.testing.assert_allclose(out.numpy(), ref_reduce(pointwise(x - y), reduction), rtol=1e-12)


@pytest.mark.parametrize("name", sorted(ELEMENTWISE_REFERENCES))
@given(shape=shapes, seed=seeds, reduction=st.sampled_from(REDUCTIONS))
def test_elementwise_loss_gradient_matches_finite_differences(name, shape, seed, reduction):
    loss_fn, _ = ELEMENTWISE_REFERENCES[name]
    x, y = seeded_arrays(seed, shape)
    mg.gradcheck(lambda a, b: loss_fn(a, b, reduction=reduction), [float64(x), float64(y)])


def test_smooth_l1_loss_with_beta_zero_is_l1_loss():
    x, y = mg.randn(5), mg.randn(5)
    assert F.smooth_l1_loss(x, y, beta=0.0).item() == F.l1_loss(x, y).item()


# ---- binary cross-entropy -------------------------------------------------------------------
@st.composite
def binary_problems(draw):
    """(N, C) scores, soft targets in [0, 1], and optional weight (N, 1) and pos_weight (C,)."""
    n, classes = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    logits = rng.normal(0, 3, (n, classes))
    target = rng.choice([0.0, 1.0, rng.uniform()], (n, classes))
    weight = rng.uniform(0.5, 2, (n, 1)) if draw(st.booleans()) else None
    pos_weight = rng.uniform(0.5, 3, classes) if draw(st.booleans()) else None
    return logits, target, weight, pos_weight, draw(st.sampled_from(REDUCTIONS))


def optional_tensor(array):
    return None if array is None else mg.tensor(array)


@given(binary_problems())
def test_binary_cross_entropy_matches_reference(problem):
    logits, y, weight, _, reduction = problem
    x = np.clip(ref_sigmoid(logits), 0.02, 0.98)
    out = F.binary_cross_entropy(
        mg.tensor(x), mg.tensor(y), weight=optional_tensor(weight), reduction=reduction
    )
    w = 1.0 if weight is None else weight
    expected = ref_reduce(-w * (y * np.log(x) + (1 - y) * np.log(1 - x)), reduction)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10)


@given(binary_problems())
def test_binary_cross_entropy_gradient_reaches_input_and_target(problem):
    logits, y, weight, _, reduction = problem
    x = np.clip(ref_sigmoid(logits), 0.02, 0.98)
    weight = optional_tensor(weight)
    mg.gradcheck(
        lambda a, b: F.binary_cross_entropy(a, b, weight=weight, reduction=reduction),
        [float64(x), float64(y)],
    )


@given(binary_problems())
def test_binary_cross_entropy_with_logits_matches_reference(problem):
    logits, y, weight, pos_weight, reduction = problem
    out = F.binary_cross_entropy_with_logits(
        mg.tensor(logits), mg.tensor(y), weight=optional_tensor(weight),
        reduction=reduction, pos_weight=optional_tensor(pos_weight),
    )
    s = ref_sigmoid(logits)
    p = 1.0 if pos_weight is None else pos_weight
    w = 1.0 if weight is None else weight
    expected = ref_reduce(-w * (p * y * np.log(s) + (1 - y) * np.log(1 - s)), reduction)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-9)


@given(binary_problems())
def test_binary_cross_entropy_with_logits_gradient_reaches_input_and_target(problem):
    logits, y, weight, pos_weight, reduction = problem
    weight, pos_weight = optional_tensor(weight), optional_tensor(pos_weight)
    mg.gradcheck(
        lambda a, b: F.binary_cross_entropy_with_logits(
            a, b, weight=weight, reduction=reduction, pos_weight=pos_weight
        ),
        [float64(logits), float64(y)],
    )


def test_binary_cross_entropy_clamps_log_of_zero_at_minus_100_with_finite_gradient():
    x = mg.tensor([0.0, 1.0, 0.0, 1.0], requires_grad=True)
    y = mg.tensor([0.0, 1.0, 1.0, 0.0])
    loss = F.binary_cross_entropy(x, y, reduction="none")
    loss.sum().backward()
    assert loss.tolist() == [0.0, 0.0, 100.0, 100.0]
    assert np.isfinite(x.grad.numpy()).all()
    assert x.grad.numpy()[2] < 0 < x.grad.numpy()[3]  # pushes each wrong prediction back


# ---- kl_div ---------------------------------------------------------------------------------
@st.composite
def kl_problems(draw):
    """log-probabilities and a target distribution (N, C); some target entries exactly 0."""
    n, classes = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    log_p = ref_log_softmax(rng.normal(0, 1, (n, classes)), 1)
    target = np.exp(ref_log_softmax(rng.normal(0, 1, (n, classes)), 1))
    if draw(st.booleans()):
        target[:, 0] = 0.0
    return log_p, target, draw(st.sampled_from(REDUCTIONS + ["batchmean"]))


def ref_kl_div(log_p, target, reduction):
    safe = np.where(target > 0, target, 1.0)
    losses = np.where(target > 0, target * (np.log(safe) - log_p), 0.0)
    return losses.sum() / len(losses) if reduction == "batchmean" else ref_reduce(losses, reduction)


@given(kl_problems(), st.booleans())
def test_kl_div_matches_reference(problem, log_target):
    log_p, target, reduction = problem
    if log_target:  # a log-target of -inf gives nan, as in PyTorch (e^-inf · -inf)
        target = np.maximum(target, 1e-3)
    given_target = np.log(target) if log_target else target
    out = F.kl_div(
        mg.tensor(log_p), mg.tensor(given_target), reduction=reduction, log_target=log_target
    )
    np.testing.assert_allclose(out.numpy(), ref_kl_div(log_p, target, reduction), rtol=1e-10)


@given(kl_problems(), st.booleans())
def test_kl_div_gradient_reaches_input_and_positive_target(problem, log_target):
    log_p, target, reduction = problem
    target = np.maximum(target, 0.05)  # t·log t has no derivative at t = 0
    target = np.log(target) if log_target else target
    mg.gradcheck(
        lambda a, b: F.kl_div(a, b, reduction=reduction, log_target=log_target),
        [float64(log_p), float64(target)],
    )


def test_kl_div_with_zero_target_entries_has_finite_gradient():
    x = mg.tensor([[-0.5, -1.0, -2.0]], requires_grad=True)
    t = mg.tensor([[0.0, 0.3, 0.7]], requires_grad=True)
    F.kl_div(x, t, reduction="batchmean").backward()
    assert np.isfinite(x.grad.numpy()).all() and np.isfinite(t.grad.numpy()).all()
    assert x.grad.tolist()[0] == pytest.approx([0.0, -0.3, -0.7])


# ---- float32 stability and dtype ------------------------------------------------------------
BIG = [[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [1e4, 1e4, -1e4]]


@pytest.mark.parametrize(
    "options",
    [{}, {"label_smoothing": 0.1}, {"weight": mg.tensor([1.0, 2.0, 3.0])}, {"reduction": "sum"}],
    ids=["plain", "label_smoothing", "weight", "sum"],
)
def test_cross_entropy_is_finite_at_logits_of_1e4_in_float32(options):
    x = mg.tensor(BIG, requires_grad=True)
    loss = F.cross_entropy(x, mg.tensor(np.array([1, 2, 2])), **options)
    loss.backward()
    assert loss.dtype == np.float32 and x.grad.dtype == np.float32
    assert np.isfinite(loss.item()) and np.isfinite(x.grad.numpy()).all()


def test_cross_entropy_at_logits_of_1e4_has_the_exact_values():
    x = mg.tensor(BIG, requires_grad=True)
    loss = F.cross_entropy(x, mg.tensor(np.array([1, 2, 2])), reduction="sum")
    loss.backward()
    # sample 0: log p = (0, -2e4, -1e4) -> 2e4; sample 1: p = one-hot of the target -> 0;
    # sample 2: log p of the target = -2e4 - log 2
    assert loss.item() == pytest.approx(4e4 + np.log(2), rel=1e-6)
    expected_grad = [[1, -1, 0], [0, 0, 0], [0.5, 0.5, -1]]
    np.testing.assert_allclose(x.grad.numpy(), expected_grad, atol=1e-6)


def test_cross_entropy_with_probabilities_is_finite_at_logits_of_1e4():
    x = mg.tensor(BIG, requires_grad=True)
    q = mg.tensor([[0.0, 0.5, 0.5]] * 3, requires_grad=True)
    loss = F.cross_entropy(x, q, label_smoothing=0.2)
    loss.backward()
    assert np.isfinite(loss.item())
    assert np.isfinite(x.grad.numpy()).all() and np.isfinite(q.grad.numpy()).all()


def test_cross_entropy_ignores_a_masked_class_with_logit_minus_infinity():
    x = mg.tensor([[0.0, float("-inf"), 1.0]], requires_grad=True)
    loss = F.cross_entropy(x, mg.tensor(np.array([2])))
    loss.backward()
    assert loss.item() == pytest.approx(np.log1p(np.exp(-1.0)), rel=1e-6)
    assert np.isfinite(x.grad.numpy()).all()


def test_binary_cross_entropy_with_logits_is_exact_at_logits_of_1e4_in_float32():
    x = mg.tensor([1e4, -1e4, 1e4, -1e4], requires_grad=True)
    y = mg.tensor([1.0, 0.0, 0.0, 1.0])
    loss = F.binary_cross_entropy_with_logits(x, y, reduction="none", pos_weight=mg.tensor([2.0]))
    loss.sum().backward()
    assert loss.dtype == np.float32
    assert loss.tolist() == [0.0, 0.0, 1e4, 2e4]
    assert x.grad.tolist() == [0.0, 0.0, 1.0, -2.0]


def test_kl_div_is_finite_for_log_probabilities_of_minus_1e4():
    x = mg.tensor([[0.0, -1e4, -1e4]], requires_grad=True)
    t = mg.tensor([[0.5, 0.5, 0.0]])
    loss = F.kl_div(x, t, reduction="batchmean")
    loss.backward()
    assert loss.item() == pytest.approx(0.5 * np.log(0.5) + 0.5 * (np.log(0.5) + 1e4), rel=1e-6)
    assert np.isfinite(x.grad.numpy()).all()


@pytest.mark.parametrize(
    "loss_fn",
    [
        lambda x, y: F.cross_entropy(x, (y[:, 0] > 0.5).long(), weight=mg.ones(3),
                                     label_smoothing=0.1),
        lambda x, y: F.cross_entropy(x, y.softmax(1), weight=mg.ones(3), label_smoothing=0.1),
        lambda x, y: F.nll_loss(x.log_softmax(1), (y[:, 0] > 0.5).long(), weight=mg.ones(3)),
        lambda x, y: F.binary_cross_entropy(x.sigmoid(), y, weight=mg.ones(3)),
        lambda x, y: F.binary_cross_entropy_with_logits(x, y, pos_weight=mg.ones(3)),
        lambda x, y: F.kl_div(x.log_softmax(1), y.softmax(1), reduction="batchmean"),
        lambda x, y: F.huber_loss(x, y, delta=0.5),
    ],
    ids=["ce_indices", "ce_probabilities", "nll", "bce", "bce_logits", "kl_div", "huber"],
)
def test_losses_of_float32_inputs_stay_float32(loss_fn):
    x = mg.rand(4, 3, requires_grad=True)
    loss = loss_fn(x, mg.rand(4, 3))
    loss.backward()
    assert loss.dtype == np.float32 and x.grad.dtype == np.float32
