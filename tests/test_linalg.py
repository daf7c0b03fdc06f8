"""The functions of mg.linalg composed from the primitives (minigrad/linalg.py): gradients
against central finite differences (they follow from the primitives' backwards, so these
check the composition), values against numpy, and the errors. Values against PyTorch are in
tests/test_linalg_against_torch.py."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from tests.gradients import check_gradients
from tests.matrices import invertible, perturbations, separated, spread_diagonal
from tests.strategies import distinct_floats, floats


def _spread(x):
    return x + spread_diagonal(*x.shape[-2:])


@given(x=separated())
def test_pinv_gradient_and_value(x):
    a = _spread(x)
    np.testing.assert_allclose(mg.linalg.pinv(mg.tensor(a)).numpy(), np.linalg.pinv(a), atol=1e-14)
    check_gradients(mg.linalg.pinv, a)


def test_pinv_drops_zero_singular_values_without_nan_gradients():
    a = mg.tensor(np.outer([1.0, 2.0, 3.0], [1.0, -1.0]), requires_grad=True)
    out = mg.linalg.pinv(a)
    np.testing.assert_allclose(out.numpy(), np.linalg.pinv(a.numpy()))
    (out * out).sum().backward()
    assert np.isfinite(a.grad.numpy()).all()


@given(a=invertible(), data=st.data(), upper=st.booleans(), left=st.booleans(),
       unit=st.booleans())
def test_solve_triangular_gradient_reaches_only_the_triangle(a, data, upper, left, unit):
    n = a.shape[-1]
    b = data.draw(perturbations(*((n, 2) if left else (2, n)), batch=a.shape[:-2], scale=1.0))
    check_gradients(
        lambda s, t: mg.linalg.solve_triangular(s, t, upper=upper, left=left,
                                                unitriangular=unit), a, b)
    t = mg.tensor(a, requires_grad=True)
    mg.linalg.solve_triangular(t, mg.tensor(b), upper=upper, left=left,
                               unitriangular=unit).sum().backward()
    read = np.triu(np.ones((n, n)), int(unit)) if upper else np.tril(np.ones((n, n)), -int(unit))
    assert (t.grad.numpy()[..., read == 0] == 0).all()


@pytest.mark.parametrize("p", [None, 2, -2, "fro", "nuc", 1, -1, math.inf, -math.inf], ids=str)
@given(data=st.data())
def test_cond_gradient_and_value(p, data):
    # spread singular values apart; the 1- and inf-norms have kinks wherever an entry of A or
    # A⁻¹ crosses 0, so only their values are checked here (their parts, matrix_norm and
    # inv, have gradient tests of their own)
    rows = data.draw(st.integers(1, 3))
    cols = data.draw(st.integers(1, 3)) if p in (None, 2, -2) else rows
    a = _spread(data.draw(separated(rows=rows, cols=cols, batch=())))
    np.testing.assert_allclose(mg.linalg.cond(mg.tensor(a), p).numpy(), np.linalg.cond(a, p))
    if p in (None, 2, -2, "fro", "nuc"):
        check_gradients(lambda t: mg.linalg.cond(t, p), a)


@given(x=separated(), data=st.data())
def test_lstsq_gradient_and_value(x, data):
    a = _spread(x) + 0.5 * np.tril(np.ones(x.shape[-2:]), -1)  # see test_qr_gradient
    b = data.draw(perturbations(a.shape[-2], 2, batch=a.shape[:-2], scale=1.0))
    at = a.swapaxes(-1, -2)  # the normal equations (tall) or the least-norm solution (wide)
    if a.shape[-2] >= a.shape[-1]:
        expected = np.linalg.solve(at @ a, at @ b)
    else:
        expected = at @ np.linalg.solve(a @ at, b)
    np.testing.assert_allclose(mg.linalg.lstsq(mg.tensor(a), mg.tensor(b)).solution.numpy(),
                               expected, atol=1e-12)
    check_gradients(lambda s, t: mg.linalg.lstsq(s, t).solution, a, b)


@given(a=invertible(), n=st.integers(-3, 5))
def test_matrix_power_gradient_and_value(a, n):
    a = a / a.shape[-1]  # keeps A⁵ moderate
    np.testing.assert_allclose(mg.linalg.matrix_power(mg.tensor(a), n).numpy(),
                               np.linalg.matrix_power(a, n), rtol=1e-10)
    if n:
        check_gradients(lambda t: mg.linalg.matrix_power(t, n), a)


@pytest.mark.parametrize("ord", ["fro", "nuc", 2, -2, 1, -1, math.inf, -math.inf], ids=str)
@given(data=st.data())
def test_matrix_norm_gradient_and_value(ord, data):
    if ord in (1, -1, math.inf, -math.inf):  # distinct column / row sums: no ties in max
        a = data.draw(distinct_floats((2, 3)).filter(lambda v: (v != 0).all()))
        a = np.abs(a) * np.sign(data.draw(floats((2, 3), avoid=(0,))))
        a = a.reshape(2, 3)
        sums = [np.abs(a).sum(0), np.abs(a).sum(1)]
        if min(np.diff(np.sort(s)).min(initial=1) for s in sums) < 0.05:
            return
    else:
        a = _spread(data.draw(separated(batch=())))
    np.testing.assert_allclose(mg.linalg.matrix_norm(mg.tensor(a), ord).numpy(),
                               np.linalg.norm(a, ord))
    check_gradients(lambda t: mg.linalg.matrix_norm(t, ord), a)


@pytest.mark.parametrize("ord", [2, 1, 3, -1, 0.5, math.inf, -math.inf], ids=str)
@given(data=st.data())
def test_vector_norm_gradient_and_value(ord, data):
    x = data.draw(distinct_floats((2, 3)).filter(lambda v: (v != 0).all()))
    dim = data.draw(st.sampled_from([None, 0, 1, (0, 1)]))
    keepdim = data.draw(st.booleans())
    magnitudes = np.abs(x)
    if ord in (math.inf, -math.inf):
        reference = (np.max if ord > 0 else np.min)(magnitudes, axis=dim, keepdims=keepdim)
    else:
        reference = np.sum(magnitudes**ord, axis=dim, keepdims=keepdim) ** (1 / ord)
    out = mg.linalg.vector_norm(mg.tensor(x), ord, dim, keepdim)
    np.testing.assert_allclose(out.numpy(), reference)
    check_gradients(lambda t: mg.linalg.vector_norm(t, ord, dim, keepdim), x)


def test_vector_norm_zero_counts_non_zeros_with_gradient_zero():
    x = mg.tensor([[1.0, 0.0, -2.0]], requires_grad=True)
    out = mg.linalg.vector_norm(x, 0)
    out.backward()
    assert out.item() == 2
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((1, 3)))


def test_norm_picks_vector_or_matrix_norm_as_torch_does():
    x = np.arange(1.0, 13.0).reshape(3, 4)
    t = mg.tensor(x)
    np.testing.assert_allclose(mg.linalg.norm(t).item(), np.linalg.norm(x))
    np.testing.assert_allclose(mg.linalg.norm(t, 2).item(), np.linalg.norm(x, 2))
    np.testing.assert_allclose(mg.linalg.norm(t, 1, dim=0).numpy(), np.abs(x).sum(0))
    np.testing.assert_allclose(mg.linalg.norm(t, math.inf, dim=(1, 0)).item(),
                               np.linalg.norm(x.T, math.inf))
    np.testing.assert_allclose(mg.tensor(x).norm(0.5, 1).numpy(), (np.sqrt(x).sum(1)) ** 2)


@given(data=st.data())
def test_multi_dot_vecdot_cross_diagonal_gradients(data):
    v, m1, m2, w = (data.draw(floats(s)) for s in [(3,), (3, 2), (2, 4), (4,)])
    np.testing.assert_allclose(mg.linalg.multi_dot([mg.tensor(a) for a in (v, m1, m2, w)]).item(),
                               v @ m1 @ m2 @ w)
    check_gradients(lambda *ts: mg.linalg.multi_dot(list(ts)), v, m1, m2, w)
    x, y = data.draw(floats((2, 3))), data.draw(floats((3,)))
    check_gradients(lambda s, t: mg.linalg.vecdot(s, t), x, y)
    check_gradients(lambda s, t: mg.linalg.cross(s, t), x, np.broadcast_to(y, (2, 3)).copy())
    np.testing.assert_array_equal(mg.linalg.diagonal(mg.tensor(m1.T[None])).numpy(),
                                  np.diagonal(m1.T, axis1=-2, axis2=-1)[None])


def test_matrix_rank_counts_singular_values_above_the_tolerance():
    a = mg.tensor(np.outer([1.0, 2.0, 3.0], [1.0, 0.5, -1.0]) + np.diag([0, 0, 1e-3]),
                  requires_grad=True)
    rank = mg.linalg.matrix_rank(a)
    assert rank.dtype == mg.int64 and rank.item() == 2 and not rank.requires_grad
    assert mg.linalg.matrix_rank(a, atol=0.01).item() == 1
    assert mg.linalg.matrix_rank(a, rtol=1e-2).item() == 1


def test_composed_functions_keep_float32():
    a = mg.tensor(np.eye(3, 2) * 2 + 0.25, dtype=mg.float32, requires_grad=True)
    square = mg.tensor(np.eye(3) * 2 + 0.25, dtype=mg.float32, requires_grad=True)
    for out in (mg.linalg.pinv(a), mg.linalg.lstsq(a, square).solution,
                mg.linalg.matrix_power(square, -2), mg.linalg.matrix_norm(a, "nuc"),
                mg.linalg.vector_norm(a, 3), mg.linalg.norm(a, -2)):
        assert out.dtype == mg.float32
        out.sum().backward()
    assert a.grad.dtype == square.grad.dtype == mg.float32


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: mg.linalg.matrix_norm(mg.ones(3)), ValueError, "matrix_norm: dim -2 is out of range"),
        (lambda: mg.linalg.matrix_norm(mg.ones(2, 2), ord=3), ValueError,
         "matrix_norm: ord must be"),
        (lambda: mg.linalg.matrix_norm(mg.ones(2, 2), dim=(0, 0)), ValueError,
         "matrix_norm: dim .* names the same dimension twice"),
        (lambda: mg.linalg.matrix_norm(mg.ones(2, 2, dtype=mg.int64)), TypeError,
         "matrix_norm: expected a float32 or float64 tensor"),
        (lambda: mg.linalg.vector_norm(mg.ones(2), ord="fro"), TypeError,
         "vector_norm: ord must be a number"),
        (lambda: mg.linalg.vector_norm(mg.arange(3)), TypeError,
         "vector_norm: expected a floating-point tensor"),
        (lambda: mg.linalg.norm(mg.ones(2, 2, 2), ord=2), ValueError,
         r"norm: with ord=2 and dim=None the input must be 1-D or 2-D, got shape \(2, 2, 2\)"),
        (lambda: mg.linalg.matrix_power(mg.ones(2, 3), 2), ValueError,
         "matrix_power: expected square"),
        (lambda: mg.linalg.matrix_power(mg.eye(2), 1.5), TypeError, "matrix_power: n must be"),
        (lambda: mg.linalg.matrix_power(mg.zeros(2, 2), -1), mg.linalg.LinAlgError,
         "inv: Singular matrix"),
        (lambda: mg.linalg.lstsq(mg.ones(3, 2), mg.ones(2, 1)), ValueError,
         r"lstsq: B of shape \(2, 1\) does not fit A of shape \(3, 2\)"),
        (lambda: mg.linalg.lstsq(mg.ones(3, 2), mg.ones(3, dtype=mg.float64)), TypeError,
         "lstsq: A and B must have the same dtype"),
        (lambda: mg.linalg.pinv(mg.ones(3, dtype=mg.int64)), TypeError, "pinv: expected a float"),
        (lambda: mg.linalg.cond(mg.ones(2, 3), 1), ValueError, "cond: expected square"),
        (lambda: mg.linalg.cond(mg.zeros(2, 2), "fro"), mg.linalg.LinAlgError,
         "inv: Singular matrix"),
        (lambda: mg.linalg.solve_triangular(mg.eye(2), mg.ones(2), upper=True), ValueError,
         r"solve_triangular: B must be a matrix .*\(2,\)"),
        (lambda: mg.linalg.multi_dot([mg.ones(2, 2)]), ValueError,
         "multi_dot: expected at least 2 tensors"),
        (lambda: mg.linalg.multi_dot([mg.ones(2, 2), mg.ones(2), mg.ones(2, 2)]), ValueError,
         r"multi_dot: tensor 1 must be 2-D, got shape \(2,\)"),
    ],
)
def test_errors_name_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_torch_top_level_names_and_tensor_methods():
    a = mg.tensor([[2.0, 1.0], [0.5, 3.0]])
    np.testing.assert_allclose(mg.det(a).item(), 5.5)
    np.testing.assert_allclose(a.det().item(), 5.5)
    np.testing.assert_allclose(a.slogdet().logabsdet.item(), np.log(5.5), rtol=1e-6)
    np.testing.assert_allclose(mg.inverse(a).numpy(), np.linalg.inv(a.numpy()), rtol=1e-6)
    np.testing.assert_allclose(a.inverse().numpy(), np.linalg.inv(a.numpy()), rtol=1e-6)
    np.testing.assert_allclose(a.matrix_power(3).numpy(), np.linalg.matrix_power(a.numpy(), 3))
    np.testing.assert_allclose(mg.matrix_power(a, -1).numpy(), np.linalg.inv(a.numpy()),
                               rtol=1e-6)
    np.testing.assert_allclose(a.matrix_exp().numpy(), mg.linalg.matrix_exp(a).numpy())
    np.testing.assert_allclose(mg.pinverse(a).numpy(), np.linalg.inv(a.numpy()), rtol=1e-5)
    np.testing.assert_allclose(a.pinverse(rcond=0.5).numpy(), np.linalg.pinv(a.numpy(), 0.5),
                               rtol=1e-5)
