"""Running sums and products (cumsum, cumprod) and the reductions built on them or composed
(prod, norm, any, all): values against numpy, gradients against finite differences, zeros
included for the products."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg
from tests.gradients import check_gradients
from tests.strategies import floats, shapes_and_dim, shapes_and_dims


def with_zeros(shape):
    """float64 arrays where about one element in three is exactly 0 (two zeros in a row too)."""
    return hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 0.5, -1.5, 2.0, 0.0, 1.25]))


@given(data=st.data())
def test_cumsum_and_cumprod_match_numpy_zeros_included(data):
    shape, dim = data.draw(shapes_and_dim())
    x = data.draw(floats(shape))
    np.testing.assert_allclose(mg.tensor(x).cumsum(dim).numpy(), np.cumsum(x, dim))
    check_gradients(lambda t: t.cumsum(dim), x)
    z = data.draw(with_zeros(shape))
    np.testing.assert_allclose(mg.cumprod(mg.tensor(z), dim).numpy(), np.cumprod(z, dim))
    check_gradients(lambda t: t.cumprod(dim), z)


@pytest.mark.parametrize("keepdim", [False, True], ids=["", "keepdim"])
@given(data=st.data())
def test_prod_with_zeros(keepdim, data):
    shape, dim = data.draw(shapes_and_dim())
    z = data.draw(with_zeros(shape))
    np.testing.assert_allclose(
        mg.prod(mg.tensor(z), dim, keepdim).numpy(), np.prod(z, dim, keepdims=keepdim)
    )
    check_gradients(lambda t: t.prod(dim, keepdim), z)
    np.testing.assert_allclose(mg.tensor(z).prod().item(), np.prod(z))
    check_gradients(mg.prod, z)


NORMS = {"fro": None, 2: 2, 1: 1, math.inf: np.inf, -math.inf: -np.inf, 3: 3}


@pytest.mark.parametrize("p", NORMS, ids=str)
@given(data=st.data())
def test_norm_matches_numpy(p, data):
    shape, dim = data.draw(shapes_and_dim())
    x = data.draw(floats(shape, avoid=(0,)))  # |x| has a kink at 0
    keepdim = data.draw(st.booleans())
    reference = np.linalg.norm(x, NORMS[p], axis=dim, keepdims=keepdim)
    np.testing.assert_allclose(x_norm := mg.tensor(x).norm(p, dim, keepdim).numpy(), reference)
    assert x_norm.shape == reference.shape
    if p in (math.inf, -math.inf):  # ties would split the gradient
        x = data.draw(hnp.arrays(np.float64, shape, elements=st.integers(1, 30), unique=True)) / 10
    check_gradients(lambda t: t.norm(p, dim, keepdim), x)


def test_two_norm_of_a_zero_row_has_gradient_zero_not_nan():
    x = mg.tensor([[0.0, 0.0, 0.0], [3.0, 0.0, 4.0]], requires_grad=True)
    x.norm(dim=1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0, 0, 0], [0.6, 0, 0.8]], rtol=1e-6)
    assert x.grad.dtype == mg.float32


def test_norm_of_everything_is_the_frobenius_norm():
    x = np.arange(-3.0, 3.0).reshape(2, 3)
    np.testing.assert_allclose(mg.norm(mg.tensor(x)).item(), np.linalg.norm(x))
    np.testing.assert_allclose(mg.tensor(x).norm(1).item(), np.abs(x).sum())


@given(data=st.data())
def test_any_and_all(data):
    shape, dims = data.draw(shapes_and_dims())
    x = data.draw(hnp.arrays(bool, shape))
    axis = tuple(dims) if isinstance(dims, (tuple, list)) else dims
    for op in ("any", "all"):
        out = getattr(mg.tensor(x), op)(dims, keepdim=True)
        assert out.dtype == mg.bool_
        np.testing.assert_array_equal(out.numpy(), getattr(np, op)(x, axis=axis, keepdims=True))
    assert mg.any(mg.tensor([0.0, 0.5])).item() and not mg.all(mg.tensor([0.0, 0.5])).item()


def test_scans_and_products_keep_float32():
    x = mg.tensor([[0.5, 2.0], [0.0, 3.0]], requires_grad=True)
    for out in (x.cumsum(0), x.cumprod(1), x.prod(), x.prod(1), x.norm(), x.norm(1, 0)):
        assert out.dtype == mg.float32
        out.sum().backward()
        assert x.grad.dtype == mg.float32


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: mg.ones(3).cumsum(1), ValueError, "cumsum: dim 1 is out of range"),
        (lambda: mg.ones(3).cumprod(None), TypeError, "cumprod: dim must be an int"),
        (lambda: mg.ones(3).prod((0, 0)), ValueError, "prod: dim"),
        (lambda: mg.ones(3).norm(p="nuc"), ValueError, "norm: p must be"),
        (lambda: mg.arange(3).norm(), TypeError, "norm: expected a floating-point tensor"),
        (lambda: mg.ones(3).any(2), ValueError, "any: dim 2 is out of range"),
    ],
)
def test_scan_and_reduce_errors_name_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()
