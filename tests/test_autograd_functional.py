"""mg.autograd.functional: jacobian and vjp (the expected values written down from the same
calls on PyTorch 2.13), jacobian against finite differences, and our errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.autograd import functional

jacobian, vjp, hessian = functional.jacobian, functional.vjp, functional.hessian


def test_the_functions_import_by_pytorchs_path():
    from minigrad.autograd.functional import jacobian as imported

    assert imported is jacobian


def test_jacobian_of_two_inputs_and_two_outputs_is_nested_as_in_pytorch():
    def f(x, y):
        return x * y.sum(), x.detach()

    (jxx, jxy), (jdx, jdy) = jacobian(f, (mg.ones(2), mg.arange(3.0)))
    np.testing.assert_array_equal(jxx.numpy(), [[3, 0], [0, 3]])
    np.testing.assert_array_equal(jxy.numpy(), np.ones((2, 3)))
    assert not jdx.numpy().any() and jdy.shape == (2, 3)  # no dependence: zeros


def test_vjp_returns_the_output_and_v_times_the_jacobian():
    out, grad = vjp(lambda x: x**2, mg.tensor([1.0, 2.0]), mg.tensor([1.0, 1.0]))
    np.testing.assert_array_equal(out.numpy(), [1, 4])
    np.testing.assert_array_equal(grad.numpy(), [2, 4])
    out, (gx, gy) = vjp(lambda x, y: x.sum() * 2, (mg.tensor([1.0, 2.0]), mg.ones(2)))
    assert out.item() == 6 and gx.numpy().tolist() == [2, 2] and gy.numpy().tolist() == [0, 0]


def numeric_jacobian(f, x, eps=1e-6):
    columns = []
    for k in range(x.size):
        step = np.zeros_like(x)
        step.flat[k] = eps
        columns.append((f(x + step) - f(x - step)).ravel() / (2 * eps))
    return np.stack(columns, axis=-1)


@given(seed=st.integers(0, 2**16))
def test_jacobian_of_softmax_matches_finite_differences(seed):
    x = np.random.default_rng(seed).standard_normal((2, 3))
    got = jacobian(lambda t: F.softmax(t * t, dim=-1), mg.tensor(x)).numpy()
    want = numeric_jacobian(lambda a: F.softmax(mg.tensor(a * a), dim=-1).numpy(), x)
    assert got.shape == (2, 3, 2, 3) and got.dtype == np.float64
    np.testing.assert_allclose(got.reshape(6, 6), want, atol=1e-8)


def test_the_callers_tensors_keep_their_grad_and_dtype():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    j = jacobian(lambda t: t * 2, x)
    assert x.grad is None and not j.requires_grad and j.dtype == np.float32


def test_strict_refuses_an_input_nothing_depends_on():
    with pytest.raises(RuntimeError, match=r"do not depend on inputs \[1\]"):
        vjp(lambda x, y: x.sum(), (mg.ones(2), mg.ones(2)), strict=True)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: vjp(lambda x: x * 2, mg.ones(2)), ValueError,
         r"v can be left out only .* shapes \[\(2,\)\]"),
        (lambda: vjp(lambda x: x * 2, mg.ones(2), (mg.ones(2), mg.ones(2))), ValueError,
         "got 2 tensors in v for 1 outputs"),
        (lambda: jacobian(lambda x: 3, mg.ones(2)), TypeError,
         "jacobian: outputs of func must be a Tensor or a tuple of Tensors, got int"),
        (lambda: jacobian(lambda x: x, [mg.ones(2), 1.0]), TypeError,
         "got float at position 1"),
        (lambda: jacobian(lambda x: x, mg.ones(2), create_graph=True), NotImplementedError,
         "create_graph=True is not supported"),
        (lambda: hessian(lambda x: x.sum(), mg.ones(2)), NotImplementedError,
         "hessian: second derivatives need the gradient's own graph"),
    ],
)
def test_unsupported_or_bad_calls_are_our_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_jacobian_on_the_standin_gpu(standin_gpu):
    j = jacobian(lambda t: t * t, mg.tensor([1.0, 3.0], device="cuda"))
    assert j.device == "cuda"
    np.testing.assert_array_equal(j.cpu().numpy(), [[2, 0], [0, 6]])
