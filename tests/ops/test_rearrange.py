"""Rearranging ops composed from movement primitives (repeat, roll, tril/triu, movedim,
unflatten, t, broadcast_to): values against numpy, gradients against finite differences."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from tests.gradients import check_gradients
from tests.strategies import floats, shapes, shapes_and_dim


def _check_against_numpy(op, reference, x):
    np.testing.assert_array_equal(op(mg.tensor(x)).numpy(), reference(x))
    check_gradients(op, x)


@given(data=st.data())
def test_repeat_is_numpys_tile(data):
    x = data.draw(floats(shapes(min_dims=1)))
    extra = data.draw(st.integers(0, 1))
    repeats = tuple(data.draw(st.integers(1, 3)) for _ in range(x.ndim + extra))
    _check_against_numpy(lambda t: t.repeat(*repeats), lambda a: np.tile(a, repeats), x)


@given(data=st.data())
def test_roll_along_dims_and_flattened(data):
    shape, dim = data.draw(shapes_and_dim())
    x = data.draw(floats(shape))
    shift = data.draw(st.integers(-4, 4))
    _check_against_numpy(lambda t: t.roll(shift, dim), lambda a: np.roll(a, shift, dim), x)
    _check_against_numpy(lambda t: mg.roll(t, shift), lambda a: np.roll(a, shift), x)
    _check_against_numpy(
        lambda t: t.roll((shift, 1), (dim, 0)), lambda a: np.roll(a, (shift, 1), (dim, 0)), x
    )


@given(data=st.data())
def test_tril_and_triu_with_a_diagonal(data):
    x = data.draw(floats(shapes(min_dims=2)))
    k = data.draw(st.integers(-3, 3))
    _check_against_numpy(lambda t: t.tril(k), lambda a: np.tril(a, k), x)
    _check_against_numpy(lambda t: mg.triu(t, diagonal=k), lambda a: np.triu(a, k), x)


@given(data=st.data())
def test_movedim_unflatten_t_and_broadcast_to(data):
    shape, dim = data.draw(shapes_and_dim())
    x = data.draw(floats(shape))
    target = data.draw(st.integers(-len(shape), len(shape) - 1))
    _check_against_numpy(lambda t: t.movedim(dim, target), lambda a: np.moveaxis(a, dim, target), x)
    sizes = (1, shape[dim], 1)
    new_shape = shape[: dim % len(shape)] + sizes + shape[dim % len(shape) + 1 :]
    _check_against_numpy(lambda t: t.unflatten(dim, (1, -1, 1)), lambda a: a.reshape(new_shape), x)
    _check_against_numpy(
        lambda t: t.broadcast_to((2,) + shape), lambda a: np.broadcast_to(a, (2,) + shape), x
    )
    if len(shape) <= 2:
        _check_against_numpy(lambda t: t.t(), lambda a: a.T, x)


def test_movedim_of_several_dims():
    x = mg.zeros(2, 3, 4, 5)
    assert (
        mg.movedim(x, (0, 1), (3, 2)).shape
        == np.moveaxis(np.zeros((2, 3, 4, 5)), (0, 1), (3, 2)).shape
    )


def test_as_tensor_shares_a_numpy_arrays_memory_and_passes_tensors_through():
    array = np.zeros(3, dtype=np.float32)
    shared = mg.as_tensor(array)
    array[0] = 5
    assert shared.tolist() == [5, 0, 0]
    assert mg.as_tensor(shared) is shared
    assert mg.as_tensor(array, dtype=mg.float64).dtype == mg.float64
    assert mg.as_tensor([1, 2]).dtype == mg.float32
    x = mg.ones(2, requires_grad=True)
    mg.as_tensor(x, dtype=mg.float64).sum().backward()
    assert x.grad.tolist() == [1, 1]


def test_rearranging_keeps_float32():
    x = mg.ones(2, 3, requires_grad=True)
    for out in (
        x.repeat(2, 1),
        x.roll(1, 1),
        x.tril(),
        x.triu(-1),
        x.movedim(1, 0),
        x.unflatten(1, (3, 1)),
        x.t(),
        x.broadcast_to(2, 2, 3),
    ):
        assert out.dtype == mg.float32


X = mg.zeros(2, 3)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: X.repeat(2), ValueError, r"repeat: expected at least 2 non-negative repeats"),
        (lambda: mg.zeros(3).tril(), ValueError, "tril: expected a tensor with at least 2 dims"),
        (lambda: X.roll((1, 2), 0), ValueError, "roll: got 2 shifts but 1 dims"),
        (lambda: X.roll(1, 2), ValueError, "roll: dim 2 is out of range"),
        (lambda: X.movedim((0, 1), 0), ValueError, "movedim: source .* differ in length"),
        (lambda: X.movedim((0, 0), (0, 1)), ValueError, "movedim: repeated dims"),
        (lambda: X.unflatten(1, (2, 2)), ValueError, r"unflatten: sizes \(2, 2\) do not"),
        (lambda: X.unflatten(1, (-1, -1)), ValueError, "unflatten: sizes"),
        (lambda: mg.zeros(1, 2, 3).t(), ValueError, "t: expected a tensor with at most 2 dims"),
        (lambda: X.broadcast_to(3, 2), ValueError, "expand: cannot expand shape"),
    ],
)
def test_rearrange_errors_name_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---- tile, rot90, fliplr/flipud, diff, unfold, reshape_as ------------------------------------


@given(data=st.data())
def test_tile_rot90_and_flips_are_numpys(data):
    x = data.draw(floats(shapes(min_dims=2)))
    reps = tuple(data.draw(st.lists(st.integers(1, 2), min_size=1, max_size=x.ndim + 1)))
    k = data.draw(st.integers(-5, 5))
    dims = data.draw(st.permutations(range(x.ndim)))[:2]
    _check_against_numpy(lambda t: t.tile(reps), lambda a: np.tile(a, reps), x)
    _check_against_numpy(lambda t: t.rot90(k, dims), lambda a: np.rot90(a, k, dims), x)
    _check_against_numpy(mg.fliplr, np.fliplr, x)
    _check_against_numpy(lambda t: t.flipud(), np.flipud, x)


@given(data=st.data())
def test_diff_with_prepend_and_append_is_numpys(data):
    shape, dim = data.draw(shapes_and_dim())
    x = data.draw(floats(shape))
    n = data.draw(st.integers(0, 3))
    edge = shape[: dim % len(shape)] + (1,) + shape[dim % len(shape) + 1 :]
    before, after = data.draw(floats(edge)), data.draw(floats(edge))
    np.testing.assert_allclose(
        mg.diff(mg.tensor(x), n, dim, mg.tensor(before), mg.tensor(after)).numpy(),
        np.diff(x, n, axis=dim, prepend=before, append=after),
    )
    check_gradients(lambda t, b, a: t.diff(n, dim, prepend=b, append=a), x, before, after)


@given(data=st.data())
def test_unfold_gives_the_sliding_windows(data):
    shape, dim = data.draw(shapes_and_dim())
    x = data.draw(floats(shape))
    size = data.draw(st.integers(1, shape[dim]))  # size 0: a torch fixture
    step = data.draw(st.integers(1, 3))
    axis = dim % x.ndim  # the window's own dim is appended last, so -1 would mean it
    windows = np.lib.stride_tricks.sliding_window_view(x, size, axis=axis)
    windows = np.take(windows, np.arange(0, windows.shape[axis], step), axis=axis)
    np.testing.assert_array_equal(mg.tensor(x).unfold(dim, size, step).numpy(), windows)
    check_gradients(lambda t: t.unfold(dim, size, step), x)  # overlapping windows add up


def test_reshape_as_takes_the_other_tensors_shape():
    x = mg.arange(6.0, requires_grad=True)
    out = x.reshape_as(mg.zeros(2, 3))
    assert out.shape == (2, 3) and out.dtype == mg.float32
    out.sum().backward()
    assert x.grad.tolist() == [1.0] * 6


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: X.rot90(1, (0,)), r"rot90: expected 2 dims"),
        (lambda: X.rot90(1, (1, -1)), r"rot90: dims \(1, -1\) name the same dim twice"),
        (lambda: mg.zeros(3).rot90(), r"rot90: expected 2 dims of a tensor with at least 2"),
        (lambda: mg.zeros(3).fliplr(), r"fliplr: expected at least 2 dims, got shape \(3,\)"),
        (lambda: mg.zeros(()).flipud(), "flipud: expected at least 1 dim"),
        (lambda: mg.zeros(()).diff(), "diff: expected at least 1 dim"),
        (lambda: X.diff(-1), "diff: order n must be non-negative"),
        (lambda: X.diff(1, 0, prepend=mg.zeros(1, 2)), "cat: all shapes must match"),
        (lambda: X.unfold(1, 4, 1), r"unfold: need 0 <= size <= 3 .* got size 4"),
        (lambda: X.unfold(1, 2, 0), "unfold: need .* step > 0"),
        (lambda: mg.zeros(()).unfold(0, 1, 1), "unfold: expected at least 1 dim"),
        (lambda: X.unfold(2, 1, 1), "unfold: dim 2 is out of range"),
    ],
)
def test_new_rearrange_errors_name_the_op(call, message):
    with pytest.raises(ValueError, match=message):
        call()
