"""Indexing ops (gather, scatter, index_select, masks): values against numpy, gradients
against finite differences, repeated indices included."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg
from tests.gradients import check_gradients
from tests.strategies import floats, shapes_and_dim


@st.composite
def input_dim_and_index(draw):
    """An input shape, a dim, and an int64 index no larger than the input in the other
    dims, with values that may repeat."""
    shape, dim = draw(shapes_and_dim())
    axis = dim % len(shape)
    index_shape = tuple(
        draw(st.integers(1, 3)) if d == axis else draw(st.integers(1, n)) if n else 0
        for d, n in enumerate(shape)
    )
    index = draw(hnp.arrays(np.int64, index_shape, elements=st.integers(0, shape[axis] - 1)))
    return shape, dim, index


def _gather_reference(x, axis, index):
    """out[..., j, ...] = x[..., index[..., j, ...], ...] over the part of x index covers."""
    covered = tuple(slice(0, m) if d != axis else slice(None) for d, m in enumerate(index.shape))
    return np.take_along_axis(x[covered], index, axis)


@given(data=st.data())
def test_gather_picks_along_dim_and_adds_gradients_of_repeats(data):
    shape, dim, index = data.draw(input_dim_and_index())
    x = data.draw(floats(shape))
    out = mg.gather(mg.tensor(x), dim, mg.tensor(index))
    np.testing.assert_array_equal(out.numpy(), _gather_reference(x, dim % len(shape), index))
    check_gradients(lambda t: t.gather(dim, mg.tensor(index)), x)


def _scatter_add_reference(x, axis, index, src):
    out = x.copy()
    for position in np.ndindex(index.shape):
        target = list(position)
        target[axis] = index[position]
        out[tuple(target)] += src[position]
    return out


@given(data=st.data())
def test_scatter_add_adds_every_entry_even_repeated_ones(data):
    shape, dim, index = data.draw(input_dim_and_index())
    src_shape = tuple(m + data.draw(st.integers(0, 1)) for m in index.shape)
    x, src = data.draw(floats(shape)), data.draw(floats(src_shape))
    out = mg.scatter_add(mg.tensor(x), dim, mg.tensor(index), mg.tensor(src))
    reference = _scatter_add_reference(x, dim % len(shape), index, src)
    np.testing.assert_allclose(out.numpy(), reference)
    check_gradients(lambda t, s: t.scatter_add(dim, mg.tensor(index), s), x, src)


@given(data=st.data())
def test_scatter_writes_src_and_its_gradient_skips_the_overwritten(data):
    shape, dim, _ = data.draw(input_dim_and_index())
    axis = dim % len(shape)
    # distinct targets along dim, so which write wins is defined
    index = np.argsort(
        data.draw(hnp.arrays(np.float64, shape, unique=True, elements=st.floats(-9, 9))), axis=axis
    )
    x, src = data.draw(floats(shape)), data.draw(floats(shape))
    out = mg.scatter(mg.tensor(x), dim, mg.tensor(index), mg.tensor(src))
    reference = x.copy()
    np.put_along_axis(reference, index, src, axis)
    np.testing.assert_array_equal(out.numpy(), reference)
    check_gradients(lambda t, s: t.scatter(dim, mg.tensor(index), s), x, src)


def test_scatter_of_a_number_fills_the_indexed_places():
    out = mg.zeros(2, 3).scatter(1, mg.tensor(np.array([[2], [0]])), 7.0)
    assert out.tolist() == [[0, 0, 7], [7, 0, 0]]


@given(data=st.data())
def test_index_select_takes_whole_slices_repeats_included(data):
    shape, dim = data.draw(shapes_and_dim())
    index = np.array(data.draw(st.lists(st.integers(0, shape[dim] - 1), min_size=1, max_size=4)))
    x = data.draw(floats(shape))
    out = mg.index_select(mg.tensor(x), dim, mg.tensor(index))
    np.testing.assert_array_equal(out.numpy(), np.take(x, index, axis=dim))
    check_gradients(lambda t: t.index_select(dim, mg.tensor(index)), x)


def test_take_along_dim_broadcasts_and_flattens_without_dim():
    x = np.arange(6.0).reshape(2, 3)
    rows = np.array([[2], [0]])
    out = mg.take_along_dim(mg.tensor(x), mg.tensor(rows), dim=1)
    np.testing.assert_array_equal(out.numpy(), np.take_along_axis(x, rows, 1))
    picks = np.array([[0, 2, 1]])  # one row of indices, broadcast over both rows of x
    np.testing.assert_array_equal(
        mg.tensor(x).take_along_dim(mg.tensor(picks), 1).numpy(), [[0, 2, 1], [3, 5, 4]]
    )
    assert mg.take_along_dim(mg.tensor(x), mg.tensor(np.array([5, 0]))).tolist() == [5, 0]
    check_gradients(lambda t: t.take_along_dim(mg.tensor(picks), 1), x)


@given(data=st.data())
def test_masked_fill_where_and_masked_select(data):
    shape, _ = data.draw(shapes_and_dim())
    x = data.draw(floats(shape))
    mask = data.draw(hnp.arrays(bool, shape[-1:]))  # broadcast over the leading dims
    t = mg.tensor(x)
    np.testing.assert_array_equal(
        t.masked_fill(mg.tensor(mask), -5.0).numpy(), np.where(mask, -5.0, x)
    )
    np.testing.assert_array_equal(t.where(mg.tensor(mask), 0.5).numpy(), np.where(mask, x, 0.5))
    np.testing.assert_array_equal(
        t.masked_select(mg.tensor(mask)).numpy(), x[np.broadcast_to(mask, shape)]
    )
    check_gradients(lambda u: u.masked_fill(mg.tensor(mask), 1.0), x)
    check_gradients(lambda u: u.masked_select(mg.tensor(mask)), x)


def test_nonzero_lists_positions_as_rows_or_a_tuple():
    x = mg.tensor([[0.0, 1.5], [2.0, 0.0]])
    assert x.nonzero().tolist() == [[0, 1], [1, 0]]
    assert x.nonzero().dtype == mg.int64
    rows, cols = mg.nonzero(x, as_tuple=True)
    assert rows.tolist() == [0, 1] and cols.tolist() == [1, 0]


def test_indexing_keeps_float32():
    x = mg.tensor([[0.5, 1.0], [2.0, 3.0]], requires_grad=True)
    index = mg.tensor(np.array([[1, 1], [0, 1]]))
    for out in (
        x.gather(1, index),
        x.scatter_add(0, index, x),
        x.scatter(1, index, x),
        x.index_select(0, index[0]),
        x.masked_fill(x > 1, 0.0),
        x.masked_select(x > 1),
    ):
        assert out.dtype == mg.float32
        out.sum().backward()
        assert x.grad.dtype == mg.float32


X = mg.tensor(np.zeros((2, 3), dtype=np.float32))
INDEX = mg.tensor(np.array([[0, 1, 2], [2, 1, 0]]))


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: X.gather(2, INDEX), ValueError, "gather: dim 2 is out of range"),
        (lambda: X.gather(1, INDEX.float()), TypeError, "gather: index must be an integer"),
        (lambda: X.gather(1, INDEX[0]), ValueError, r"gather: index of shape \(3,\) must have"),
        (lambda: X.gather(1, INDEX * 2), IndexError, "gather: index holds values from 0 to 4"),
        (lambda: X.gather(0, mg.cat([INDEX, INDEX])), IndexError, "gather: index holds"),
        (lambda: X[:, :2].gather(0, INDEX), ValueError, "gather: index of shape .* is larger"),
        (lambda: X.scatter_add(1, INDEX, X[:, :2]), ValueError, "scatter_add: index of shape"),
        (lambda: X.scatter_add(1, INDEX, X.double()), TypeError, "scatter_add: src has dtype"),
        (lambda: X.scatter(1, -INDEX - 1, 1.0), IndexError, "scatter: index holds values"),
        (lambda: X.index_select(0, INDEX), TypeError, "index_select: index must be a 0-d or 1-D"),
        (lambda: X.masked_fill(X > 0, X), ValueError, "masked_fill: value must be a number"),
        (lambda: X.masked_fill(X, 1.0), TypeError, "masked_fill: mask must be a bool"),
        (lambda: X.masked_fill(mg.ones(3, 1) > 0, 1.0), ValueError, "masked_fill: mask of"),
        (lambda: X.masked_select(mg.ones(4) > 0), ValueError, "masked_select: shapes"),
        (lambda: X.take_along_dim(INDEX[0], 1), ValueError, "take_along_dim: indices of"),
    ],
)
def test_indexing_errors_name_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---- take, index_add, index_copy, index_fill -------------------------------------------------


@st.composite
def input_dim_and_slices(draw, unique):
    """An input shape, a dim, a 1-D int64 index into that dim (repeats unless `unique`) and
    the shape of a source with one slice per index."""
    shape, dim = draw(shapes_and_dim())
    axis = dim % len(shape)
    size = shape[axis]
    if unique:
        index = np.array(draw(st.permutations(range(size)))[: draw(st.integers(0, size))])
    else:
        index = np.array(draw(st.lists(st.integers(0, size - 1), max_size=3)), dtype=np.int64)
    source_shape = shape[:axis] + (len(index),) + shape[axis + 1 :]
    return shape, dim, index.astype(np.int64), source_shape


@given(data=st.data())
def test_take_reads_the_flattened_input(data):
    x = data.draw(floats(data.draw(shapes_and_dim())[0]))
    index = data.draw(hnp.arrays(np.int64, (2, 2), elements=st.integers(-x.size, x.size - 1)))
    np.testing.assert_array_equal(mg.take(mg.tensor(x), mg.tensor(index)).numpy(), np.take(x, index))
    check_gradients(lambda t: t.take(mg.tensor(index)), x)


@given(data=st.data(), alpha=st.sampled_from([1, -2.5]))
def test_index_add_adds_each_slice_repeats_included(data, alpha):
    shape, dim, index, source_shape = data.draw(input_dim_and_slices(unique=False))
    x, source = data.draw(floats(shape)), data.draw(floats(source_shape))
    expected = np.moveaxis(x, dim, 0).copy()
    np.add.at(expected, index, alpha * np.moveaxis(source, dim, 0))
    out = mg.tensor(x).index_add(dim, mg.tensor(index), mg.tensor(source), alpha=alpha)
    np.testing.assert_allclose(out.numpy(), np.moveaxis(expected, 0, dim))
    check_gradients(lambda t, s: mg.index_add(t, dim, mg.tensor(index), s, alpha=alpha), x, source)


@given(data=st.data())
def test_index_copy_and_index_fill_replace_slices(data):
    shape, dim, index, source_shape = data.draw(input_dim_and_slices(unique=True))
    x, source = data.draw(floats(shape)), data.draw(floats(source_shape))
    copied = np.moveaxis(x, dim, 0).copy()
    copied[index] = np.moveaxis(source, dim, 0)
    filled = np.moveaxis(x, dim, 0).copy()
    filled[index] = 0.75
    i = mg.tensor(index)
    out = mg.tensor(x).index_copy(dim, i, mg.tensor(source))
    np.testing.assert_array_equal(out.numpy(), np.moveaxis(copied, 0, dim))
    np.testing.assert_array_equal(
        mg.index_fill(mg.tensor(x), dim, i, 0.75).numpy(), np.moveaxis(filled, 0, dim)
    )
    check_gradients(lambda t, s: t.index_copy(dim, i, s), x, source)
    check_gradients(lambda t, v: t.index_fill(dim, i, v), x, np.array(0.75))


def test_index_ops_keep_float32():
    x, i = mg.ones(2, 3, requires_grad=True), mg.tensor(np.array([1]))
    for out in (x.take(i), x.index_add(0, i, mg.ones(1, 3)), x.index_copy(1, i, mg.ones(2, 1)),
                x.index_fill(1, i, 2)):
        assert out.dtype == mg.float32


M = mg.zeros(2, 3)
I1 = mg.tensor(np.array([0, 1]))


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: M.take(mg.tensor([0.0])), TypeError, "take: index must be an integer tensor"),
        (lambda: M.take(mg.tensor(np.array([6]))), IndexError, "take: index holds values from 6 to 6, out of range for 6"),
        (lambda: M.index_add(0, I1, mg.zeros(2, 2)), ValueError, r"index_add: source of shape \(2, 2\) must have shape \(2, 3\)"),
        (lambda: M.index_add(0, I1, mg.zeros(2, 3, dtype=mg.float64)), TypeError, "index_add: source has dtype float64"),
        (lambda: M.index_copy(1, mg.tensor(np.array([[0]])), M), TypeError, "index_copy: index must be a 0-d or 1-D integer"),
        (lambda: M.index_copy(1, mg.tensor(np.array([3])), mg.zeros(2, 1)), IndexError, "index_copy: index holds values from 3 to 3"),
        (lambda: M.index_fill(2, I1, 0.0), ValueError, "index_fill: dim 2 is out of range"),
        (lambda: mg.zeros(()).index_fill(0, I1, 0.0), ValueError, "index_fill: expected an input with at least 1 dim"),
    ],
)
def test_new_index_errors_name_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()
