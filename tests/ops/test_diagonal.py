"""diag, diagonal, diag_embed and trace: values against numpy, gradients against finite
differences, and errors that name the op."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from tests.gradients import check_gradients
from tests.strategies import floats, shapes


@given(data=st.data())
def test_diagonal_is_numpys_with_its_gradient(data):
    x = data.draw(floats(shapes(min_dims=2)))
    offset = data.draw(st.integers(-3, 3))
    dim1, dim2 = data.draw(st.permutations(range(x.ndim)))[:2]
    np.testing.assert_array_equal(
        mg.diagonal(mg.tensor(x), offset, dim1, dim2).numpy(), np.diagonal(x, offset, dim1, dim2)
    )
    check_gradients(lambda t: t.diagonal(offset, dim1, dim2) * 2, x)


@given(data=st.data())
def test_diag_embed_puts_the_vector_back_where_diagonal_reads_it(data):
    x = data.draw(floats(shapes(min_dims=1)))
    offset = data.draw(st.integers(-2, 2))
    dim1, dim2 = data.draw(st.permutations(range(x.ndim + 1)))[:2]
    out = mg.diag_embed(mg.tensor(x), offset, dim1, dim2)
    np.testing.assert_array_equal(mg.diagonal(out, offset, dim1, dim2).numpy(), x)
    assert float(np.abs(out.numpy()).sum()) == pytest.approx(float(np.abs(x).sum()))
    check_gradients(lambda t: t.diag_embed(offset, dim1, dim2), x)


@given(data=st.data())
def test_diag_both_ways_and_trace(data):
    vector = data.draw(floats((data.draw(st.integers(1, 4)),)))
    matrix = data.draw(floats(shapes(min_dims=2).filter(lambda s: len(s) == 2)))
    k = data.draw(st.integers(-2, 2))
    np.testing.assert_array_equal(mg.diag(mg.tensor(vector), k).numpy(), np.diag(vector, k))
    np.testing.assert_array_equal(mg.tensor(matrix).diag(k).numpy(), np.diag(matrix, k))
    assert mg.trace(mg.tensor(matrix)).item() == pytest.approx(np.trace(matrix))
    check_gradients(lambda t: mg.diag(t, k), vector)
    check_gradients(lambda t: t.diag(k), matrix)
    check_gradients(lambda t: t.trace(), matrix)


def test_diagonals_keep_float32():
    x = mg.ones(3, 3, requires_grad=True)
    for out in (x.diag(), x.diagonal(1), x.diag_embed(), x.trace(), mg.diag(x[0])):
        assert out.dtype == mg.float32


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: mg.diagonal(mg.zeros(3)), r"diagonal: expected at least 2 dims, got shape \(3,\)"),
        (lambda: mg.diagonal(mg.zeros(2, 2), 0, 1, -1), "diagonal: dim1 and dim2 are both dim 1"),
        (lambda: mg.diagonal(mg.zeros(2, 2), 0, 0, 2), "diagonal: dim 2 is out of range"),
        (lambda: mg.diag_embed(mg.zeros(())), "diag_embed: expected at least 1 dim"),
        (lambda: mg.diag_embed(mg.zeros(2), 0, 0, -2), "diag_embed: dim1 and dim2 are both"),
        (lambda: mg.diag(mg.zeros(2, 2, 2)), r"diag: expected a 1-D or 2-D tensor, got shape"),
        (lambda: mg.trace(mg.zeros(3)), r"trace: expected a 2-D tensor, got shape \(3,\)"),
    ],
)
def test_diagonal_errors_name_the_op(call, message):
    with pytest.raises(ValueError, match=message):
        call()
