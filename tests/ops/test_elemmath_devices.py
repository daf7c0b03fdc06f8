"""The elementwise math and order statistics on 'cuda': on the strict CuPy stand-in
(tests/strict_cupy.py) always, and on a real GPU where there is one (`gpu` tests); values and
gradients must equal the CPU's."""

import numpy as np
import pytest

import minigrad as mg
from tests.test_gpu_backend import X, Y, assert_same_on_both_devices, values_on

UNIT = np.tanh(X)  # in (−1, 1)

# name: (fn of float32 tensors, its input arrays)
DIFFERENTIABLE = {
    "erf_erfc": (lambda x: x.erf() + mg.erfc(x * 3), X),
    "erfinv": (lambda x: x.erfinv(), UNIT),
    "trig": (lambda x: x.tan() + x.atan() + x.asin() + x.acos() + x.atanh(), UNIT),
    "hyperbolic": (lambda x: x.sinh() + x.cosh() + x.asinh() + (x.abs() + 1.5).acosh(), X),
    "exp_log": (lambda x: x.log1p() + x.expm1() + x.exp2() + x.log2() + x.log10(), np.abs(X) + 0.1),
    "square_reciprocal_frac": (lambda x: x.square() + x.reciprocal() + x.frac() + x.trunc(), X),
    "atan2_hypot": (lambda x, y: mg.atan2(x, y) + x.hypot(y), X, Y),
    "logaddexp": (lambda x, y: x.logaddexp(y) + mg.logaddexp2(x, y), X, Y),
    "remainder_fmod": (lambda x, y: x.remainder(y) + mg.fmod(x, y) + x % 0.7, X, Y),
    "xlogy": (lambda x, y: x.xlogy(y.abs() + 0.1), X, Y),
    "fmax_fmin": (lambda x, y: x.fmax(y.where(y > 0, float("nan"))) + mg.fmin(x, y), X, Y),
    "float_power": (lambda x: x.abs().float_power(1.5).float(), X),
    "addcmul_addcdiv": (lambda x, y: x.addcmul(y, x, value=2) + mg.addcdiv(x, x, y.exp()), X, Y),
    "median_dim": (lambda x: x.median(dim=1).values, X),
    "median_all": (lambda x: x.median().reshape(1), X),
    "nanmedian": (lambda x: x.where(x > -1, float("nan")).nanmedian(dim=0).values, X),
    "mode_kthvalue": (lambda x: x.mode(0).values + x.kthvalue(2, dim=0).values, X.round()),
    "quantile": (lambda x: x.quantile([0.1, 0.5], dim=1), X),
    "nanquantile": (lambda x: x.where(x > -1, float("nan")).nanquantile(0.3, dim=1), X),
    "nansum_nanmean": (lambda x: x.where(x > 0, float("nan")).nansum(1) + x.nanmean(1), X),
    "var_mean_std_mean": (lambda x: mg.var_mean(x, 1)[0] + mg.std_mean(x, 1)[1], X),
    "aminmax": (lambda x: x.aminmax(dim=0).min + x.aminmax(dim=0).max, X),
    "cummax_cummin": (lambda x: x.cummax(1).values + x.cummin(0).values, X),
    "logcumsumexp": (lambda x: x.logcumsumexp(1), X),
}
NO_GRAD = {
    "indices": lambda x: mg.stack([x.median(1).indices, x.cummax(1).indices[:, -1],
                                   x.kthvalue(3, 1).indices]).float(),
    "floor_divide": lambda x: x // 0.3 + mg.floor_divide(x, x.flip(0)),
    "heaviside": lambda x: mg.heaviside(x.round(), x),
    "logical": lambda x: (mg.logical_xor(x > 0, x) | mg.logical_not(x.round())).float(),
    "isinf": lambda x: (x / x.round()).isposinf().float() + mg.isneginf(x / x.round()).float(),
    "count_nonzero": lambda x: x.round().count_nonzero(1).float(),
}


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_op_on_standin_cuda(standin_gpu, name):
    assert_same_on_both_devices(*DIFFERENTIABLE[name])


@pytest.mark.parametrize("name", NO_GRAD)
def test_op_without_gradient_on_standin_cuda(standin_gpu, name):
    np.testing.assert_array_equal(values_on("cuda", NO_GRAD[name], X),
                                  values_on("cpu", NO_GRAD[name], X))


@pytest.mark.gpu
@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_op_matches_cpu_on_cuda(name):
    assert_same_on_both_devices(*DIFFERENTIABLE[name])


@pytest.mark.gpu
@pytest.mark.parametrize("name", NO_GRAD)
def test_op_without_gradient_matches_cpu_on_cuda(name):
    np.testing.assert_array_equal(values_on("cuda", NO_GRAD[name], X),
                                  values_on("cpu", NO_GRAD[name], X))
