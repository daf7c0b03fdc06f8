"""einsum and the named products (mm, bmm, dot, outer): values against numpy, gradients
against finite differences, and errors that say what is wrong with the equation."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from tests.gradients import check_gradients
from tests.strategies import floats

# equation: operand shapes (ellipses and broadcast size-1 dims included)
EQUATIONS = {
    "bij,bjk->bik": [(2, 3, 2), (2, 2, 3)],
    "bij,bjk": [(2, 1, 2), (1, 2, 3)],
    "ij,jk,kl->il": [(2, 3), (3, 2), (2, 2)],
    "ijk->kj": [(2, 3, 2)],
    "ijk->": [(2, 3, 2)],
    "i,i->": [(3,), (3,)],
    "i,j->ij": [(3,), (2,)],
    "ij,j->i": [(2, 3), (3,)],
    "...ij,...jk->...ik": [(2, 1, 2, 3), (3, 3, 2)],
    "...j,jk": [(2, 2, 3), (3, 2)],
    "bhqd,bhkd->bhqk": [(1, 2, 3, 2), (1, 2, 2, 2)],
    "ij,kj->": [(2, 3), (1, 3)],
}


@pytest.mark.parametrize("equation", EQUATIONS)
@given(data=st.data())
def test_einsum_matches_numpy_and_its_gradient_is_right(equation, data):
    arrays = [data.draw(floats(shape)) for shape in EQUATIONS[equation]]
    out = mg.einsum(equation, *[mg.tensor(a) for a in arrays])
    reference = np.einsum(equation, *arrays)
    assert out.shape == reference.shape
    np.testing.assert_allclose(out.numpy(), reference, rtol=1e-12, atol=1e-12)
    check_gradients(lambda *ts: mg.einsum(equation, *ts), *arrays)


def test_einsum_takes_a_list_and_keeps_float32():
    a, b = mg.ones(2, 3, requires_grad=True), mg.ones(3, 4)
    out = mg.einsum("ij,jk->ik", [a, b])
    assert out.dtype == mg.float32 and out.tolist() == [[3.0] * 4] * 2


@given(data=st.data())
def test_mm_bmm_dot_outer_match_numpy(data):
    a, b = data.draw(floats((2, 3))), data.draw(floats((3, 2)))
    np.testing.assert_allclose(mg.mm(mg.tensor(a), mg.tensor(b)).numpy(), a @ b)
    check_gradients(lambda s, t: s.mm(t), a, b)
    a3, b3 = data.draw(floats((2, 2, 3))), data.draw(floats((2, 3, 2)))
    np.testing.assert_allclose(mg.bmm(mg.tensor(a3), mg.tensor(b3)).numpy(), a3 @ b3)
    check_gradients(lambda s, t: s.bmm(t), a3, b3)
    u, v = data.draw(floats((3,))), data.draw(floats((3,)))
    np.testing.assert_allclose(mg.dot(mg.tensor(u), mg.tensor(v)).item(), u @ v)
    check_gradients(lambda s, t: s.dot(t), u, v)
    w = data.draw(floats((2,)))
    np.testing.assert_array_equal(mg.tensor(u).outer(mg.tensor(w)).numpy(), np.outer(u, w))
    check_gradients(mg.outer, u, w)


A, B = mg.ones(2, 3), mg.ones(3, 4)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: mg.einsum("ij,jk->ik", A), ValueError, "einsum: .* has 2 operand terms but 1"),
        (lambda: mg.einsum("ij->", B.reshape(12)), ValueError, "einsum: term 'ij' names 2 dims"),
        (lambda: mg.einsum("ii->i", mg.ones(3, 3)), ValueError, "einsum: term 'ii' repeats"),
        (lambda: mg.einsum("iJ->i", A), ValueError, "einsum: term 'iJ' of .* may hold only"),
        (lambda: mg.einsum("ij,jk->ik", A, A), ValueError, "einsum: dim 'j' .* has size 3"),
        (lambda: mg.einsum("ij->k", A), ValueError, "einsum: output 'k' must name"),
        (lambda: mg.einsum("ij->ii", A), ValueError, "einsum: output 'ii' must name"),
        (lambda: mg.einsum(3, A), TypeError, "einsum: the equation must be a string"),
        (lambda: mg.einsum("ij", A.numpy()), TypeError, "einsum: expected one or more tensors"),
        (lambda: mg.mm(A, B.reshape(1, 3, 4)), ValueError, "mm: expected 2-D and 2-D"),
        (lambda: mg.bmm(A[None], B[None].expand(2, 3, 4)), ValueError, "bmm: batch sizes"),
        (lambda: mg.dot(A[0], B[0]), ValueError, "dot: lengths differ"),
        (lambda: mg.outer(A, B[0]), ValueError, "outer: expected 1-D and 1-D"),
    ],
)
def test_product_errors_name_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()
