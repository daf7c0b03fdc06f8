"""Knowledge distillation: the loss against a numpy reference written from the formula, its
gradient against finite differences, its limits (α = 0, α = 1, large T), a frozen teacher,
unlabelled samples, finite values at logits of ±1e4, and errors in its own words."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.distill import distill_epoch, distillation_loss
from tests.nn.test_loss import ref_log_softmax

UNLABELLED = -100


def ref_distillation_loss(z, v, y, temperature, alpha):
    """α·T²·mean_n Σ_c p·(log p − log q) + (1 − α)·mean over labelled n of −log softmax(z)_y."""
    log_q, log_p = ref_log_softmax(z / temperature, 1), ref_log_softmax(v / temperature, 1)
    soft = (np.exp(log_p) * (log_p - log_q)).sum(axis=1).mean()
    labelled = [n for n in range(len(z)) if y is not None and y[n] != UNLABELLED]
    hard = -np.mean([ref_log_softmax(z, 1)[n, y[n]] for n in labelled]) if labelled else 0.0
    return alpha * temperature**2 * soft + (1 - alpha) * hard


@st.composite
def distillation_problems(draw):
    """(student logits, teacher logits, targets with some unlabelled, T, α), float64."""
    n, c = draw(st.integers(1, 4)), draw(st.integers(2, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    z, v = rng.standard_normal((n, c)) * 3, rng.standard_normal((n, c)) * 3
    y = rng.integers(0, c, n)
    y[rng.random(n) < 0.3] = UNLABELLED
    temperature = draw(st.sampled_from([0.5, 1.0, 4.0, 20.0]))
    alpha = draw(st.floats(0.0, 1.0))
    return z, v, y, temperature, alpha


def tensors(z, v, y, dtype=mg.float64):
    return (mg.tensor(z, dtype=dtype, requires_grad=True), mg.tensor(v, dtype=dtype),
            None if y is None else mg.tensor(np.asarray(y)))


@given(distillation_problems())
def test_gradient_wrt_student_logits_matches_finite_differences(problem):
    z, v, y, temperature, alpha = problem
    student, teacher, target = tensors(z, v, y)
    assert mg.gradcheck(
        lambda s: distillation_loss(s, teacher, target, temperature, alpha), [student]
    )


@given(distillation_problems())
def test_value_matches_numpy_reference(problem):
    z, v, y, temperature, alpha = problem
    loss = distillation_loss(*tensors(z, v, y), temperature=temperature, alpha=alpha)
    np.testing.assert_allclose(loss.item(), ref_distillation_loss(z, v, y, temperature, alpha),
                               rtol=1e-10, atol=1e-12)


def test_alpha_0_is_plain_cross_entropy_and_alpha_1_the_scaled_soft_term_only():
    rng = np.random.default_rng(0)
    z, v, y = rng.standard_normal((6, 4)), rng.standard_normal((6, 4)), rng.integers(0, 4, 6)
    student, teacher, target = tensors(z, v, y)
    pure_hard = distillation_loss(student, teacher, target, temperature=3.0, alpha=0.0)
    np.testing.assert_allclose(pure_hard.item(), F.cross_entropy(student, target).item(),
                               rtol=1e-12)
    pure_soft = distillation_loss(student, teacher, target, temperature=3.0, alpha=1.0)
    np.testing.assert_allclose(pure_soft.item(), ref_distillation_loss(z, v, None, 3.0, 1.0),
                               rtol=1e-12)
    assert pure_soft.item() != pytest.approx(pure_hard.item())


def test_unlabelled_batch_gives_the_soft_term_alone_not_nan():
    rng = np.random.default_rng(1)
    z, v = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    student, teacher, _ = tensors(z, v, None)
    none_labelled = mg.full((5,), UNLABELLED, dtype=mg.int64)
    expected = 0.25 * ref_distillation_loss(z, v, None, 2.0, 1.0)
    for target in (None, none_labelled):
        loss = distillation_loss(student, teacher, target, temperature=2.0, alpha=0.25)
        np.testing.assert_allclose(loss.item(), expected, rtol=1e-12)


def test_teacher_gets_no_gradient_the_student_does():
    teacher_weight = nn.Parameter(mg.randn(3, 4))
    x = mg.randn(5, 3)
    student = mg.randn(5, 4, requires_grad=True)
    teacher_logits = x @ teacher_weight  # part of a graph that reaches a parameter
    distillation_loss(student, teacher_logits, mg.tensor(np.array([0, 1, 2, 3, 0]))).backward()
    assert teacher_weight.grad is None
    assert np.abs(student.grad.numpy()).sum() > 0


def test_t_squared_keeps_the_soft_gradient_size_as_temperature_grows():
    """For large T, T²·∂KL/∂z ≈ ((z − mean z) − (v − mean v)) / (C·N), independent of T."""
    rng = np.random.default_rng(2)
    z, v = rng.standard_normal((3, 5)), rng.standard_normal((3, 5))
    limit = ((z - z.mean(1, keepdims=True)) - (v - v.mean(1, keepdims=True))) / (5 * 3)
    relative_errors = []
    for temperature in (20.0, 200.0):
        student, teacher, _ = tensors(z, v, None)
        distillation_loss(student, teacher, None, temperature, alpha=1.0).backward()
        error = np.linalg.norm(student.grad.numpy() - limit) / np.linalg.norm(limit)
        relative_errors.append(error)
    assert relative_errors[1] < relative_errors[0] < 0.05
    assert relative_errors[1] < 0.005


@pytest.mark.parametrize("temperature", [1.0, 4.0])
def test_logits_of_1e4_give_finite_float32_loss_and_gradient(temperature):
    z = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0]])
    v = np.array([[-1e4, 1e4, 0.0], [1e4, 0.0, -1e4]])
    y = np.array([1, UNLABELLED])
    student, teacher, target = tensors(z, v, y, dtype=mg.float32)
    loss = distillation_loss(student, teacher, target, temperature, alpha=0.5)
    loss.backward()
    assert loss.dtype == mg.float32 and student.grad.dtype == mg.float32
    assert np.isfinite(student.grad.numpy()).all()
    np.testing.assert_allclose(loss.item(), ref_distillation_loss(z, v, y, temperature, 0.5),
                               rtol=1e-5)


def test_float32_stays_float32_with_numpy_float64_arguments():
    student, teacher, target = tensors(np.ones((2, 3)), np.zeros((2, 3)), [0, 2], mg.float32)
    loss = distillation_loss(student, teacher, target, np.float64(2.0), np.float64(0.3))
    assert loss.dtype == mg.float32


@pytest.mark.parametrize("student_shape, teacher_shape, target_shape, message", [
    ((4, 10), (4, 9), (4,), r"teacher logits \(4, 9\) and student logits \(4, 10\)"),
    ((4, 10), (3, 10), (4,), r"teacher logits \(3, 10\) and student logits \(4, 10\)"),
    ((4, 10), (4, 10), (5,), r"target must have shape \(N,\) = \(4,\) .* got \(5,\)"),
    ((10,), (10,), (), r"logits must have shape \(N, C\), got student \(10,\)"),
])
def test_shape_mismatch_is_a_value_error_naming_the_shapes(student_shape, teacher_shape,
                                                           target_shape, message):
    target = mg.zeros(target_shape, dtype=mg.int64)
    with pytest.raises(ValueError, match="distillation_loss: " + message):
        distillation_loss(mg.randn(*student_shape), mg.randn(*teacher_shape), target)


def test_bad_dtypes_temperature_or_alpha_are_reported():
    student, teacher = mg.randn(2, 3), mg.randn(2, 3)
    with pytest.raises(TypeError, match="distillation_loss: student logits are float32 but "
                                        "teacher logits float64"):
        distillation_loss(student, teacher.double())
    with pytest.raises(ValueError, match="distillation_loss: temperature must be > 0, got 0.0"):
        distillation_loss(student, teacher, temperature=0)
    with pytest.raises(ValueError, match=r"distillation_loss: alpha must be in \[0, 1\], got 1.5"):
        distillation_loss(student, teacher, alpha=1.5)
    with pytest.raises(TypeError, match="distillation_loss: expected a floating-point tensor"):
        distillation_loss(student.long(), teacher)
    with pytest.raises(TypeError, match="distillation_loss: target must hold class indices, an "
                                        "integer tensor, got float32"):
        distillation_loss(student, teacher, mg.tensor([0.0, 2.0]))


def test_distill_epoch_brings_the_student_towards_the_teacher():
    x = mg.randn(64, 5)
    teacher_logits = x @ mg.randn(5, 3) * 3.0
    target = mg.tensor(np.where(np.arange(64) < 8, teacher_logits.numpy().argmax(1), UNLABELLED))
    student = nn.Linear(5, 3)
    optimizer = optim.Adam(student.parameters(), lr=0.05)
    loader = DataLoader(TensorDataset(x, teacher_logits, target), batch_size=16, shuffle=True)
    losses = [distill_epoch(student, loader, optimizer, temperature=2.0, alpha=0.7, epoch=e)
              for e in range(30)]
    assert losses[-1] < 0.2 * losses[0]
    with mg.no_grad():
        agreement = (student(x).numpy().argmax(1) == teacher_logits.numpy().argmax(1)).mean()
    assert agreement > 0.9
