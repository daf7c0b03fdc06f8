"""matrix_exp (ops/matrix_exp.py): gradients by finite differences (through the scaling and
squaring too), identities of the exponential as an independent reference, and the errors.
Values against PyTorch are in tests/test_linalg_against_torch.py."""

import numpy as np
import pytest
from hypothesis import given

import minigrad as mg
from tests.gradients import check_gradients
from tests.matrices import perturbations, separated


@given(x=separated(rows=3, cols=3))
def test_matrix_exp_gradient_small_norm(x):
    check_gradients(mg.linalg.matrix_exp, x)


@given(x=perturbations(3, 3, scale=1.0))
def test_matrix_exp_gradient_with_squarings(x):
    check_gradients(mg.linalg.matrix_exp, 2 * x)  # ‖A‖₁ up to 6: four squarings


@given(x=perturbations(3, 3, scale=1.0))
def test_exp_of_a_times_exp_of_minus_a_is_the_identity(x):
    a = mg.tensor(2 * x)
    product = mg.linalg.matrix_exp(a) @ mg.linalg.matrix_exp(-a)
    np.testing.assert_allclose(product.numpy(), np.broadcast_to(np.eye(3), product.shape),
                               atol=1e-11)


def test_exp_of_diagonal_and_nilpotent_matrices():
    diagonal = np.diag([-3.0, 0.5, 7.0])
    np.testing.assert_allclose(mg.linalg.matrix_exp(mg.tensor(diagonal)).numpy(),
                               np.diag(np.exp([-3.0, 0.5, 7.0])), rtol=1e-13)
    nilpotent = np.array([[0.0, 2.0], [0.0, 0.0]])  # N² = 0: exp(N) = I + N
    np.testing.assert_array_equal(mg.linalg.matrix_exp(mg.tensor(nilpotent)).numpy(),
                                  np.eye(2) + nilpotent)


def test_float32_stays_float32():
    a = mg.tensor([[0.0, 3.0], [-3.0, 0.0]], requires_grad=True)  # a rotation by 3 radians
    out = mg.linalg.matrix_exp(a)
    out.sum().backward()
    assert out.dtype == a.grad.dtype == mg.float32
    np.testing.assert_allclose(out.numpy(), [[np.cos(3), np.sin(3)], [-np.sin(3), np.cos(3)]],
                               atol=1e-6)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: mg.linalg.matrix_exp(mg.ones(2, 3)), ValueError,
         r"matrix_exp: expected square matrices, got shape \(2, 3\)"),
        (lambda: mg.linalg.matrix_exp(mg.ones(2, 2, dtype=mg.int64)), TypeError,
         "matrix_exp: expected a float32 or float64 tensor"),
    ],
)
def test_errors_name_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()
