"""PyTorch's autograd API on top of the graph walk: mg.autograd.grad, tensor hooks, grad_fn,
retains_grad, detach_ and inference_mode. Expected values were checked against PyTorch 2.13."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad.gradcheck import _numeric_gradient
from tests.strategies import floats


def two_input_loss(x, w):
    return (x.tanh() * w).sum() + (x * x * w).mean()


# ---- mg.autograd.grad --------------------------------------------------------------------
@given(data=st.data())
def test_grad_matches_finite_differences_and_backward(data):
    x_values = data.draw(floats(st.just((2, 3)), -2.0, 2.0))
    w_values = data.draw(floats(st.just((3,)), -2.0, 2.0))
    x = mg.tensor(x_values, dtype=mg.float64, requires_grad=True)
    w = mg.tensor(w_values, dtype=mg.float64, requires_grad=True)
    dx, dw = mg.autograd.grad(two_input_loss(x, w), [x, w])
    assert x.grad is None and w.grad is None  # grad() leaves .grad alone

    def loss():
        return two_input_loss(x, w)

    np.testing.assert_allclose(dx.numpy(), _numeric_gradient(loss, x.data, 1e-6), atol=1e-6)
    np.testing.assert_allclose(dw.numpy(), _numeric_gradient(loss, w.data, 1e-6), atol=1e-6)
    two_input_loss(x, w).backward()
    np.testing.assert_array_equal(dx.numpy(), x.grad.numpy())
    np.testing.assert_array_equal(dw.numpy(), w.grad.numpy())


def test_grad_is_reachable_as_mg_autograd_and_returns_a_tuple():
    import minigrad.autograd

    x = mg.tensor([1.0, 2.0], requires_grad=True)
    result = mg.autograd.grad((x * x).sum(), x)
    assert mg.autograd is minigrad.autograd
    assert isinstance(result, tuple) and result[0].tolist() == [2.0, 4.0]
    assert result[0].dtype == mg.float32 and not result[0].requires_grad


def test_grad_of_several_outputs_sums_their_gradients():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    (dx,) = mg.autograd.grad([(x * 2.0).sum(), (x * x).sum()], x)
    assert dx.tolist() == [4.0, 6.0]


def test_grad_outputs_weight_each_output_and_none_means_ones_for_a_scalar():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    (dx,) = mg.autograd.grad(
        [(x * x).sum(), x * 2.0], x, grad_outputs=[None, mg.tensor([1.0, 10.0])]
    )
    assert dx.tolist() == [4.0, 24.0]


def test_grad_with_respect_to_an_intermediate_and_a_leaf():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    hidden = x * 3.0
    d_hidden, dx = mg.autograd.grad((hidden * hidden).sum(), [hidden, x])
    assert d_hidden.tolist() == [6.0, 12.0] and dx.tolist() == [18.0, 36.0]


def test_grad_of_an_unused_input_raises_unless_allow_unused():
    x, unused = mg.tensor([1.0], requires_grad=True), mg.tensor([1.0], requires_grad=True)
    loss = (x * x).sum()
    with pytest.raises(RuntimeError, match=r"grad: inputs\[1\] was not used.*allow_unused=True"):
        mg.autograd.grad(loss, [x, unused], retain_graph=True)
    dx, d_unused = mg.autograd.grad(loss, [x, unused], allow_unused=True)
    assert dx.tolist() == [2.0] and d_unused is None


def test_grad_frees_the_graph_unless_retain_graph():
    x = mg.tensor([1.0], requires_grad=True)
    loss = (x * x).sum()
    mg.autograd.grad(loss, x, retain_graph=True)
    mg.autograd.grad(loss, x)
    with pytest.raises(RuntimeError, match="freed"):
        mg.autograd.grad(loss, x)


def test_grad_refuses_create_graph_with_our_message():
    x = mg.tensor([1.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="create_graph=True.*higher-order"):
        mg.autograd.grad((x * x).sum(), x, create_graph=True)


GRAD_ERRORS = {
    "input without grad": (
        lambda x: mg.autograd.grad((x * x).sum(), mg.ones(2)),
        RuntimeError,
        r"grad: inputs\[0\] does not require grad",
    ),
    "output without grad": (
        lambda x: mg.autograd.grad(mg.ones(1).sum(), x),
        RuntimeError,
        r"grad: outputs\[0\] does not require grad",
    ),
    "non-scalar output": (
        lambda x: mg.autograd.grad(x * 2.0, x),
        RuntimeError,
        r"grad: .*scalar output.*outputs\[0\] has shape \(2,\); pass grad_outputs\[0\]",
    ),
    "grad_outputs of the wrong shape": (
        lambda x: mg.autograd.grad(x * 2.0, x, mg.ones(3)),
        ValueError,
        r"grad: grad_outputs\[0\] has shape \(3,\), but outputs\[0\] has shape \(2,\)",
    ),
    "a grad_output missing": (
        lambda x: mg.autograd.grad([x * 2.0, x * 3.0], x, [mg.ones(2)]),
        ValueError,
        "grad: got 2 outputs and 1 grad_outputs",
    ),
    "no inputs": (
        lambda x: mg.autograd.grad((x * x).sum(), []),
        ValueError,
        "grad: inputs cannot be empty",
    ),
    "an array as input": (
        lambda x: mg.autograd.grad((x * x).sum(), [np.ones(1)]),
        TypeError,
        r"grad: inputs\[0\] is a ndarray, not a Tensor",
    ),
}


@pytest.mark.parametrize("case", GRAD_ERRORS)
def test_grad_errors(case):
    call, error, message = GRAD_ERRORS[case]
    with pytest.raises(error, match=message):
        call(mg.tensor([1.0, 2.0], requires_grad=True))


# ---- Tensor.register_hook ----------------------------------------------------------------
def test_a_leaf_hook_sees_the_gradient_before_it_is_added_to_grad():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append((g.tolist(), None if x.grad is None else 1)))
    (x * 3.0).sum().backward()
    (x * 5.0).sum().backward()
    assert seen == [([3.0, 3.0], None), ([5.0, 5.0], 1)]  # each pass's own gradient
    assert x.grad.tolist() == [8.0, 8.0]


def test_a_hook_that_returns_a_tensor_replaces_the_gradient():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    hidden = x * 2.0
    hidden.retain_grad()
    hidden.register_hook(lambda g: g * 10.0)
    (hidden * hidden).sum().backward()
    # PyTorch: the retained .grad and everything upstream see the replaced gradient
    assert hidden.grad.tolist() == [40.0, 80.0] and x.grad.tolist() == [80.0, 160.0]


def test_hooks_run_in_registration_order_each_seeing_the_previous_result():
    x = mg.tensor([1.0], requires_grad=True)
    hidden = x * 1.0
    seen = []
    hidden.register_hook(lambda g: seen.append(("first", g.item())) or g + 1.0)
    hidden.register_hook(lambda g: seen.append(("second", g.item())) or g * 2.0)
    x.register_hook(lambda g: seen.append(("leaf", g.item())))
    hidden.sum().backward()
    assert seen == [("first", 1.0), ("second", 2.0), ("leaf", 4.0)]
    assert x.grad.item() == 4.0


def test_a_removed_hook_no_longer_runs():
    x = mg.tensor([1.0], requires_grad=True)
    handle = x.register_hook(lambda g: g * 100.0)
    kept = x.register_hook(lambda g: g * 2.0)
    handle.remove()
    (x * 1.0).sum().backward()
    assert x.grad.item() == 2.0
    kept.remove()
    handle.remove()  # removing twice is harmless
    (x * 1.0).sum().backward()
    assert x.grad.item() == 3.0


def test_hooks_run_on_every_pass_through_a_retained_graph():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    hidden = x * 3.0
    calls = []
    hidden.register_hook(lambda g: calls.append(g.tolist()))
    loss = (hidden * 1.0).sum()
    loss.backward(retain_graph=True)
    loss.backward()
    assert calls == [[1.0, 1.0], [1.0, 1.0]] and x.grad.tolist() == [6.0, 6.0]


def test_hooks_run_under_grad_and_the_result_is_the_hooked_gradient():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: g * 2.0)
    (dx,) = mg.autograd.grad((x * x).sum(), x)
    assert dx.tolist() == [4.0, 8.0] and x.grad is None


def test_a_hook_on_the_root_sees_the_starting_gradient():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    out = x * 2.0
    out.register_hook(lambda g: g * 0.5)
    out.backward(mg.tensor([2.0, 4.0]))
    assert x.grad.tolist() == [2.0, 4.0]


def test_register_hook_on_a_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="register_hook: .*does not require grad"):
        mg.ones(2).register_hook(print)


HOOK_RESULT_ERRORS = {
    "number": (lambda g: 5, TypeError, "returned int"),
    "shape": (lambda g: mg.ones(3), ValueError, r"returned shape \(3,\) .*shape \(2,\)"),
    "dtype": (lambda g: g.double(), TypeError, "returned dtype float64 .*dtype float32"),
}


@pytest.mark.parametrize("case", HOOK_RESULT_ERRORS)
def test_a_hook_returning_a_bad_gradient_raises(case):
    hook, error, message = HOOK_RESULT_ERRORS[case]
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    hidden = x * 2.0
    hidden.register_hook(hook)
    with pytest.raises(error, match="register_hook: hook .<lambda>. " + message):
        hidden.sum().backward()


# ---- grad_fn, retains_grad, detach_ ------------------------------------------------------
def test_grad_fn_names_the_op_and_links_to_its_inputs():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    product = x * mg.ones(2)
    loss = product.sum()
    assert x.grad_fn is None
    assert loss.grad_fn.name() == "SumBackward0" and product.grad_fn.name() == "MulBackward0"
    ((node, index),) = loss.grad_fn.next_functions
    assert node is product.grad_fn and index == 0
    (leaf, _), (constant, _) = product.grad_fn.next_functions
    assert leaf.name() == "AccumulateGrad" and leaf.variable is x and leaf.next_functions == ()
    assert constant is None  # the ones need no gradient
    assert repr(loss.grad_fn) == "<SumBackward0 object>"


def test_retains_grad_only_after_retain_grad_on_a_non_leaf():
    x = mg.tensor([1.0], requires_grad=True)
    hidden = x * 2.0
    assert not hidden.retains_grad and not x.retain_grad().retains_grad
    hidden.retain_grad()
    hidden.sum().backward()
    assert hidden.retains_grad and hidden.grad.item() == 1.0


def test_detach_in_place_makes_a_leaf_without_grad():
    x = mg.tensor([1.0], requires_grad=True)
    hidden = x * 2.0
    assert hidden.detach_() is hidden
    assert hidden.is_leaf and not hidden.requires_grad and hidden.grad_fn is None
    assert (hidden * 3.0).tolist() == [6.0]


# ---- grad modes --------------------------------------------------------------------------
def test_inference_mode_records_no_graph_as_context_and_decorator():
    x = mg.tensor([1.0], requires_grad=True)
    with mg.inference_mode():
        assert not (x * 2.0).requires_grad
    with mg.no_grad(), mg.inference_mode(False):  # as PyTorch: False turns recording on
        assert (x * 2.0).requires_grad

    @mg.inference_mode()
    def called():
        return mg.is_grad_enabled()

    @mg.inference_mode
    def bare():
        """Documented."""
        return mg.is_grad_enabled()

    assert called() is False and bare() is False and mg.is_grad_enabled()
    with mg.inference_mode(mode=True):
        assert not mg.is_grad_enabled()
    assert bare.__name__ == "bare" and bare.__doc__ == "Documented."


def test_grad_modes_are_named_in_mg_autograd_and_no_grad_decorates_without_parentheses():
    assert mg.autograd.no_grad is mg.no_grad and mg.autograd.enable_grad is mg.enable_grad
    assert mg.autograd.set_grad_enabled is mg.set_grad_enabled
    assert mg.autograd.inference_mode is mg.inference_mode

    @mg.no_grad
    def recording():
        return mg.is_grad_enabled()

    assert recording() is False and mg.is_grad_enabled()


def test_a_decorated_function_calling_itself_restores_each_mode():
    @mg.no_grad()
    def depth(n):
        with mg.enable_grad():
            inner = depth(n - 1) if n else None
        return mg.is_grad_enabled(), inner

    assert depth(1) == (False, (False, None)) and mg.is_grad_enabled()
