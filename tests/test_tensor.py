"""Tensor basics: getting numbers out, repr, comparisons, in-place changes, dtype and device."""

import operator
import re

import numpy as np
import pytest

import minigrad as mg


def test_item_tolist_numpy():
    t = mg.tensor([[1.5, 2.0], [3.0, 4.0]])
    assert mg.tensor([2.5]).item() == 2.5 and isinstance(mg.tensor(2.5).item(), float)
    assert t.tolist() == [[1.5, 2.0], [3.0, 4.0]]
    array = t.numpy()
    assert isinstance(array, np.ndarray) and array.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(t), array)


def test_item_of_a_multi_element_tensor_raises():
    with pytest.raises(ValueError, match="item: tensor has 3 elements, expected 1"):
        mg.ones(3).item()


def test_truth_value_of_a_multi_element_tensor_raises():
    with pytest.raises(ValueError, match="truth value of a tensor with 2 elements is ambiguous"):
        bool(mg.ones(2))


def test_python_number_conversions_and_len():
    assert float(mg.tensor([2.5])) == 2.5
    assert int(mg.tensor(3.0)) == 3
    assert [10, 20, 30][mg.tensor(np.array(1))] == 20
    assert len(mg.ones(4, 2)) == 4
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(mg.tensor(1.0))


def test_shape_attributes():
    t = mg.zeros(2, 3, 4)
    assert t.shape == (2, 3, 4) and t.ndim == 3 and t.dim() == 3 and t.numel() == 24
    assert t.size() == (2, 3, 4) and t.size(-1) == 4 and t.size(1) == 3
    assert t.device == "cpu"


def test_detach_shares_memory_but_leaves_the_graph():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2.0
    d = y.detach()
    assert not d.requires_grad and d.is_leaf
    d.data[0] = 99.0
    assert y.tolist() == [99.0, 4.0]


def test_clone_copies_and_passes_the_gradient_through():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    c = x.clone()
    assert c.data is not x.data and not np.shares_memory(c.data, x.data)
    (c * 3.0).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_repr_shows_the_numbers_and_what_matters():
    assert repr(mg.tensor([1.5, -2.0])) == "tensor([ 1.5, -2. ])"
    assert "requires_grad=True" in repr(mg.tensor([3.25], requires_grad=True))
    assert "grad_fn=<MulBackward0>" in repr(mg.tensor([1.0], requires_grad=True) * 2.0)
    assert repr(mg.arange(3)) == "tensor([0, 1, 2], dtype=int64)"


COMPARISONS = [operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge]


@pytest.mark.parametrize("op", COMPARISONS, ids=lambda op: op.__name__)
@pytest.mark.parametrize("other", [2.0, mg.tensor([1.0, 2.0, 3.0])], ids=["number", "tensor"])
def test_comparisons_give_bool_tensors_without_grad(op, other):
    x = mg.tensor([3.0, 2.0, 1.0], requires_grad=True)
    out = op(x, other)
    assert out.dtype == mg.bool_ and not out.requires_grad
    expected = op(np.array([3.0, 2.0, 1.0]), other if isinstance(other, float) else other.numpy())
    assert out.tolist() == expected.tolist()


def test_logical_operators_on_bool_tensors():
    a, b = mg.tensor([True, True, False]), mg.tensor([True, False, False])
    assert (a & b).tolist() == [True, False, False]
    assert (a | b).tolist() == [True, True, False]
    assert (~a).tolist() == [False, False, True]
    with pytest.raises(TypeError, match="~: expected a bool tensor, got dtype float32"):
        ~mg.ones(2)


def test_setitem_under_no_grad_changes_a_parameter():
    w = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with mg.no_grad():
        w[0] = 10.0
        w[[1, 2]] = mg.tensor([20.0, 30.0])
    assert w.tolist() == [10.0, 20.0, 30.0] and w.requires_grad


def test_setitem_with_a_mask_on_a_plain_tensor():
    t = mg.tensor([1.0, -2.0, 3.0, -4.0])
    t[t < 0] = 0.0
    assert t.tolist() == [1.0, 0.0, 3.0, 0.0]


def test_setitem_on_a_tensor_requiring_grad_raises():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="__setitem__: in-place assignment .*no_grad"):
        w[0] = 5.0


IN_PLACE = {
    "+=": (operator.iadd, [3.0, 4.0]),
    "-=": (operator.isub, [-1.0, 0.0]),
    "*=": (operator.imul, [2.0, 4.0]),
    "/=": (operator.itruediv, [0.5, 1.0]),
}


@pytest.mark.parametrize("name", IN_PLACE)
def test_in_place_arithmetic_under_no_grad_keeps_the_tensor(name):
    op, expected = IN_PLACE[name]
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    with mg.no_grad():
        result = op(w, mg.tensor(2.0))
    assert result is w and w.tolist() == expected and w.dtype == mg.float32


@pytest.mark.parametrize("name", IN_PLACE)
def test_in_place_arithmetic_on_a_tensor_requiring_grad_raises(name):
    op, _ = IN_PLACE[name]
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    message = re.escape(name) + ": in-place change of a tensor that requires grad"
    with pytest.raises(RuntimeError, match=message):
        op(w, 2.0)


def test_zero_fill_and_copy():
    t = mg.tensor([1.0, 2.0])
    assert t.zero_().tolist() == [0.0, 0.0]
    assert t.fill_(3.0).tolist() == [3.0, 3.0]
    assert t.copy_(np.array([5, 6])).tolist() == [5.0, 6.0] and t.dtype == mg.float32


def test_to_with_dtype_and_device():
    t = mg.tensor([1.0, 2.0])
    assert t.to("cpu") is t and t.cpu() is t
    assert t.to(mg.float64).dtype == mg.float64
    assert t.to(device="cpu", dtype=mg.float16).dtype == mg.float16
    assert t.float() is t


def test_unknown_device_raises():
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        mg.tensor([1.0], device="tpu")


@pytest.mark.skipif(mg.cuda.is_available(), reason="checks the message shown without a GPU")
@pytest.mark.parametrize("data", [[1.0], 2.0, np.array([1.0])], ids=["list", "number", "array"])
def test_minigrad_device_applies_to_every_kind_of_data(monkeypatch, data):
    monkeypatch.setenv("MINIGRAD_DEVICE", "cuda")
    with pytest.raises(RuntimeError, match="device 'cuda' was asked for, but no GPU is usable"):
        mg.tensor(data)


@pytest.mark.gpu
@pytest.mark.parametrize("data", [[1.0], 2.0, np.array([1.0])], ids=["list", "number", "array"])
def test_minigrad_device_cuda_puts_new_tensors_on_the_gpu(monkeypatch, data):
    monkeypatch.setenv("MINIGRAD_DEVICE", "cuda")
    assert mg.tensor(data).device == "cuda"
