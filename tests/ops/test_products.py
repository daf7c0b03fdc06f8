"""cross, kron and tensordot: values against numpy, gradients against finite differences,
and errors that name the op."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from tests.gradients import check_gradients
from tests.strategies import floats, shapes


@given(data=st.data())
def test_cross_is_numpys_along_any_dim(data):
    rest = data.draw(shapes().filter(lambda s: len(s) <= 2))
    axis = data.draw(st.integers(0, len(rest)))
    shape = rest[:axis] + (3,) + rest[axis:]
    a, b = data.draw(floats(shape)), data.draw(floats(shape))
    np.testing.assert_allclose(
        mg.cross(mg.tensor(a), mg.tensor(b), dim=axis).numpy(),
        np.cross(a, b, axis=axis),
        rtol=1e-12,
        atol=1e-12,
    )
    check_gradients(lambda x, y: x.cross(y, dim=axis - len(shape)), a, b)


def test_cross_without_dim_takes_the_first_dim_of_size_3():
    a, b = np.arange(9.0).reshape(3, 3), np.ones((3, 3))
    np.testing.assert_array_equal(mg.cross(mg.tensor(a), mg.tensor(b)).numpy(), np.cross(a, b, axis=0))


@given(data=st.data())
def test_kron_is_numpys(data):
    a = data.draw(floats(shapes(min_dims=1).filter(lambda s: np.prod(s) <= 6)))
    b = data.draw(floats(shapes(min_dims=1).filter(lambda s: np.prod(s) <= 6)))
    np.testing.assert_allclose(mg.kron(mg.tensor(a), mg.tensor(b)).numpy(), np.kron(a, b))
    check_gradients(mg.kron, a, b)


@given(data=st.data())
def test_tensordot_is_numpys_for_an_int_and_for_lists(data):
    a = data.draw(floats(shapes(min_dims=1)))
    k = data.draw(st.integers(0, a.ndim))
    b = data.draw(floats(a.shape[a.ndim - k :] + (2,)))
    np.testing.assert_allclose(
        mg.tensordot(mg.tensor(a), mg.tensor(b), dims=k).numpy(), np.tensordot(a, b, k),
        rtol=1e-12, atol=1e-12,
    )
    check_gradients(lambda x, y: mg.tensordot(x, y, k), a, b)
    pairs = data.draw(st.permutations(range(a.ndim)))[:k]
    c = data.draw(floats(tuple(a.shape[d] for d in pairs)))
    axes = (list(pairs), list(range(k)))
    np.testing.assert_allclose(
        mg.tensordot(mg.tensor(a), mg.tensor(c), dims=axes).numpy(), np.tensordot(a, c, axes),
        rtol=1e-12, atol=1e-12,
    )
    check_gradients(lambda x, y: mg.tensordot(x, y, axes), a, c)


def test_products_keep_float32():
    x = mg.ones(3, 3, requires_grad=True)
    for out in (x.cross(x, 1), x.kron(x), mg.tensordot(x, x, 1)):
        assert out.dtype == mg.float32


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: mg.cross(mg.zeros(3), mg.zeros(1, 3)), "cross: inputs must have the same number"),
        (lambda: mg.cross(mg.zeros(2, 3), mg.zeros(3, 3)), "cross: shapes .* cannot be broadcast"),
        (lambda: mg.cross(mg.zeros(2, 4), mg.zeros(2, 4)), r"cross: no dim of size 3 in .*\(2, 4\)"),
        (lambda: mg.cross(mg.zeros(3, 4), mg.zeros(3, 4), dim=1), "cross: dim 1 must have size 3"),
        (lambda: mg.tensordot(mg.zeros(2), mg.zeros(2), 2), "tensordot: dims=2 must be between"),
        (
            lambda: mg.tensordot(mg.zeros(2, 3), mg.zeros(2, 3), ([0], [1])),
            r"tensordot: contracted dims \[0\] of \(2, 3\) and \[1\] of \(2, 3\) differ",
        ),
    ],
)
def test_product_errors_name_the_op(call, message):
    with pytest.raises(ValueError, match=message):
        call()
