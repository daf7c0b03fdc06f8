"""Module backward hooks (register_full_backward_hook / _pre_hook). The expected tuples were
written down from the same calls on PyTorch 2.13: None for a non-tensor input or an output no
gradient reached, zeros for a tensor input that took no gradient."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


class TwoInThreeOut(nn.Module):
    def forward(self, a, b, k=3):
        return a * b, a + 2 * b, a.detach() * 0


def recorded(module):
    log = []
    module.register_full_backward_pre_hook(lambda m, go: log.append(("pre", go)))
    module.register_full_backward_hook(lambda m, gi, go: log.append(("full", gi, go)))
    return log


def values(grads):
    return [None if g is None else g.numpy().tolist() for g in grads]


def test_hooks_see_each_input_and_output_with_none_and_zeros_where_pytorch_puts_them():
    module = TwoInThreeOut()
    log = recorded(module)
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    x, _, z = module(a, mg.tensor([3.0, 4.0]), 5.0)
    assert not z.requires_grad
    x.sum().backward()
    (pre, grad_output), (full, grad_input, grad_output_again) = log
    assert (pre, full) == ("pre", "full")
    assert values(grad_output) == [[1, 1], None, None]
    assert grad_output_again is grad_output
    assert values(grad_input) == [[3, 4], [0, 0], None]  # b needs no grad: zeros; 5.0: None
    np.testing.assert_array_equal(a.grad.numpy(), [3, 4])


def test_an_output_left_out_of_the_loss_has_no_gradient():
    module = TwoInThreeOut()
    log = recorded(module)
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([3.0, 4.0], requires_grad=True)
    _, y, _ = module(a, b)
    (y * mg.tensor([1.0, 10.0])).sum().backward()
    assert values(log[0][1]) == [None, [1, 10], None]
    assert values(log[1][1]) == [[1, 10], [2, 20]]


def test_an_unused_input_that_requires_grad_gets_zeros_as_in_pytorch():
    class FirstOnly(nn.Module):
        def forward(self, a, b):
            return a * 2

    module = FirstOnly()
    log = recorded(module)
    b = mg.ones(2, requires_grad=True)
    module(mg.ones(2, requires_grad=True), b).sum().backward()
    assert values(log[1][1]) == [[2, 2], [0, 0]]
    np.testing.assert_array_equal(b.grad.numpy(), [0, 0])


def test_without_inputs_that_require_grad_the_full_hook_runs_with_nones_after_the_pre_hook():
    layer = nn.Linear(2, 1)
    log = recorded(layer)
    layer.register_full_backward_pre_hook(lambda m, go: (go[0] * 2,))
    layer(mg.tensor([[1.0, 2.0]])).sum().backward()
    assert values(log[0][1]) == [[[1]]]  # the pre-hooks run in order: this one saw the original
    assert log[1][1] == (None,) and values(log[1][2]) == [[[2]]]
    np.testing.assert_array_equal(layer.weight.grad.numpy(), [[2, 4]])


def test_a_full_hook_replaces_grad_input_and_a_pre_hook_grad_output():
    layer = nn.Linear(2, 2)
    layer.register_full_backward_pre_hook(lambda m, go: (go[0] * 3,))
    layer.register_full_backward_hook(lambda m, gi, go: (gi[0] * 100,))
    x = mg.ones(1, 2, requires_grad=True)
    layer(x).sum().backward()
    weight = layer.weight.detach().numpy()
    np.testing.assert_allclose(x.grad.numpy(), 300 * weight.sum(0, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(layer.weight.grad.numpy(), np.full((2, 2), 3.0))


def test_hooks_fire_in_grad_too_and_leave_dot_grad_alone():
    seen = []
    identity = nn.Identity()
    identity.register_full_backward_hook(lambda m, gi, go: seen.append(values(gi + go)))
    a = mg.ones(2, requires_grad=True)
    (grad,) = mg.autograd.grad((identity(a) * 3).sum(), a)
    assert seen == [[[3, 3], [3, 3]]] and a.grad is None
    np.testing.assert_array_equal(grad.numpy(), [3, 3])


def test_prepend_puts_a_hook_first_and_handles_remove_exactly_theirs():
    identity, order = nn.Identity(), []
    identity.register_full_backward_hook(lambda m, gi, go: order.append(1))
    identity.register_full_backward_hook(lambda m, gi, go: order.append(2), prepend=True)
    identity.register_full_backward_pre_hook(lambda m, go: order.append("p1"))
    handle = identity.register_full_backward_pre_hook(lambda m, go: order.append("p0"),
                                                      prepend=True)
    x = mg.ones(2, requires_grad=True)
    identity(x).sum().backward()
    assert order == ["p0", "p1", 2, 1]
    handle.remove()
    order.clear()
    identity(x).sum().backward()
    assert order == ["p1", 2, 1]


def test_forward_hooks_see_gated_inputs_and_the_result_before_its_gate():
    identity = nn.Identity()
    identity.register_full_backward_hook(lambda m, gi, go: None)
    seen = []
    identity.register_forward_hook(lambda m, args, out: seen.append((args[0], out)))
    x = mg.ones(2, requires_grad=True)
    out = identity(x)
    assert seen[0][0] is not x and seen[0][1] is seen[0][0] and out is not seen[0][1]


def test_no_gates_without_grad_and_a_warning_for_outputs_that_are_not_tensors():
    identity, calls = nn.Identity(), []
    identity.register_full_backward_hook(lambda m, gi, go: calls.append(1))
    x = mg.ones(2, requires_grad=True)
    with mg.no_grad():
        assert identity(x) is x

    class AsDict(nn.Module):
        def forward(self, a):
            return {"a": a}

    module = AsDict()
    module.register_full_backward_hook(lambda m, gi, go: calls.append(1))
    with pytest.warns(UserWarning, match="output should be a Tensor or a tuple"):
        module(x)["a"].sum().backward()
    assert calls == []


def test_a_hook_returning_the_wrong_number_of_gradients_is_our_error():
    layer = nn.Linear(2, 2)
    layer.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    with pytest.raises(ValueError, match="returned 2 entries for grad_input, but expected 1"):
        layer(mg.ones(1, 2, requires_grad=True)).sum().backward()
    layer = nn.Linear(2, 2)
    layer.register_full_backward_pre_hook(lambda m, go: (go[0], go[0]))
    with pytest.raises(ValueError, match="register_full_backward_pre_hook: .* for grad_output"):
        layer(mg.ones(1, 2, requires_grad=True)).sum().backward()


def test_a_hook_returning_a_wrong_shape_or_dtype_is_our_error():
    def wrong_shape(m, gi, go):
        return (mg.ones(3),)

    layer = nn.Linear(2, 2)
    layer.register_full_backward_hook(wrong_shape)
    with pytest.raises(ValueError, match=r"'wrong_shape' returned shape \(3,\) .* \(1, 2\)"):
        layer(mg.ones(1, 2, requires_grad=True)).sum().backward()
    layer = nn.Linear(2, 2)
    layer.register_full_backward_pre_hook(lambda m, go: (go[0].double(),))
    with pytest.raises(TypeError, match="returned dtype float64 for a gradient of dtype float32"):
        layer(mg.ones(1, 2, requires_grad=True)).sum().backward()


def test_gradients_for_inputs_that_require_no_grad_are_refused():
    layer = nn.Linear(2, 2)
    layer.register_full_backward_hook(lambda m, gi, go: go)
    with pytest.raises(ValueError, match="none of its inputs requires grad"):
        layer(mg.ones(1, 2)).sum().backward()


def test_module_called_twice_reports_each_call():
    layer = nn.Linear(2, 2, bias=False)
    seen = []
    layer.register_full_backward_hook(lambda m, gi, go: seen.append(gi[0].numpy().copy()))
    x = mg.ones(1, 2, requires_grad=True)
    (layer(x).sum() + 2 * layer(x * 3).sum()).backward()
    column_sums = layer.weight.detach().numpy().sum(0)
    np.testing.assert_allclose(sorted(s.sum() for s in seen),
                               sorted([column_sums.sum(), 2 * column_sums.sum()]), rtol=1e-6)


class SharedProduct(nn.Module):
    def forward(self, a, b):
        y = a * b
        return y, y * 2, y


def test_one_tensor_as_two_inputs_and_one_result_as_two_outputs_as_in_pytorch():
    module = SharedProduct()
    log = recorded(module)
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    p, q, r = module(a, a)
    (p.sum() + (q * 3).sum() + 5 * r.sum()).backward()
    assert values(log[0][1]) == [[1, 1], [3, 3], [5, 5]]
    assert values(log[1][1]) == [[12, 24], [12, 24]]
    np.testing.assert_array_equal(a.grad.numpy(), [24, 48])


def test_hooks_fire_on_each_pass_through_a_retained_graph():
    module = SharedProduct()
    log = recorded(module)
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    loss = module(a, mg.tensor([3.0, 4.0]))[0].sum()
    loss.backward(retain_graph=True)
    loss.backward()
    assert [entry[0] for entry in log] == ["pre", "full", "pre", "full"]
    assert values(log[3][1]) == [[3, 4], [0, 0]]


def test_hooks_on_the_standin_gpu_see_device_gradients(standin_gpu):
    module = SharedProduct()
    log = recorded(module)
    a = mg.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    module(a, mg.tensor([3.0, 4.0], device="cuda"))[1].sum().backward()
    grad_input = log[1][1]
    assert all(g.device == "cuda" for g in grad_input)
    assert values(grad_input) == [[6, 8], [0, 0]]


def test_a_call_runs_the_hooks_registered_when_it_was_made_as_in_pytorch():
    identity, calls = nn.Identity(), []
    handle = identity.register_full_backward_hook(lambda m, gi, go: calls.append(1))
    y = identity(mg.ones(2, requires_grad=True))
    handle.remove()
    identity.register_full_backward_hook(lambda m, gi, go: calls.append(2))
    y.sum().backward()
    assert calls == [1]
