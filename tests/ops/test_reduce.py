"""Reductions: values against numpy, gradients against finite differences."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import minigrad as mg
from tests.gradients import check_gradients
from tests.strategies import distinct_floats, floats, shapes, shapes_and_dim, shapes_and_dims


def _axis(dim):
    return tuple(dim) if isinstance(dim, (tuple, list)) else dim


def _logsumexp(x, axis, keepdims):
    m = x.max(axis=axis, keepdims=True)
    out = np.log(np.exp(x - m).sum(axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


# name: (minigrad call, numpy reference, values)
REDUCTIONS = {
    "sum": (mg.Tensor.sum, np.sum, floats),
    "mean": (mg.Tensor.mean, np.mean, floats),
    "amax": (mg.Tensor.amax, np.max, distinct_floats),
    "amin": (mg.amin, np.min, distinct_floats),
    "logsumexp": (mg.logsumexp, _logsumexp, floats),
}


@pytest.mark.parametrize("keepdim", [False, True], ids=["", "keepdim"])
@pytest.mark.parametrize("name", REDUCTIONS)
@given(data=st.data())
def test_reduction_over_dims(name, keepdim, data):
    op, reference, values = REDUCTIONS[name]
    shape, dim = data.draw(shapes_and_dims())
    if name == "logsumexp" and dim is None:
        dim = tuple(range(len(shape)))  # like torch.logsumexp, dim is required
    x = data.draw(values(shape))
    out = op(mg.tensor(x), dim=dim, keepdim=keepdim)
    np.testing.assert_allclose(out.numpy(), reference(x, axis=_axis(dim), keepdims=keepdim))
    check_gradients(lambda t: op(t, dim=dim, keepdim=keepdim), x)


@pytest.mark.parametrize("name", ["sum", "mean", "amax", "amin"])
@given(data=st.data())
def test_reduction_of_everything(name, data):
    op, reference, values = REDUCTIONS[name]
    x = data.draw(values(shapes()))
    out = op(mg.tensor(x))
    assert out.shape == ()
    np.testing.assert_allclose(out.item(), reference(x))
    check_gradients(op, x)


@pytest.mark.parametrize("op, reference", [(mg.Tensor.max, np.max), (mg.Tensor.min, np.min)])
@given(data=st.data())
def test_max_min_of_everything(op, reference, data):
    x = data.draw(distinct_floats(shapes()))
    assert op(mg.tensor(x)).item() == reference(x)
    check_gradients(op, x)


@pytest.mark.parametrize("keepdim", [False, True], ids=["", "keepdim"])
@pytest.mark.parametrize(
    "op, values_reference, indices_reference",
    [(mg.max, np.max, np.argmax), (mg.Tensor.min, np.min, np.argmin)],
    ids=["max", "min"],
)
@given(data=st.data())
def test_max_min_along_a_dim_give_values_and_indices(
    op, values_reference, indices_reference, keepdim, data
):
    shape, dim = data.draw(shapes_and_dim())
    x = data.draw(distinct_floats(shape))
    values, indices = op(mg.tensor(x), dim, keepdim=keepdim)
    np.testing.assert_array_equal(values.numpy(), values_reference(x, axis=dim, keepdims=keepdim))
    np.testing.assert_array_equal(indices.numpy(), indices_reference(x, axis=dim, keepdims=keepdim))
    assert indices.dtype == mg.int64 and not indices.requires_grad
    check_gradients(lambda t: op(t, dim, keepdim=keepdim).values, x)


@pytest.mark.parametrize("op, reference", [(mg.Tensor.var, np.var), (mg.std, np.std)])
@pytest.mark.parametrize("correction", [0, 1])
@given(data=st.data())
def test_var_std_with_correction(op, reference, correction, data):
    shape, dim = data.draw(shapes_and_dims())
    reduced = range(len(shape)) if dim is None else [dim] if isinstance(dim, int) else dim
    count = math.prod(shape[d] for d in reduced)
    # two or more distinct values keep the variance away from 0, where the std has a kink
    assume(count >= 2)
    x = data.draw(distinct_floats(shape))
    out = op(mg.tensor(x), dim, correction=correction)
    np.testing.assert_allclose(out.numpy(), reference(x, axis=_axis(dim), ddof=correction))
    check_gradients(lambda t: op(t, dim, correction=correction), x)


def test_unbiased_flag_is_correction_one():
    x = mg.tensor([1.0, 2.0, 4.0])
    assert x.var(unbiased=True).item() == pytest.approx(x.var(correction=1).item())
    assert x.std(unbiased=False).item() == pytest.approx(x.std(correction=0).item())


@pytest.mark.parametrize("op", [mg.amax, mg.Tensor.max])
def test_max_splits_the_gradient_evenly_between_ties(op):
    x = mg.tensor([1.0, 3.0, 3.0], requires_grad=True)
    op(x).backward()
    assert x.grad.tolist() == [0.0, 0.5, 0.5]


ZERO_D_REDUCTIONS = {
    "sum": (mg.sum, 2.0),
    "mean": (mg.mean, 2.0),
    "amax": (mg.amax, 2.0),
    "logsumexp": (mg.logsumexp, 2.0),
    "var": (lambda t, dim: mg.var(t, dim, correction=0), 0.0),
    "argmax": (mg.argmax, 0),
}


@pytest.mark.parametrize("name", ZERO_D_REDUCTIONS)
@pytest.mark.parametrize("dim", [0, -1])
def test_reducing_a_0d_tensor_along_dim_0_or_minus_1(name, dim):
    op, expected = ZERO_D_REDUCTIONS[name]
    out = op(mg.tensor(2.0), dim)
    assert out.shape == () and out.item() == expected


@pytest.mark.parametrize("op", [mg.argmax, mg.argmin])
def test_argmax_argmin(op):
    x = mg.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    reference = np.argmax if op is mg.argmax else np.argmin
    assert op(x).item() == reference(x.numpy())
    assert op(x, 1).tolist() == reference(x.numpy(), axis=1).tolist()
    assert op(x, 0, keepdim=True).shape == (1, 3)


BAD_CALLS = {
    "sum": (
        lambda: mg.ones(2, 3).sum(2),
        ValueError,
        r"sum: dim 2 is out of range .*shape \(2, 3\)",
    ),
    "mean": (lambda: mg.ones(2, 3).mean(-3), ValueError, r"mean: dim -3 is out of range"),
    "repeated": (
        lambda: mg.ones(2, 3).sum((0, -2)),
        ValueError,
        "sum: dim .* names the same dimension",
    ),
    "float-dim": (lambda: mg.ones(2, 3).amax(1.0), TypeError, "amax: dim must be an int"),
    "max": (lambda: mg.ones(2).max(dim=1), ValueError, "amax: dim 1 is out of range"),
    "int-mean": (
        lambda: mg.tensor(np.arange(3)).mean(),
        TypeError,
        "mean: .*floating-point.*int64",
    ),
}


@pytest.mark.parametrize("name", BAD_CALLS)
def test_bad_arguments_raise_our_error(name):
    call, error, message = BAD_CALLS[name]
    with pytest.raises(error, match=message):
        call()
