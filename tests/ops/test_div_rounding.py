"""mg.div / Tensor.div / div_ with rounding_mode, and true_divide. Expected values are
PyTorch's (noted beside them) or numpy's floor_divide / trunc."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg

DIVIDEND = [7, -7, 7, -7, 6, 0]
DIVISOR = [2, 2, -2, -2, -3, 5]
ROUNDED = {  # torch.div(torch.tensor(DIVIDEND), torch.tensor(DIVISOR), rounding_mode=...)
    "trunc": [3, -3, -3, 3, -2, 0],
    "floor": [3, -4, -4, 3, -2, 0],
}


@pytest.mark.parametrize("mode", ROUNDED)
@pytest.mark.parametrize("dtype", [mg.int64, mg.int32])
def test_integer_division_with_rounding_stays_integer(mode, dtype):
    a, b = mg.tensor(DIVIDEND, dtype=dtype), mg.tensor(DIVISOR, dtype=dtype)
    for result in (mg.div(a, b, rounding_mode=mode), a.div(b, rounding_mode=mode)):
        assert result.dtype == dtype
        np.testing.assert_array_equal(result.numpy(), ROUNDED[mode])


@pytest.mark.parametrize("mode", ROUNDED)
def test_float_division_with_rounding_keeps_the_dtype(mode):
    a = mg.tensor(DIVIDEND, dtype=mg.float64) + 0.5
    result = mg.div(a, mg.tensor(DIVISOR, dtype=mg.float64), rounding_mode=mode)
    rounding = np.trunc if mode == "trunc" else np.floor
    expected = rounding((np.array(DIVIDEND) + 0.5) / np.array(DIVISOR))
    np.testing.assert_array_equal(result.numpy(), expected)
    assert mg.div(mg.ones(2, dtype=mg.float16), 3.0, rounding_mode=mode).dtype == mg.float16


def test_float_floor_division_is_pythons_not_floor_of_the_quotient():
    # 1 / 0.1 rounds to 10.0 in floats, but 1 // 0.1 is 9.0 (Python's and PyTorch's floor)
    one = mg.tensor([1.0], dtype=mg.float64)
    assert mg.div(one, 0.1, rounding_mode="floor").item() == 9.0
    assert mg.div(one, 0.1, rounding_mode="trunc").item() == 10.0


def test_an_integer_tensor_by_a_float_is_float32():
    result = mg.div(mg.tensor([7, 1], dtype=mg.int64), 2.5, rounding_mode="floor")
    assert result.dtype == mg.float32  # PyTorch: tensor([2., 0.])
    np.testing.assert_array_equal(result.numpy(), [2.0, 0.0])


@pytest.mark.parametrize("mode", ROUNDED)
def test_float_division_by_zero_gives_infinities_silently(mode):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = mg.div(mg.tensor([7.0, -1.0, 0.0]), 0.0, rounding_mode=mode)
    np.testing.assert_array_equal(result.numpy(), [np.inf, -np.inf, np.nan])


def test_true_divide_and_div_without_rounding_are_true_division():
    seven = mg.tensor([7], dtype=mg.int64)
    for result in (mg.true_divide(seven, 2), seven.true_divide(2), mg.div(seven, 2)):
        assert result.dtype == mg.float32 and result.item() == 3.5


@given(st.sampled_from(list(ROUNDED)), st.integers(0, 2**16))
def test_rounded_division_has_zero_gradients_as_finite_differences_show(mode, seed):
    rng = np.random.default_rng(seed)
    b = rng.uniform(0.5, 2.0, 4) * rng.choice([-1, 1], 4)
    a = (rng.integers(-3, 4, 4) + rng.uniform(0.2, 0.8, 4)) * b  # a/b well between jumps
    inputs = [mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)]
    assert mg.gradcheck(lambda x, y: mg.div(x, y, rounding_mode=mode), inputs)
    out = mg.div(*inputs, rounding_mode=mode)
    out.sum().backward()
    assert out.requires_grad and not inputs[0].grad.numpy().any()  # recorded, as in PyTorch


@pytest.mark.parametrize("mode", ROUNDED)
def test_div_in_place_with_rounding(mode):
    a = mg.tensor(DIVIDEND, dtype=mg.int64)
    assert a.div_(mg.tensor(DIVISOR, dtype=mg.int64), rounding_mode=mode) is a
    assert a.dtype == mg.int64
    np.testing.assert_array_equal(a.numpy(), ROUNDED[mode])
    x = mg.tensor([7.0, -7.0])
    x.div_(2, rounding_mode=mode)
    np.testing.assert_array_equal(x.numpy(), [3.0, -3.0 if mode == "trunc" else -4.0])


ERRORS = {
    "integer zero": (lambda: mg.div(mg.tensor([1, 2], dtype=mg.int64), 0, rounding_mode="trunc"),
                     ZeroDivisionError, "div: integer division by zero"),
    "bad mode": (lambda: mg.div(mg.ones(2), 2, rounding_mode="round"),
                 ValueError, "div: rounding_mode must be None, 'trunc' or 'floor', got 'round'"),
    "shapes": (lambda: mg.div(mg.ones(2), mg.ones(3), rounding_mode="floor"),
               ValueError, r"div: shapes \(2,\) and \(3,\)"),
    "in place true quotient into ints": (lambda: mg.ones(2, dtype=mg.int64).div_(2),
                                         TypeError, "div_: a tensor of dtype int64"),
    "in place float quotient into ints": (
        lambda: mg.ones(2, dtype=mg.int64).div_(2.5, rounding_mode="floor"),
        TypeError, "div_: a tensor of dtype int64 with float32"),
    "in place growing": (lambda: mg.ones(2).div_(mg.ones(3, 2), rounding_mode="floor"),
                         ValueError, r"div_: the result would have shape \(3, 2\)"),
    "in place bad mode": (lambda: mg.ones(2).div_(2, rounding_mode="ceil"),
                          ValueError, "div_: rounding_mode must be"),
}


@pytest.mark.parametrize("case", ERRORS)
def test_div_errors(case):
    call, kind, message = ERRORS[case]
    with pytest.raises(kind, match=message):
        call()


@pytest.mark.parametrize("mode", ROUNDED)
def test_rounded_division_on_standin_cuda(standin_gpu, mode):
    for dtype in (mg.int64, mg.float32):
        a, b = mg.tensor(DIVIDEND, dtype=dtype), mg.tensor(DIVISOR, dtype=dtype)
        on_cuda = mg.div(a.to("cuda"), b.to("cuda"), rounding_mode=mode)
        assert on_cuda.device == "cuda" and on_cuda.dtype == dtype
        np.testing.assert_array_equal(on_cuda.numpy(), ROUNDED[mode])
        in_place = a.to("cuda").div_(b.to("cuda"), rounding_mode=mode)
        np.testing.assert_array_equal(in_place.numpy(), ROUNDED[mode])
