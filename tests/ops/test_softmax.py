"""softmax and log_softmax, and the numerical stability of every op that exponentiates."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from tests.gradients import check_gradients
from tests.strategies import floats, shapes_and_dim


def _log_softmax(x, axis):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


SOFTMAXES = {
    "softmax": (mg.softmax, lambda x, axis: np.exp(_log_softmax(x, axis))),
    "log_softmax": (mg.Tensor.log_softmax, _log_softmax),
}


@pytest.mark.parametrize("name", SOFTMAXES)
@given(data=st.data())
def test_softmax_along_any_dim(name, data):
    op, reference = SOFTMAXES[name]
    shape, dim = data.draw(shapes_and_dim())
    x = data.draw(floats(shape, -5.0, 5.0))
    np.testing.assert_allclose(op(mg.tensor(x), dim).numpy(), reference(x, dim), rtol=1e-12)
    check_gradients(lambda t: op(t, dim), x)


def test_softmax_rows_sum_to_one():
    probabilities = mg.randn(4, 5).softmax(-1)
    np.testing.assert_allclose(probabilities.sum(-1).numpy(), np.ones(4), rtol=1e-6)


HUGE_LOGITS = [1e4, -1e4, 0.0, 3.0]

STABLE_OPS = {
    "softmax": lambda t: t.softmax(-1),
    "log_softmax": lambda t: mg.log_softmax(t, -1),
    "logsumexp": lambda t: t.logsumexp(-1),
    "sigmoid": mg.sigmoid,
}


@pytest.mark.parametrize("name", STABLE_OPS)
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_finite_values_and_gradients_at_logits_of_1e4_in_float32(name, sign):
    x = mg.tensor([[sign * v for v in HUGE_LOGITS]], requires_grad=True)
    # overflow, inf - inf or a division by 0 anywhere inside fails the test (underflow to 0 is
    # the right answer for e^-20000)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = STABLE_OPS[name](x)
        out.backward(mg.ones_like(out))
    assert out.dtype == mg.float32 and x.grad.dtype == mg.float32
    assert np.isfinite(out.numpy()).all()
    assert np.isfinite(x.grad.numpy()).all()


def test_stable_values_at_huge_logits_are_the_exact_limits():
    x = mg.tensor([1e4, -1e4, 0.0])
    np.testing.assert_allclose(x.softmax(0).numpy(), [1.0, 0.0, 0.0])
    np.testing.assert_allclose(x.log_softmax(0).numpy(), [0.0, -2e4, -1e4])
    np.testing.assert_allclose(x.logsumexp(0).item(), 1e4)
    np.testing.assert_allclose(x.sigmoid().numpy(), [1.0, 0.0, 0.5])


@pytest.mark.parametrize("op", [mg.softmax, mg.log_softmax])
def test_bad_dim_raises_our_error(op):
    with pytest.raises(ValueError, match=rf"{op.__name__}: dim 2 is out of range .*\(2, 3\)"):
        op(mg.ones(2, 3), 2)
