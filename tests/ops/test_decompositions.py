"""cholesky, qr, eigh, eigvalsh, svd and svdvals (ops/decompositions.py): gradients against
central finite differences, and the gradients they refuse.

The functions differentiated build their input from the drawn X inside, so finite
differences move X only: a symmetric positive-definite XXᵀ + n·I for cholesky (which reads
one triangle: perturbing a single entry of A would not be a symmetric change), D + X + Xᵀ for
eigh, D + X for svd, with D = spread_diagonal keeping eigenvalues and singular values apart
(tests/matrices.py). Eigenvectors and singular vectors enter through losses that do not
depend on their signs: their squares, and U diag(.) Vh."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from tests.gradients import check_gradients
from tests.matrices import separated, spread_diagonal


def _spd(x):
    return x @ x.mT + x.shape[-2] * mg.eye(x.shape[-2], dtype=x.dtype)


def _symmetric_spread(x):
    return x + x.mT + mg.tensor(spread_diagonal(*x.shape[-2:]))


@given(x=separated(), upper=st.booleans())
def test_cholesky_gradient(x, upper):
    check_gradients(lambda t: mg.linalg.cholesky(_spd(t), upper=upper), x)


@given(x=separated())
def test_qr_gradient_tall_square_and_wide(x):
    # Full rank (R's diagonal away from 0), and no column with zeros below the diagonal:
    # there LAPACK's Householder step skips the reflection, and Q and R flip sign under the
    # slightest perturbation (a jump, not a slope, for finite differences).
    rows, cols = x.shape[-2:]
    x = x + spread_diagonal(rows, cols) + 0.5 * np.tril(np.ones((rows, cols)), -1)

    def q_and_r(t):
        q, r = mg.linalg.qr(t)
        return mg.cat([q.flatten(-2), r.flatten(-2)], -1)

    check_gradients(q_and_r, x)


@given(x=separated(rows=3, cols=3), uplo=st.sampled_from(["L", "U"]))
def test_eigh_gradient_of_values_and_squared_vectors(x, uplo):
    def values_times_squared_vectors(t):
        values, vectors = mg.linalg.eigh(_symmetric_spread(t), UPLO=uplo)
        return vectors * vectors * values.unsqueeze(-2)

    check_gradients(values_times_squared_vectors, x)
    check_gradients(lambda t: mg.linalg.eigvalsh(_symmetric_spread(t), UPLO=uplo), x)


@given(x=separated())
def test_svd_gradient_of_invariant_products(x):
    def u_s_vh(t):
        u, s, vh = mg.linalg.svd(t + mg.tensor(spread_diagonal(*t.shape[-2:])),
                                 full_matrices=False)
        return (u * u * s.unsqueeze(-2)) @ (vh * vh) + u @ vh

    check_gradients(u_s_vh, x)
    check_gradients(mg.linalg.svdvals, x + spread_diagonal(*x.shape[-2:]))


def test_svdvals_gradient_is_finite_for_repeated_values():
    x = mg.eye(3, requires_grad=True)
    mg.linalg.svdvals(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.eye(3))


def test_decompositions_reconstruct_the_input_and_keep_float32():
    a = mg.tensor(np.arange(12.0).reshape(2, 3, 2) ** 1.5 + np.eye(3, 2), dtype=mg.float32,
                  requires_grad=True)
    q, r = mg.linalg.qr(a)
    u, s, vh = mg.linalg.svd(a, full_matrices=False)
    spd = a @ a.mT + mg.eye(3)
    values, vectors = mg.linalg.eigh(spd)
    lower = mg.linalg.cholesky(spd)
    for product, original in [(q @ r, a), ((u * s.unsqueeze(-2)) @ vh, a),
                              ((vectors * values.unsqueeze(-2)) @ vectors.mT, spd),
                              (lower @ lower.mT, spd)]:
        assert product.dtype == mg.float32
        np.testing.assert_allclose(product.numpy(), original.numpy(), rtol=1e-4, atol=1e-4)
        product.sum().backward(retain_graph=True)
    assert a.grad.dtype == mg.float32


@pytest.mark.parametrize(
    "loss, message",
    [
        (lambda a: mg.linalg.qr(a, mode="r").R.sum(), "qr: no gradient with mode='r'"),
        (lambda a: mg.linalg.qr(a, mode="complete").Q.sum(),
         r"qr: no gradient with mode='complete' for 3×2"),
        (lambda a: mg.linalg.svd(a).S.sum(), "svd: no gradient with full_matrices=True for 3×2"),
    ],
)
def test_gradients_refused_where_the_factors_are_not_unique(loss, message):
    a = mg.tensor(np.arange(6.0).reshape(3, 2) + np.eye(3, 2), requires_grad=True)
    with pytest.raises(RuntimeError, match=message):
        loss(a).backward()


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: mg.linalg.cholesky(-mg.eye(2)), mg.linalg.LinAlgError,
         r"cholesky: Matrix is not positive definite \(input of shape \(2, 2\)\)"),
        (lambda: mg.linalg.cholesky(mg.ones(2, 3)), ValueError, r"cholesky: expected square"),
        (lambda: mg.linalg.eigh(mg.ones(3, 2)), ValueError, r"eigh: expected square .*\(3, 2\)"),
        (lambda: mg.linalg.eigh(mg.eye(2), UPLO="X"), ValueError, "eigh: UPLO must be"),
        (lambda: mg.linalg.qr(mg.eye(2), mode="full"), ValueError, "qr: mode must be"),
        (lambda: mg.linalg.svd(mg.ones(3, dtype=mg.float64)), ValueError, "svd: expected a matrix"),
        (lambda: mg.linalg.svdvals(mg.full((2, 2), float("nan"))), mg.linalg.LinAlgError,
         r"svdvals: SVD did not converge \(input of shape \(2, 2\)\)"),
        (lambda: mg.linalg.svdvals(mg.ones(2, 2, dtype=mg.int64)), TypeError,
         "svdvals: expected a float32 or float64 tensor, got dtype int64"),
    ],
)
def test_errors_name_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()
