"""Matrix multiplication: PyTorch's rules for 1-D operands and broadcast batch dims."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from tests.gradients import check_gradients
from tests.strategies import MAX_ELEMENTS, broadcastable_shapes, floats


@st.composite
def _matmul_shapes(draw):
    """Shapes (a, b) that fit a @ b: n×k @ k×m behind broadcast batch dims, where either
    side may instead be a 1-D vector of length k."""
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    batch_a, batch_b = draw(broadcastable_shapes(max_dims=2))
    a = (k,) if draw(st.booleans()) else batch_a + (n, k)
    b = (k,) if draw(st.booleans()) else batch_b + (k, m)
    return a, b


def _small(shapes):
    return all(math.prod(shape) <= MAX_ELEMENTS for shape in shapes)


matmul_shapes = _matmul_shapes().filter(_small)


@given(data=st.data())
def test_matmul_with_vectors_and_broadcast_batches(data):
    shape_a, shape_b = data.draw(matmul_shapes)
    a, b = data.draw(floats(shape_a)), data.draw(floats(shape_b))
    out = mg.tensor(a) @ mg.tensor(b)
    np.testing.assert_allclose(out.numpy(), a @ b)
    check_gradients(mg.matmul, a, b)


def test_matmul_broadcasts_size_1_and_missing_batch_dims():
    a = np.random.default_rng(0).normal(size=(2, 1, 3, 4))
    b = np.random.default_rng(1).normal(size=(5, 4, 2))
    out = mg.tensor(a) @ mg.tensor(b)
    assert out.shape == (2, 5, 3, 2)
    np.testing.assert_allclose(out.numpy(), a @ b)
    check_gradients(lambda x, y: x @ y, a, b)


@pytest.mark.parametrize("tensor_on_left", [True, False], ids=["tensor@array", "array@tensor"])
def test_matmul_with_a_numpy_array_on_either_side(tensor_on_left):
    x = np.arange(6.0).reshape(2, 3)
    array = np.arange(6.0).reshape(3, 2) - 2

    def fn(t):
        return t @ array if tensor_on_left else array.T @ t.T

    expected = x @ array if tensor_on_left else array.T @ x.T
    np.testing.assert_array_equal(fn(mg.tensor(x)).numpy(), expected)
    check_gradients(fn, x)


BAD_CALLS = {
    "inner-dims": (lambda: mg.ones(2, 3) @ mg.ones(4, 2), r"matmul: shapes \(2, 3\) and \(4, 2\)"),
    "vector": (lambda: mg.ones(3) @ mg.ones(4), r"matmul: shapes \(3,\) and \(4,\)"),
    "0-d": (lambda: mg.matmul(mg.ones(()), mg.ones(3)), r"matmul: both operands .*\(\) and \(3,\)"),
    "batch": (
        lambda: mg.ones(2, 3, 4) @ mg.ones(5, 4, 2),
        r"matmul \(batch dims\): shapes \(2,\) and \(5,\)",
    ),
}


@pytest.mark.parametrize("name", BAD_CALLS)
def test_shapes_that_do_not_fit_raise_our_error(name):
    call, message = BAD_CALLS[name]
    with pytest.raises(ValueError, match=message):
        call()


@given(st.lists(st.integers(1, 3), max_size=2).map(tuple), st.integers(1, 4), st.integers(1, 4),
       st.booleans(), st.integers(0, 2**16))
def test_fused_linear_matches_transpose_matmul_add(batch, n_in, n_out, bias, seed):
    rng = np.random.default_rng(seed)
    shapes = [batch + (n_in,), (n_out, n_in)] + [(n_out,)] * bias
    arrays = [rng.standard_normal(shape).astype(np.float32) for shape in shapes]
    fused, composed = ([mg.tensor(a, requires_grad=True) for a in arrays] for _ in range(2))
    y = mg.ops.matmul.Linear.apply(*fused)
    expected = composed[0] @ composed[1].T + (composed[2] if bias else 0.0)
    gradient = rng.standard_normal(y.shape).astype(np.float32)
    y.backward(gradient)
    expected.backward(gradient)
    np.testing.assert_allclose(y.numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)
    for ours, theirs in zip(fused, composed):
        assert ours.grad.dtype == np.float32
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-5, atol=1e-6)
