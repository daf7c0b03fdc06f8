"""det, slogdet, inv and solve (ops/linalg.py): gradients against central finite differences
on well-conditioned matrices (tests/matrices.py), values against numpy, and the errors.
Values against PyTorch are in tests/test_linalg_against_torch.py."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from tests.gradients import check_gradients
from tests.matrices import invertible, perturbations


@given(a=invertible())
def test_det_slogdet_inv_gradients(a):
    check_gradients(mg.linalg.det, a)
    check_gradients(lambda t: mg.linalg.slogdet(t).logabsdet, a)
    check_gradients(mg.linalg.inv, a)


@given(a=invertible(), data=st.data())
def test_solve_gradients_left_right_and_vector(a, data):
    n = a.shape[-1]
    columns = data.draw(perturbations(n, 2, batch=a.shape[:-2], scale=1.0))
    rows = data.draw(perturbations(2, n, batch=a.shape[:-2], scale=1.0))
    check_gradients(mg.linalg.solve, a, columns)
    check_gradients(lambda x, y: mg.linalg.solve(x, y, left=False), a, rows)
    check_gradients(mg.linalg.solve, a, columns[..., 0])


@given(a=invertible(batch=()), data=st.data())
def test_solve_broadcasts_batch_dims_and_sums_their_gradients(a, data):
    b = data.draw(perturbations(a.shape[-1], 1, batch=(2,), scale=1.0))
    out = mg.linalg.solve(mg.tensor(a), mg.tensor(b))
    np.testing.assert_allclose(out.numpy(), np.linalg.solve(a, b))
    check_gradients(mg.linalg.solve, a, b)


@given(a=invertible())
def test_values_match_numpy(a):
    t = mg.tensor(a)
    np.testing.assert_allclose(mg.linalg.det(t).numpy(), np.linalg.det(a))
    np.testing.assert_allclose(mg.linalg.inv(t).numpy(), np.linalg.inv(a))
    sign, logabsdet = mg.linalg.slogdet(t)
    np.testing.assert_allclose(sign.numpy() * np.exp(logabsdet.numpy()), np.linalg.det(a))
    assert not sign.requires_grad


@pytest.mark.parametrize("batch", [(), (2,)])
def test_float32_stays_float32(batch):
    a = mg.tensor(np.eye(3) * 2 + 0.1, dtype=mg.float32).expand(*batch, 3, 3).detach()
    a.requires_grad_()
    outs = [mg.linalg.det(a), mg.linalg.slogdet(a).logabsdet, mg.linalg.inv(a),
            mg.linalg.solve(a, a)]
    for out in outs:
        assert out.dtype == mg.float32
        out.sum().backward()
    assert a.grad.dtype == mg.float32


SINGULAR = mg.tensor([[1.0, 2.0], [2.0, 4.0]])


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: mg.linalg.det(mg.ones(2, 3)), ValueError, r"det: expected square .*\(2, 3\)"),
        (lambda: mg.linalg.inv(mg.ones(3)), ValueError, r"inv: expected a matrix .*\(3,\)"),
        (lambda: mg.linalg.slogdet(mg.ones(2, 2, dtype=mg.int64)), TypeError,
         "slogdet: expected a float32 or float64 tensor, got dtype int64"),
        (lambda: mg.linalg.inv(SINGULAR), mg.linalg.LinAlgError,
         r"inv: Singular matrix \(input of shape \(2, 2\)\)"),
        (lambda: mg.linalg.solve(SINGULAR, mg.ones(2)), mg.linalg.LinAlgError,
         r"solve: Singular matrix"),
        (lambda: mg.linalg.solve(mg.eye(2), mg.ones(3, 1)), ValueError,
         r"solve: A of shape \(2, 2\) and B of shape \(3, 1\) do not fit"),
        (lambda: mg.linalg.solve(mg.eye(2).expand(3, 2, 2), mg.ones(2, 2, 1)), ValueError,
         r"solve \(batch dims\): shapes \(3,\) and \(2,\) cannot be broadcast"),
        (lambda: mg.linalg.solve(mg.eye(2), mg.ones(2, dtype=mg.float64)), TypeError,
         "solve: A and B must have the same dtype"),
    ],
)
def test_errors_name_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_linalg_error_is_a_value_error():
    assert issubclass(mg.linalg.LinAlgError, ValueError)


@pytest.mark.parametrize("batch", [(), (2, 1)])
def test_det_of_identity_batches(batch):
    np.testing.assert_array_equal(mg.linalg.det(mg.eye(2).expand(*batch, 2, 2)).numpy(),
                                  np.ones(batch))
