"""sort, argsort, topk: against numpy's stable sort, gradients (ties excluded) against
finite differences, ties kept in their original order."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from tests.gradients import check_gradients
from tests.strategies import distinct_floats, shapes_and_dim


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@given(data=st.data())
def test_sort_and_argsort_match_numpy(descending, data):
    shape, dim = data.draw(shapes_and_dim())
    x = data.draw(distinct_floats(shape))
    order = np.argsort(-x if descending else x, axis=dim, kind="stable")
    values, indices = mg.sort(mg.tensor(x), dim, descending=descending)
    np.testing.assert_array_equal(indices.numpy(), order)
    np.testing.assert_array_equal(values.numpy(), np.take_along_axis(x, order, dim))
    np.testing.assert_array_equal(mg.tensor(x).argsort(dim, descending).numpy(), order)
    check_gradients(lambda t: t.sort(dim, descending=descending).values, x)


@given(data=st.data())
def test_topk_takes_the_k_largest_or_smallest_in_order(data):
    shape, dim = data.draw(shapes_and_dim())
    x = data.draw(distinct_floats(shape))
    k = data.draw(st.integers(0, shape[dim]))
    largest = data.draw(st.booleans())
    order = np.argsort(-x if largest else x, axis=dim, kind="stable").take(range(k), axis=dim)
    values, indices = mg.tensor(x).topk(k, dim, largest=largest)
    np.testing.assert_array_equal(indices.numpy(), order)
    np.testing.assert_array_equal(values.numpy(), np.take_along_axis(x, order, dim))
    if k:
        check_gradients(lambda t: mg.topk(t, k, dim, largest=largest).values, x)


def test_ties_keep_their_order_both_ways():
    x = mg.tensor([1.0, 2.0, 1.0, 2.0])
    assert x.argsort().tolist() == [0, 2, 1, 3]
    assert x.argsort(descending=True).tolist() == [1, 3, 0, 2]
    assert mg.tensor([True, False, True]).argsort(descending=True).tolist() == [0, 2, 1]


def test_sorting_keeps_float32_and_gives_int64_indices():
    x = mg.tensor([[3.0, 1.0, 2.0]], requires_grad=True)
    for values, indices in (x.sort(), x.topk(2)):
        assert values.dtype == mg.float32 and indices.dtype == mg.int64
        values.sum().backward()
        assert x.grad.dtype == mg.float32


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: mg.ones(3).topk(4), ValueError, "topk: k=4 must be an int from 0 to 3"),
        (lambda: mg.ones(3).topk(1.5), ValueError, "topk: k=1.5"),
        (lambda: mg.ones(3).sort(1), ValueError, "argsort: dim 1 is out of range"),
        (lambda: mg.ones(3).topk(1, dim=2), ValueError, "topk: dim 2 is out of range"),
    ],
)
def test_sorting_errors_name_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()


@given(data=st.data())
def test_msort_sorts_along_the_first_dim(data):
    shape, _ = data.draw(shapes_and_dim())
    x = data.draw(distinct_floats(shape))
    np.testing.assert_array_equal(mg.msort(mg.tensor(x)).numpy(), np.sort(x, axis=0))
    check_gradients(lambda t: t.msort() * 2, x)
