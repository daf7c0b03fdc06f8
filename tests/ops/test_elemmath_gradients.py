"""The elementwise math and order statistics: backward against central finite differences in
float64 (away from kinks and jumps), forward against numpy references."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
from tests.gradients import check_gradients
from tests.strategies import broadcastable_shapes, distinct_floats, floats, shapes

# name: (op, numpy reference, low, high, points to stay away from)
UNARY = {
    "tan": (mg.tan, np.tan, -1.3, 1.3, ()),
    "asin": (mg.asin, np.arcsin, -0.9, 0.9, ()),
    "acos": (mg.Tensor.acos, np.arccos, -0.9, 0.9, ()),
    "atan": (mg.Tensor.arctan, np.arctan, -3.0, 3.0, ()),
    "sinh": (mg.Tensor.sinh, np.sinh, -3.0, 3.0, ()),
    "cosh": (mg.cosh, np.cosh, -3.0, 3.0, ()),
    "asinh": (mg.Tensor.asinh, np.arcsinh, -3.0, 3.0, ()),
    "acosh": (mg.acosh, np.arccosh, 1.1, 4.0, ()),
    "atanh": (mg.Tensor.atanh, np.arctanh, -0.9, 0.9, ()),
    "log1p": (mg.log1p, np.log1p, -0.9, 3.0, ()),
    "expm1": (mg.Tensor.expm1, np.expm1, -3.0, 3.0, ()),
    "log2": (mg.Tensor.log2, np.log2, 0.1, 4.0, ()),
    "log10": (mg.log10, np.log10, 0.1, 4.0, ()),
    "exp2": (mg.exp2, np.exp2, -3.0, 3.0, ()),
    "square": (mg.Tensor.square, np.square, -3.0, 3.0, ()),
    "reciprocal": (mg.reciprocal, np.reciprocal, -3.0, 3.0, (0.0,)),
    "frac": (mg.Tensor.frac, lambda x: x - np.trunc(x), -3.0, 3.0, (-3, -2, -1, 0, 1, 2, 3)),
    "trunc": (mg.fix, np.trunc, -3.0, 3.0, (-3, -2, -1, 0, 1, 2, 3)),
}


# many ops, each also checked against PyTorch's gradients (test_elemmath_against_torch.py):
# fewer draws per op keep the file's time down
@pytest.mark.parametrize("name", UNARY)
@settings(max_examples=10)
@given(data=st.data())
def test_unary_op_matches_numpy_and_finite_differences(name, data):
    op, reference, low, high, avoid = UNARY[name]
    x = data.draw(floats(shapes(), low, high, avoid=avoid))
    np.testing.assert_allclose(op(mg.tensor(x)).numpy(), reference(x), rtol=1e-12)
    check_gradients(op, x)


# name: (op, numpy reference, strategy of the two operands given their shapes)
def _any(data, shape):
    return data.draw(floats(shape))


def _positive(data, shape):
    return data.draw(floats(shape, 0.3, 2.0))


def _off_zero(data, shape):  # xlogy's gradient is 0 at x = 0 by definition, a jump from ln y
    return data.draw(floats(shape, avoid=(0.0,)))


BINARY = {
    "atan2": (mg.atan2, np.arctan2, _positive, _any),
    "hypot": (mg.Tensor.hypot, np.hypot, _positive, _any),
    "logaddexp": (mg.logaddexp, np.logaddexp, _any, _any),
    "logaddexp2": (mg.Tensor.logaddexp2, np.logaddexp2, _any, _any),
    "xlogy": (mg.xlogy, lambda x, y: x * np.log(y), _off_zero, _positive),
    "float_power": (mg.float_power, np.float_power, _positive, _any),
    "addcmul": (lambda a, b: mg.addcmul(a, b, a, value=-1.5), lambda a, b: a - 1.5 * b * a,
                _any, _any),
    "addcdiv": (lambda a, b: a.addcdiv(a, b, value=2), lambda a, b: a + 2 * a / b,
                _any, _positive),
}


@pytest.mark.parametrize("name", BINARY)
@settings(max_examples=15)
@given(data=st.data())
def test_binary_op_matches_numpy_and_finite_differences(name, data):
    op, reference, first, second = BINARY[name]
    shape_a, shape_b = data.draw(broadcastable_shapes())
    a, b = first(data, shape_a), second(data, shape_b)
    np.testing.assert_allclose(op(mg.tensor(a), mg.tensor(b)).numpy(), reference(a, b),
                               rtol=1e-12, atol=1e-12)  # composites may round 0 to ±1e-17
    check_gradients(op, a, b)


@pytest.mark.parametrize("name", ["remainder", "fmod"])
@given(data=st.data())
def test_remainder_and_fmod_follow_their_sign_rules_and_gradients(name, data):
    shape = data.draw(shapes())
    b = data.draw(floats(shape, 0.5, 2.0)) * data.draw(st.sampled_from([1.0, -1.0]))
    quotient = data.draw(floats(shape, -3.0, 3.0, avoid=(-3, -2, -1, 0, 1, 2, 3)))
    a = quotient * b
    op = getattr(mg, name)
    out = op(mg.tensor(a), mg.tensor(b)).numpy()
    np.testing.assert_allclose(out, np.remainder(a, b) if name == "remainder" else np.fmod(a, b),
                               rtol=1e-12, atol=1e-12)
    sign_source = b if name == "remainder" else a  # Python's rule: b's sign; C's: a's
    assert np.all((out == 0) | (np.sign(out) == np.sign(sign_source)))
    check_gradients(op, a, b)


@pytest.mark.parametrize("op", [mg.fmax, mg.fmin])
@given(data=st.data())
def test_fmax_fmin_without_nans_are_maximum_minimum(op, data):
    shape_a, shape_b = data.draw(broadcastable_shapes())
    a, b = data.draw(distinct_floats(shape_a)), data.draw(distinct_floats(shape_b, offset=0.05))
    reference = np.fmax if op is mg.fmax else np.fmin
    np.testing.assert_array_equal(op(mg.tensor(a), mg.tensor(b)).numpy(), reference(a, b))
    check_gradients(op, a, b)


def _rows(data, min_side=1):
    """A (rows, n) float64 array without ties, and a dim of it."""
    shape = (data.draw(st.integers(min_side, 3)), data.draw(st.integers(min_side, 5)))
    return data.draw(distinct_floats(shape)), data.draw(st.sampled_from([0, 1, -1]))


@pytest.mark.parametrize("keepdim", [False, True])
@given(data=st.data())
def test_median_kthvalue_mode_pick_the_right_element_and_send_it_the_gradient(keepdim, data):
    x, dim = _rows(data)
    n = x.shape[dim]
    k = data.draw(st.integers(1, n))
    ordered = np.sort(x, axis=dim)
    picks = [  # (op, the sorted position it must pick)
        (lambda t: mg.median(t, dim, keepdim), (n - 1) // 2),
        (lambda t: t.kthvalue(k, dim, keepdim), k - 1),
        (lambda t: t.mode(dim, keepdim), 0),  # no repeats: the smallest value
    ]
    for op, position in picks:
        values, indices = op(mg.tensor(x))
        expected = np.take(ordered, [position], axis=dim)
        np.testing.assert_array_equal(values.numpy(), expected if keepdim else expected.squeeze(dim))
        chosen = np.take_along_axis(x, indices.numpy() if keepdim else
                                    np.expand_dims(indices.numpy(), dim), axis=dim)
        np.testing.assert_array_equal(chosen, expected)
        check_gradients(lambda t, op=op: op(t).values, x)


@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
@settings(max_examples=20)
@given(data=st.data())
def test_quantile_matches_numpy_and_finite_differences(interpolation, data):
    x, dim = _rows(data)
    q = data.draw(st.lists(st.floats(0, 1), min_size=1, max_size=3))
    out = mg.quantile(mg.tensor(x), q, dim=dim, interpolation=interpolation)
    np.testing.assert_allclose(out.numpy(), np.quantile(x, q, axis=dim, method=interpolation),
                               rtol=1e-12, atol=1e-12)  # lerp may round 0 to ±1e-17
    check_gradients(lambda t: t.quantile(q, dim, interpolation=interpolation), x)


@given(data=st.data())
def test_nan_skipping_reductions_match_numpy(data):
    x, dim = _rows(data)
    holes = data.draw(st.lists(st.booleans(), min_size=x.size, max_size=x.size))
    with_nans = np.where(np.reshape(holes, x.shape), np.nan, x)
    t = mg.tensor(with_nans)
    close = {"rtol": 1e-12, "atol": 1e-12}  # sums in another order can leave 1e-16 for 0
    np.testing.assert_allclose(t.nansum(dim).numpy(), np.nansum(with_nans, axis=dim), **close)
    with np.errstate(invalid="ignore"):
        np.testing.assert_allclose(mg.nanmean(t, dim).numpy(), _nanmean(with_nans, dim), **close)
        np.testing.assert_allclose(t.nanquantile(0.3, dim).numpy(),
                                   _nanquantile(with_nans, 0.3, dim), **close)
    np.testing.assert_array_equal(t.nanmedian(dim).values.numpy(), _lower_nanmedian(with_nans, dim))
    check_gradients(lambda s: s.nansum(dim) + s.nanmean(dim) + s.nanmedian(dim).values, x)
    check_gradients(lambda s: s.median() + mg.nanmedian(s), x)
    check_gradients(lambda s: mg.nanquantile(s, [0.2, 0.7], dim), x)


def _nanmean(x, dim):
    counts = (~np.isnan(x)).sum(axis=dim)
    return np.nansum(x, axis=dim) / counts


def _nanquantile(x, q, dim):
    rows = np.moveaxis(x, dim, -1)
    out = [np.quantile(r[~np.isnan(r)], q) if (~np.isnan(r)).any() else np.nan for r in rows]
    return np.array(out)


def _lower_nanmedian(x, dim):
    rows = np.moveaxis(x, dim, -1)
    return np.array([np.sort(r[~np.isnan(r)])[((~np.isnan(r)).sum() - 1) // 2]
                     if (~np.isnan(r)).any() else np.nan for r in rows])


@given(data=st.data())
def test_pairs_and_counts(data):
    x, dim = _rows(data, min_side=2)
    t = mg.tensor(x)
    var, mean = mg.var_mean(t, dim, correction=0)
    np.testing.assert_allclose(var.numpy(), x.var(axis=dim))
    np.testing.assert_allclose(mean.numpy(), x.mean(axis=dim))
    std, _ = mg.std_mean(t, dim)
    np.testing.assert_allclose(std.numpy(), x.std(axis=dim, ddof=1))
    low, high = t.aminmax(dim=dim, keepdim=True)
    np.testing.assert_array_equal(low.numpy(), x.min(axis=dim, keepdims=True))
    np.testing.assert_array_equal(high.numpy(), x.max(axis=dim, keepdims=True))
    np.testing.assert_array_equal(t.round().count_nonzero(dim).numpy(),
                                  np.count_nonzero(x.round(), axis=dim))
    check_gradients(lambda s: mg.var_mean(s, dim, correction=0)[0] + mg.std_mean(s)[1], x)
    check_gradients(lambda s: s.aminmax(dim=dim).min * s.aminmax(dim=dim).max, x)


@given(data=st.data())
def test_running_extremes_and_logcumsumexp(data):
    x, dim = _rows(data)
    t = mg.tensor(x)
    accumulate = {"cummax": np.maximum.accumulate, "cummin": np.minimum.accumulate}
    for name, reference in accumulate.items():
        values, indices = getattr(t, name)(dim)
        np.testing.assert_array_equal(values.numpy(), reference(x, axis=dim))
        np.testing.assert_array_equal(np.take_along_axis(x, indices.numpy(), axis=dim),
                                      values.numpy())
        check_gradients(lambda s, name=name: getattr(mg, name)(s, dim).values, x)
    np.testing.assert_allclose(t.logcumsumexp(dim).numpy(),
                               np.log(np.cumsum(np.exp(x), axis=dim)), rtol=1e-12)
    check_gradients(lambda s: s.logcumsumexp(dim), x)


@pytest.mark.parametrize("dtype, tolerance", [(mg.float64, 1e-12), (mg.float32, 1e-3)])
def test_logcumsumexp_is_finite_at_plus_minus_1e4_and_its_gradient_too(dtype, tolerance):
    # float32 holds 1e4 only to ±5e-4, so e^(x − y) there is known to ~5e-4
    x = mg.tensor([-1e4, 0.0, 1e4, 1e4], dtype=dtype, requires_grad=True)
    out = x.logcumsumexp(0)
    np.testing.assert_allclose(out.numpy(), [-1e4, 0.0, 1e4, 1e4 + math.log(2)])
    out.backward(mg.tensor([1.0, -2.0, 1.0, 1.0], dtype=dtype))
    np.testing.assert_allclose(x.grad.numpy(), [1.0, -2.0, 1.5, 0.5], rtol=tolerance)


def test_median_over_everything_shares_the_gradient_of_ties():
    x = mg.tensor([[1.0, 2.0], [2.0, 3.0]], requires_grad=True)
    x.median().backward()
    assert x.grad.tolist() == [[0.0, 0.5], [0.5, 0.0]]


def test_float_power_computes_in_float64_and_returns_float32_gradients():
    x = mg.tensor([1.5, 2.0], requires_grad=True)
    out = mg.float_power(x, 3)
    assert out.dtype == mg.float64
    out.sum().backward()
    assert x.grad.dtype == mg.float32 and x.grad.tolist() == [6.75, 12.0]


def test_new_math_keeps_float32():
    x = mg.tensor([[0.5, -0.25], [0.75, 0.125]], requires_grad=True)
    outs = [getattr(x, name)() for name in UNARY if name not in ("acosh", "log2", "log10")]
    outs += [x.abs().log2(), x.logaddexp(x), mg.atan2(x, x), x.xlogy(x.abs()), x.remainder(0.3),
             x.median(0).values, x.quantile(0.3), x.nanmean(), x.logcumsumexp(1),
             x.cummax(0).values, x.erf(), x.erfinv()]
    for out in outs:
        assert out.dtype == mg.float32


BAD_CALLS = {
    "hypot-int": (lambda: mg.hypot(mg.arange(3), mg.arange(3)), TypeError,
                  "hypot: expected a floating-point tensor, got dtype int64"),
    "logaddexp-int": (lambda: mg.arange(3).logaddexp(mg.ones(3)), TypeError, "logaddexp: expected"),
    "frac-int": (lambda: mg.arange(3).frac(), TypeError, "frac: expected a floating-point"),
    "addcdiv-int": (lambda: mg.addcdiv(mg.ones(2), mg.arange(2), mg.arange(2)), TypeError,
                    "addcdiv: tensor1 and tensor2 are both integer"),
    "atan2-shapes": (lambda: mg.atan2(mg.ones(2), mg.ones(3)), ValueError,
                     r"atan2: shapes \(2,\) and \(3,\)"),
    "floor_divide-shapes": (lambda: mg.ones(2) // mg.ones(3), ValueError,
                            r"floor_divide: shapes \(2,\) and \(3,\)"),
    "remainder-int-zero": (lambda: mg.arange(3) % mg.arange(3), ZeroDivisionError,
                           "remainder: integer division by zero"),
    "fmod-int-zero": (lambda: mg.fmod(mg.arange(3), 0), ZeroDivisionError, "fmod: integer"),
    "floor_divide-int-zero": (lambda: mg.arange(3) // 0, ZeroDivisionError, "floor_divide: int"),
    "quantile-q": (lambda: mg.ones(3).quantile(1.5), ValueError, r"quantile: q must be in \[0, 1\]"),
    "quantile-q-2d": (lambda: mg.ones(3).quantile([[0.5]]), ValueError, "quantile: q must be a"),
    "quantile-interpolation": (lambda: mg.quantile(mg.ones(3), 0.5, interpolation="cubic"),
                               ValueError, "quantile: interpolation must be one of"),
    "quantile-int": (lambda: mg.arange(3).quantile(0.5), TypeError, "quantile: expected"),
    "quantile-empty": (lambda: mg.ones(0).nanquantile(0.5), ValueError, "nanquantile: the input"),
    "quantile-dim": (lambda: mg.ones(2, 3).quantile(0.5, dim=2), ValueError,
                     r"quantile: dim 2 is out of range .* shape \(2, 3\)"),
    "kthvalue-k": (lambda: mg.ones(2, 3).kthvalue(4), ValueError,
                   r"kthvalue: k=4 must be an int from 1 to 3"),
    "median-dim": (lambda: mg.ones(2, 3).median(dim=-3), ValueError, "median: dim -3 is out"),
    "median-empty": (lambda: mg.ones(0).median(), ValueError, "median: the tensor of shape"),
    "mode-empty": (lambda: mg.ones(2, 0).mode(), ValueError, r"mode: dim -1 of shape \(2, 0\)"),
    "nanmean-int": (lambda: mg.arange(3).nanmean(), TypeError, "nanmean: expected"),
    "cummax-dim": (lambda: mg.ones(2).cummax(1), ValueError, "cummax: dim 1 is out of range"),
    "logcumsumexp-int": (lambda: mg.arange(3).logcumsumexp(0), TypeError, "logcumsumexp: expected"),
    "aminmax-empty": (lambda: mg.ones(0).aminmax(), ValueError, "aminmax: the tensor of shape"),
    "count_nonzero-dim": (lambda: mg.ones(2).count_nonzero(2), ValueError, "count_nonzero: dim 2"),
}


@pytest.mark.parametrize("name", BAD_CALLS)
def test_bad_arguments_raise_our_error(name):
    call, error, message = BAD_CALLS[name]
    with pytest.raises(error, match=message):
        call()
