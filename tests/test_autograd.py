"""The graph walk: accumulation, broadcasting, freeing, no_grad, and its error messages."""

import math
import weakref

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad.autograd import Function, _check_same_device, unbroadcast
from minigrad.tensor import Tensor
from tests.gradients import check_gradients
from tests.strategies import broadcastable_shapes, floats


def test_a_20000_op_chain_backpropagates_without_recursion_error():
    x = mg.tensor(0.0, requires_grad=True)
    y = x
    for _ in range(10_000):  # two ops each
        y = (y + 1.0) * 1.0
    y.backward()
    assert y.item() == 10_000.0
    assert x.grad.item() == 1.0


def test_a_tensor_used_twice_in_one_op_gets_both_gradients():
    x = mg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, -4.0, 6.0]


def test_a_tensor_used_in_two_branches_gets_their_sum():
    x = mg.tensor([0.5, 1.0], requires_grad=True)
    (x * 3.0 + x.exp()).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 3.0 + np.exp([0.5, 1.0]), rtol=1e-6)


@given(data=st.data())
def test_gradients_through_a_diamond_graph(data):
    x = data.draw(floats(st.just((2, 3)), 0.3, 2.0))

    def diamond(t):
        shared = t.tanh() * 2.0
        return shared * shared.sum(0) + shared.log().exp()

    check_gradients(diamond, x)


def test_broadcast_gradients_are_summed_to_each_input_shape():
    column = mg.tensor([[1.0], [2.0], [3.0]], requires_grad=True)
    row = mg.tensor([1.0, 1.0, 1.0, 1.0], requires_grad=True)
    scalar = mg.tensor(2.0, requires_grad=True)
    (column * row + scalar).sum().backward()
    assert column.grad.shape == (3, 1) and column.grad.tolist() == [[4.0], [4.0], [4.0]]
    assert row.grad.shape == (4,) and row.grad.tolist() == [6.0] * 4
    assert scalar.grad.shape == () and scalar.grad.item() == 12.0


@given(shapes=broadcastable_shapes())
def test_unbroadcast_sums_back_to_the_input_shape(shapes):
    shape, other = shapes
    result_shape = np.broadcast_shapes(shape, other)
    grad = np.ones(result_shape)
    reduced = unbroadcast(grad, shape)
    assert reduced.shape == shape
    # every input element received one gradient per copy of it in the result
    copies = math.prod(result_shape) // math.prod(shape)
    np.testing.assert_array_equal(reduced, np.full(shape, copies))


def test_two_backward_calls_accumulate_into_grad():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    x.sum().backward()
    (x * 3.0).sum().backward()
    assert x.grad.tolist() == [4.0, 4.0]


def test_second_backward_through_a_freed_graph_raises():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="freed.*retain_graph=True"):
        loss.backward()


def test_retain_graph_allows_a_second_backward():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    loss.backward(retain_graph=True)
    loss.backward()
    assert x.grad.tolist() == [4.0, 8.0]


def test_no_grad_records_no_graph():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with mg.no_grad():
        assert not mg.is_grad_enabled()
        y = x * 2.0
    assert mg.is_grad_enabled()
    assert not y.requires_grad and y.is_leaf
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.sum().backward()


def test_no_grad_as_a_decorator_and_set_grad_enabled():
    @mg.no_grad()
    def doubled(t):
        return t * 2.0

    x = mg.tensor([1.0], requires_grad=True)
    assert not doubled(x).requires_grad
    with mg.set_grad_enabled(False):
        with mg.enable_grad():
            assert (x * 2.0).requires_grad
        assert not (x * 2.0).requires_grad


def test_grad_mode_is_restored_after_an_exception():
    with pytest.raises(ZeroDivisionError):
        with mg.no_grad():
            1 / 0
    assert mg.is_grad_enabled()


def test_retain_grad_keeps_the_gradient_of_a_non_leaf():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    hidden = x * 3.0
    other = x * 2.0
    hidden.retain_grad()
    (hidden * hidden + other).sum().backward()
    assert hidden.grad.tolist() == [6.0, 12.0]
    assert other.grad is None
    assert x.grad.tolist() == [20.0, 38.0]


def test_an_intermediate_result_is_freed_once_the_program_drops_it():
    # the graph links Functions, not tensors: y's numbers are not needed to differentiate
    # z = (x + 1) + 1, so nothing keeps them once y is gone
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x + 1.0
    z = y + 1.0
    y_was_alive = weakref.ref(y)
    del y
    assert y_was_alive() is None
    z.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_retain_grad_of_the_root_and_of_a_leaf():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum().retain_grad()
    loss.backward()
    assert loss.grad.item() == 1.0
    assert x.retain_grad() is x and x.grad.tolist() == [2.0, 4.0]


def test_backward_of_a_non_scalar_needs_a_gradient():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"backward: .*scalar output.*shape \(2,\)"):
        (x * 2.0).backward()


def test_backward_with_a_gradient_of_the_wrong_shape_raises():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"backward: gradient has shape \(3,\).*shape \(2,\)"):
        (x * 2.0).backward(mg.ones(3))


def test_backward_with_a_gradient_is_a_vector_jacobian_product():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    (x * x).backward(mg.tensor([10.0, 100.0]))
    assert x.grad.tolist() == [20.0, 400.0]


class Scale(Function):
    """a * factor for two tensors, remembering which inputs asked for a gradient."""

    def forward(self, a, factor):
        self.factor = factor
        return a * factor

    def backward(self, g):
        self.seen_needs = self.needs_input_grad
        return g * self.factor, None


def test_function_knows_which_inputs_need_a_gradient():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    out = Scale.apply(x, mg.tensor([3.0, 3.0]))
    node = out._ctx
    out.sum().backward()
    assert node.seen_needs == (True, False)
    assert x.grad.tolist() == [3.0, 3.0]


class FakeCudaArray:
    """Stands in for a CuPy array: it exposes __cuda_array_interface__, so its device reads as
    'cuda'."""

    __cuda_array_interface__ = {}
    shape = (2,)
    ndim = 1
    dtype = np.dtype("float32")


def test_mixing_devices_in_one_op_raises_naming_the_op_and_devices():
    cpu, cuda = mg.ones(2), Tensor._make(FakeCudaArray())
    with pytest.raises(
        RuntimeError, match=r"Add: inputs are on different devices \(cpu:\(2,\), cuda:\(2,\)\)"
    ):
        cpu + cuda


def test_same_device_check_accepts_arrays_of_one_device():
    tensors = [mg.ones(2), mg.zeros(2, dtype=mg.float64)]
    assert _check_same_device("Mul", tensors, [t.data for t in tensors]) is None


@pytest.mark.gpu
def test_mixing_a_real_cuda_tensor_with_a_cpu_tensor_raises():
    with pytest.raises(RuntimeError, match="different devices"):
        mg.ones(2, device="cuda") * mg.ones(2)
