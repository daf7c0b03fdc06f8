"""Elementwise ops: values against numpy, gradients against finite differences."""

import operator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg
from tests.gradients import check_gradients
from tests.strategies import broadcastable_shapes, distinct_floats, floats, shapes

ARITHMETIC = [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow]


def _name(op):
    return op.__name__


@pytest.mark.parametrize("op", ARITHMETIC, ids=_name)
@given(data=st.data())
def test_arithmetic_between_broadcast_tensors(op, data):
    shape_a, shape_b = data.draw(broadcastable_shapes())
    # positive bases keep pow real; denominators and bases stay away from 0
    a = data.draw(floats(shape_a, 0.3, 2.0) if op is operator.pow else floats(shape_a))
    b = data.draw(floats(shape_b, avoid=(0.0,)))
    np.testing.assert_allclose(op(mg.tensor(a), mg.tensor(b)).numpy(), op(a, b))
    check_gradients(op, a, b)


@pytest.mark.parametrize(
    "tensor_on_left", [True, False], ids=["tensor-op-other", "other-op-tensor"]
)
@pytest.mark.parametrize("other_kind", ["python float", "numpy array"])
@pytest.mark.parametrize("op", ARITHMETIC, ids=_name)
@given(data=st.data())
def test_arithmetic_with_numbers_and_arrays_on_either_side(op, other_kind, tensor_on_left, data):
    shape, other_shape = data.draw(broadcastable_shapes())
    x = data.draw(floats(shape, 0.3, 2.0))
    if other_kind == "python float":
        other = data.draw(st.floats(0.3, 2.0))
    else:
        other = data.draw(floats(other_shape, 0.3, 2.0))

    def fn(t):
        return op(t, other) if tensor_on_left else op(other, t)

    expected = op(x, other) if tensor_on_left else op(other, x)
    np.testing.assert_allclose(fn(mg.tensor(x)).numpy(), expected)
    check_gradients(fn, x)


@pytest.mark.parametrize("exponent", [-2, -1, 0, 1, 2, 3])
@given(data=st.data())
def test_integer_power_of_negative_and_positive_bases(exponent, data):
    x = data.draw(floats(shapes(), avoid=(0.0,)))
    np.testing.assert_allclose((mg.tensor(x) ** exponent).numpy(), x**exponent)
    check_gradients(lambda t: t**exponent, x)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _any(shape):
    return floats(shape)


def _positive(shape):
    return floats(shape, 0.2, 3.0)


def _off_zero(shape):
    return floats(shape, avoid=(0.0,))


def _off_half(shape):
    return floats(shape, avoid=(-0.5, 0.5))


UNARY = {
    "neg": (operator.neg, np.negative, _any),
    "exp": (mg.Tensor.exp, np.exp, _any),
    "log": (mg.Tensor.log, np.log, _positive),
    "sqrt": (mg.Tensor.sqrt, np.sqrt, _positive),
    "tanh": (mg.Tensor.tanh, np.tanh, _any),
    "sigmoid": (mg.Tensor.sigmoid, _sigmoid, _any),
    "relu": (mg.Tensor.relu, lambda x: np.maximum(x, 0), _off_zero),
    "abs": (mg.Tensor.abs, np.abs, _off_zero),
    "clamp": (lambda t: t.clamp(-0.5, 0.5), lambda x: np.clip(x, -0.5, 0.5), _off_half),
    "clamp-min": (lambda t: mg.clamp(t, min=-0.5), lambda x: np.maximum(x, -0.5), _off_half),
    "clamp-max": (lambda t: t.clip(max=0.5), lambda x: np.minimum(x, 0.5), _off_half),
}


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_op(name, data):
    op, reference, values = UNARY[name]
    x = data.draw(values(shapes()))
    np.testing.assert_allclose(op(mg.tensor(x)).numpy(), reference(x), rtol=1e-12)
    check_gradients(op, x)


@pytest.mark.parametrize("op", [mg.maximum, mg.minimum], ids=_name)
@given(data=st.data())
def test_maximum_minimum_broadcast(op, data):
    shape_a, shape_b = data.draw(broadcastable_shapes())
    a = data.draw(distinct_floats(shape_a))
    b = data.draw(distinct_floats(shape_b, offset=0.05))
    reference = np.maximum if op is mg.maximum else np.minimum
    np.testing.assert_allclose(op(mg.tensor(a), mg.tensor(b)).numpy(), reference(a, b))
    check_gradients(op, a, b)


# first elements tie (1 and 1); second elements differ (2 and 0), so a's wins for max only
TIES = {
    "Tensor.maximum": (mg.Tensor.maximum, 1.0),
    "max": (mg.max, 1.0),
    "Tensor.minimum": (mg.Tensor.minimum, 0.0),
    "min": (mg.min, 0.0),
}


@pytest.mark.parametrize("name", TIES)
def test_maximum_minimum_split_the_gradient_of_a_tie(name):
    op, a_wins_second = TIES[name]
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([1.0, 0.0], requires_grad=True)
    op(a, b).sum().backward()
    assert a.grad.tolist() == [0.5, a_wins_second]
    assert b.grad.tolist() == [0.5, 1.0 - a_wins_second]


@given(data=st.data())
def test_where_with_broadcast_condition_and_branches(data):
    shape_c, shape_a, shape_b = data.draw(broadcastable_shapes(num_shapes=3))
    condition = data.draw(hnp.arrays(bool, shape_c))
    a, b = data.draw(floats(shape_a)), data.draw(floats(shape_b))
    out = mg.where(mg.tensor(condition), mg.tensor(a), mg.tensor(b))
    np.testing.assert_array_equal(out.numpy(), np.where(condition, a, b))
    check_gradients(lambda x, y: mg.where(mg.tensor(condition), x, y), a, b)


@pytest.mark.parametrize("number_first", [True, False])
def test_where_with_a_python_number_branch(number_first):
    x = mg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    condition = mg.tensor([True, False, True])
    out = mg.where(condition, 9.0, x) if number_first else mg.where(condition, x, 9.0)
    out.sum().backward()
    chosen = [0.0, 1.0, 0.0] if number_first else [1.0, 0.0, 1.0]
    assert x.grad.tolist() == chosen
    assert out.tolist() == ([9.0, -2.0, 9.0] if number_first else [1.0, 9.0, 3.0])


@pytest.mark.parametrize(
    "convert, dtype",
    [
        (lambda t: t.to(mg.float16), mg.float16),
        (mg.Tensor.half, mg.float16),
        (mg.Tensor.double, mg.float64),
        (lambda t: t.to(dtype=mg.float64), mg.float64),
        (mg.Tensor.long, mg.int64),
        (mg.Tensor.int, mg.int32),
    ],
)
def test_cast_forward(convert, dtype):
    values = np.array([-1.5, 0.0, 2.25, 7.0], dtype=np.float32)
    out = convert(mg.tensor(values))
    assert out.dtype == dtype
    np.testing.assert_array_equal(out.numpy(), values.astype(dtype))


@pytest.mark.parametrize("dtype", [mg.float16, mg.float64])
def test_cast_sends_the_gradient_back_in_the_input_dtype(dtype):
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x.to(dtype) * 2).sum().backward()
    assert x.grad.dtype == mg.float32
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_cast_to_an_integer_dtype_leaves_the_graph():
    x = mg.tensor([1.5, 2.5], requires_grad=True)
    assert not x.long().requires_grad


BAD_CALLS = {
    "add": (lambda: mg.ones(2, 3) + mg.ones(4), ValueError, r"add: shapes \(2, 3\) and \(4,\)"),
    "mul-array": (
        lambda: mg.ones(2, 3) * np.ones((3, 2)),
        ValueError,
        r"mul: shapes \(2, 3\) and \(3, 2\)",
    ),
    "maximum": (
        lambda: mg.maximum(mg.ones(2), mg.ones(3)),
        ValueError,
        r"maximum: shapes \(2,\) and \(3,\)",
    ),
    "compare": (lambda: mg.ones(2) < mg.ones(3), ValueError, r"lt: shapes \(2,\) and \(3,\)"),
    "where-dtype": (
        lambda: mg.where(mg.ones(2), mg.ones(2), 0.0),
        TypeError,
        "where: condition must be a bool",
    ),
    "where-numbers": (
        lambda: mg.where(mg.tensor([True]), 1.0, 2.0),
        TypeError,
        "where: at least one",
    ),
    "where-shape": (
        lambda: mg.where(mg.tensor([True, False]), mg.ones(3), 0.0),
        ValueError,
        r"where: shapes \(2,\) and \(3,\)",
    ),
    "clamp": (lambda: mg.ones(2).clamp(), ValueError, "clamp: at least one of min and max"),
}


@pytest.mark.parametrize("name", BAD_CALLS)
def test_bad_arguments_raise_our_error(name):
    call, error, message = BAD_CALLS[name]
    with pytest.raises(error, match=message):
        call()


# ---- trigonometry, rounding, NaN handling, lerp, closeness ---------------------------------

SMOOTH = {
    "sin": (mg.sin, np.sin, ()),
    "cos": (mg.Tensor.cos, np.cos, ()),
    "rsqrt": (lambda t: (t.abs() + 0.5).rsqrt(), lambda a: 1 / np.sqrt(np.abs(a) + 0.5), (0,)),
    "pow_method": (lambda t: t.pow(3), lambda a: a**3, ()),
}


@pytest.mark.parametrize("name", SMOOTH)
@given(data=st.data())
def test_smooth_op_matches_numpy_and_its_gradient(name, data):
    op, reference, kinks = SMOOTH[name]
    x = data.draw(floats(shapes(), avoid=kinks))
    np.testing.assert_allclose(op(mg.tensor(x)).numpy(), reference(x))
    check_gradients(op, x)


STEPS = {"sign": np.sign, "floor": np.floor, "ceil": np.ceil, "round": np.round}


@pytest.mark.parametrize("name", STEPS)
@given(data=st.data())
def test_step_functions_match_numpy_and_pass_no_gradient(name, data):
    x = data.draw(floats(shapes(), avoid=(-1.5, -1, -0.5, 0, 0.5, 1, 1.5)))
    t = mg.tensor(x, requires_grad=True)
    out = getattr(t, name)()
    np.testing.assert_array_equal(out.numpy(), STEPS[name](x))
    out.sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), np.zeros_like(x))


def test_round_halves_to_even_and_to_decimals():
    assert mg.round(mg.tensor([0.5, 1.5, 2.5, -0.5])).tolist() == [0, 2, 2, 0]
    np.testing.assert_allclose(mg.tensor([1.234, 5.678]).round(decimals=1).numpy(), [1.2, 5.7])


def test_isnan_isfinite_and_nan_to_num():
    x = mg.tensor([1.0, float("nan"), float("inf"), -float("inf")], requires_grad=True)
    assert x.isnan().tolist() == [False, True, False, False]
    assert mg.isfinite(x).tolist() == [True, False, False, False]
    out = x.nan_to_num()
    big = float(np.finfo(np.float32).max)
    assert out.dtype == mg.float32 and out.tolist() == [1.0, 0.0, big, -big]
    assert mg.nan_to_num(x, nan=2.0, posinf=3.0, neginf=-3.0).tolist() == [1, 2, 3, -3]
    out.sum().backward()
    assert x.grad.tolist() == [1, 0, 0, 0]


@given(data=st.data())
def test_lerp_against_numpy(data):
    a_shape, b_shape = data.draw(broadcastable_shapes())
    a, b = data.draw(floats(a_shape)), data.draw(floats(b_shape))
    np.testing.assert_allclose(
        mg.lerp(mg.tensor(a), mg.tensor(b), 0.25).numpy(), a + 0.25 * (b - a)
    )
    check_gradients(lambda s, t: s.lerp(t, 0.25), a, b)
    check_gradients(lambda s, w: s.lerp(mg.tensor(b), w), a, data.draw(floats(b_shape)))


def test_isclose_and_allclose_use_pytorchs_tolerances():
    a = mg.tensor([1.0, 2.0, float("nan")])
    assert mg.isclose(a, a + 1e-6).tolist() == [True, True, False]
    assert a.isclose(a, equal_nan=True).tolist() == [True, True, True]
    assert mg.allclose(a[:2], a[:2] + 1e-6) is True
    assert not a[:2].allclose(a[:2] + 1e-3)
    with pytest.raises(ValueError, match="isclose: shapes"):
        mg.isclose(a, mg.ones(2))


def test_new_zeros_new_ones_and_type_as_follow_the_tensor():
    x = mg.tensor([1.0], dtype=mg.float64)
    assert x.new_zeros(2, 3).dtype == mg.float64 and x.new_zeros((2, 3)).shape == (2, 3)
    assert x.new_ones(2, dtype=mg.int64).tolist() == [1, 1]
    assert mg.arange(3).type_as(x).dtype == mg.float64


def test_new_math_keeps_float32():
    x = mg.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
    for out in (
        x.sin(),
        x.cos(),
        x.abs().rsqrt(),
        x.pow(2),
        x.sign(),
        x.floor(),
        x.ceil(),
        x.round(),
        x.nan_to_num(),
        x.lerp(x * 2, 0.5),
    ):
        assert out.dtype == mg.float32
