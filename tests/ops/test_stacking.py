"""hstack, vstack (row_stack), dstack, column_stack, meshgrid, broadcast_tensors and
broadcast_shapes, with cartesian_prod and combinations: values against numpy, gradients
against finite differences, errors that name the op."""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from tests.gradients import check_gradients
from tests.strategies import broadcastable_shapes, floats, shapes

STACKS = {
    "hstack": (mg.hstack, np.hstack),
    "vstack": (mg.vstack, np.vstack),
    "dstack": (mg.dstack, np.dstack),
    "column_stack": (mg.column_stack, np.column_stack),
}


@pytest.mark.parametrize("name", STACKS)
@given(data=st.data())
def test_stacks_are_numpys(name, data):
    ours, reference = STACKS[name]
    shape = data.draw(shapes().filter(lambda s: len(s) <= 2))
    a, b = data.draw(floats(shape)), data.draw(floats(shape))
    np.testing.assert_array_equal(ours([mg.tensor(a), mg.tensor(b)]).numpy(), reference([a, b]))
    check_gradients(lambda x, y: ours([x, y * 2]), a, b)


@given(data=st.data(), indexing=st.sampled_from(["ij", "xy"]))
def test_meshgrid_is_numpys(data, indexing):
    vectors = [data.draw(floats((data.draw(st.integers(1, 3)),))) for _ in range(3)]
    grids = mg.meshgrid(*[mg.tensor(v) for v in vectors], indexing=indexing)
    for ours, reference in zip(grids, np.meshgrid(*vectors, indexing=indexing)):
        np.testing.assert_array_equal(ours.numpy(), reference)
    check_gradients(lambda x, y: mg.stack(mg.meshgrid([x, y], indexing=indexing)), *vectors[:2])


@given(shapes_drawn=broadcastable_shapes(num_shapes=3), data=st.data())
def test_broadcast_tensors_and_shapes_are_numpys(shapes_drawn, data):
    arrays = [data.draw(floats(s)) for s in shapes_drawn]
    assert mg.broadcast_shapes(*shapes_drawn) == np.broadcast_shapes(*shapes_drawn)
    for ours, reference in zip(
        mg.broadcast_tensors(*[mg.tensor(a) for a in arrays]), np.broadcast_arrays(*arrays)
    ):
        np.testing.assert_array_equal(ours.numpy(), reference)
    check_gradients(lambda *ts: mg.stack(mg.broadcast_tensors(*ts)), *arrays)


@given(data=st.data())
def test_cartesian_prod_is_itertools_product(data):
    vectors = [data.draw(floats((data.draw(st.integers(1, 3)),))) for _ in range(2)]
    expected = np.array(list(itertools.product(*vectors)))
    np.testing.assert_array_equal(mg.cartesian_prod(*[mg.tensor(v) for v in vectors]).numpy(), expected)
    check_gradients(mg.cartesian_prod, *vectors)


@given(data=st.data(), with_replacement=st.booleans())
def test_combinations_are_itertools(data, with_replacement):
    x = data.draw(floats((data.draw(st.integers(1, 4)),)))
    r = data.draw(st.integers(1, 3))
    choose = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    expected = np.array(list(choose(x, r))).reshape(-1, r)
    out = mg.combinations(mg.tensor(x), r, with_replacement)
    np.testing.assert_array_equal(out.numpy(), expected)
    if out.numel():
        check_gradients(lambda t: mg.combinations(t, r, with_replacement), x)


@pytest.mark.parametrize("rank", [1, 2, 3])
@given(x=floats(shapes()))
def test_atleast_nd_are_numpys(rank, x):
    ours = {1: mg.atleast_1d, 2: mg.atleast_2d, 3: mg.atleast_3d}[rank]
    reference = {1: np.atleast_1d, 2: np.atleast_2d, 3: np.atleast_3d}[rank]
    np.testing.assert_array_equal(ours(mg.tensor(x)).numpy(), reference(x))


def test_one_input_and_r_zero_edges():
    x = mg.tensor([1.0, 2.0])
    assert mg.cartesian_prod(x) is x
    assert mg.row_stack is mg.vstack
    assert mg.combinations(x, 0).shape == (0,)
    assert mg.hstack([mg.tensor(1.0), mg.tensor(2.0)]).tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: mg.hstack([]), "hstack: expected at least one tensor"),
        (lambda: mg.vstack([mg.zeros(2), mg.zeros(3)]), "cat: all shapes must match"),
        (lambda: mg.meshgrid(mg.zeros(2, 2)), r"meshgrid: expected 0-d or 1-D tensors, got shapes \(2, 2\)"),
        (lambda: mg.meshgrid(mg.zeros(2), indexing="yx"), "meshgrid: indexing must be 'ij' or 'xy'"),
        (lambda: mg.broadcast_shapes((2,), (3,)), r"broadcast_shapes: shapes \(2,\), \(3,\) cannot"),
        (lambda: mg.broadcast_tensors(mg.zeros(2), mg.zeros(3)), "broadcast_shapes: shapes"),
        (lambda: mg.cartesian_prod(mg.zeros(2, 2)), "cartesian_prod: expected 1-D tensors"),
        (lambda: mg.combinations(mg.zeros(2, 2)), "combinations: expected 1-D tensors"),
        (lambda: mg.combinations(mg.zeros(2), -1), "combinations: r must be non-negative"),
    ],
)
def test_stacking_errors_name_the_op(call, message):
    with pytest.raises(ValueError, match=message):
        call()
