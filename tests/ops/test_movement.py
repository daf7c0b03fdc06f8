"""Movement ops (reshape, permute, index, cat, pad ...): values against numpy, gradients
against finite differences."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg
import minigrad.nn.functional as F
from tests.gradients import check_gradients
from tests.strategies import (
    MAX_SIDE,
    broadcastable_shapes,
    floats,
    shapes,
    shapes_and_dim,
    shapes_and_dims,
)


def _check_against_numpy(op, reference, x):
    """op on a tensor gives reference on the array, and op's gradient is right."""
    np.testing.assert_array_equal(op(mg.tensor(x)).numpy(), reference(x))
    check_gradients(op, x)


@given(data=st.data())
def test_reshape_and_view(data):
    x = data.draw(floats(shapes()))
    target = list(data.draw(st.permutations(x.shape)))
    if target and data.draw(st.booleans()):
        target[data.draw(st.integers(0, len(target) - 1))] = -1
    _check_against_numpy(lambda t: t.reshape(*target), lambda a: a.reshape(target), x)
    _check_against_numpy(lambda t: t.view(tuple(target)), lambda a: a.reshape(target), x)


@given(data=st.data())
def test_permute(data):
    x = data.draw(floats(shapes()))
    dims = data.draw(st.permutations(range(x.ndim)))
    _check_against_numpy(lambda t: t.permute(*dims), lambda a: a.transpose(dims), x)


@given(data=st.data())
def test_transpose_with_negative_dims(data):
    x = data.draw(floats(shapes(min_dims=1)))
    dim0, dim1 = data.draw(st.lists(st.integers(-x.ndim, x.ndim - 1), min_size=2, max_size=2))
    _check_against_numpy(lambda t: t.transpose(dim0, dim1), lambda a: np.swapaxes(a, dim0, dim1), x)


@given(data=st.data())
def test_T_reverses_all_dims(data):
    x = data.draw(floats(shapes()))
    _check_against_numpy(lambda t: t.T, lambda a: a.T, x)


@given(data=st.data())
def test_mT_swaps_the_last_two_dims(data):
    x = data.draw(floats(shapes(min_dims=2)))
    _check_against_numpy(lambda t: t.mT, lambda a: np.swapaxes(a, -1, -2), x)


@given(data=st.data())
def test_squeeze(data):
    shape, dim = data.draw(shapes_and_dim())
    x = data.draw(floats(shape))
    keep = x.shape[dim] != 1
    _check_against_numpy(
        lambda t: t.squeeze(dim), lambda a: a if keep else np.squeeze(a, axis=dim), x
    )
    _check_against_numpy(lambda t: t.squeeze(), np.squeeze, x)


@given(data=st.data())
def test_unsqueeze(data):
    x = data.draw(floats(shapes()))
    dim = data.draw(st.integers(-x.ndim - 1, x.ndim))
    _check_against_numpy(lambda t: t.unsqueeze(dim), lambda a: np.expand_dims(a, dim), x)


@given(data=st.data())
def test_flatten(data):
    x = data.draw(floats(shapes(min_dims=1)))
    start, end = sorted(data.draw(st.lists(st.integers(0, x.ndim - 1), min_size=2, max_size=2)))
    flat_shape = x.shape[:start] + (-1,) + x.shape[end + 1 :]
    # negative end_dim counts from the back, as in PyTorch
    _check_against_numpy(
        lambda t: t.flatten(start, end - x.ndim), lambda a: a.reshape(flat_shape), x
    )


@given(data=st.data())
def test_flip_along_one_or_several_dims(data):
    shape, dims = data.draw(shapes_and_dims().filter(lambda drawn: drawn[1] is not None))
    x = data.draw(floats(shape))
    _check_against_numpy(lambda t: t.flip(dims), lambda a: np.flip(a, dims), x)
    _check_against_numpy(lambda t: mg.flip(t, dims), lambda a: np.flip(a, dims), x)


@given(data=st.data())
def test_expand_size_1_and_new_leading_dims(data):
    shape, other = data.draw(broadcastable_shapes())
    target = np.broadcast_shapes(shape, other)
    x = data.draw(floats(shape))
    _check_against_numpy(lambda t: t.expand(*target), lambda a: np.broadcast_to(a, target), x)


def test_expand_with_minus_1_keeps_a_dim():
    assert mg.ones(3, 1).expand(-1, 4).shape == (3, 4)
    assert mg.ones(3, 1).expand(2, 3, 4).shape == (2, 3, 4)


@given(data=st.data())
def test_getitem_with_slices_ints_none_and_ellipsis(data):
    x = data.draw(floats(shapes(min_dims=1)))
    index = data.draw(hnp.basic_indices(x.shape, allow_newaxis=True, allow_ellipsis=True))
    _check_against_numpy(lambda t: t[index], lambda a: a[index], x)


@given(data=st.data())
def test_getitem_with_integer_arrays_repeats_and_negatives(data):
    x = data.draw(floats(shapes(min_dims=1)))
    n = x.shape[0]
    rows = data.draw(hnp.arrays(np.int64, st.integers(1, 5), elements=st.integers(-n, n - 1)))
    _check_against_numpy(lambda t: t[rows], lambda a: a[rows], x)
    _check_against_numpy(lambda t: t[rows.tolist()], lambda a: a[rows], x)
    _check_against_numpy(lambda t: t[mg.tensor(rows)], lambda a: a[rows], x)


@given(data=st.data())
def test_getitem_with_integer_arrays_in_two_dims(data):
    x = data.draw(floats(shapes(min_dims=2)))
    rows, cols = (
        data.draw(hnp.arrays(np.int64, 3, elements=st.integers(0, n - 1))) for n in x.shape[:2]
    )
    _check_against_numpy(lambda t: t[rows, cols], lambda a: a[rows, cols], x)
    _check_against_numpy(lambda t: t[:, cols], lambda a: a[:, cols], x)


def test_getitem_with_a_repeated_index_accumulates_its_gradient():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 1]].sum().backward()
    assert x.grad.tolist() == [2.0, 1.0, 0.0]


@given(data=st.data())
def test_getitem_with_a_bool_mask(data):
    x = data.draw(floats(shapes(min_dims=1)))
    mask = data.draw(hnp.arrays(bool, x.shape))
    _check_against_numpy(lambda t: t[mg.tensor(mask)], lambda a: a[mask], x)
    row_mask = mask.reshape(x.shape[0], -1)[:, 0]
    _check_against_numpy(lambda t: t[row_mask], lambda a: a[row_mask], x)


@given(data=st.data())
def test_cat_along_any_dim(data):
    shape, dim = data.draw(shapes_and_dim())
    sizes = data.draw(st.lists(st.integers(1, MAX_SIDE), min_size=1, max_size=3))
    pieces = []
    for size in sizes:
        piece_shape = list(shape)
        piece_shape[dim] = size
        pieces.append(data.draw(floats(tuple(piece_shape))))
    out = mg.cat([mg.tensor(p) for p in pieces], dim=dim)
    np.testing.assert_array_equal(out.numpy(), np.concatenate(pieces, axis=dim))
    check_gradients(lambda *ts: mg.cat(ts, dim), *pieces)


@given(data=st.data())
def test_stack_along_any_dim(data):
    shape = data.draw(shapes())
    dim = data.draw(st.integers(-len(shape) - 1, len(shape)))
    pieces = data.draw(st.lists(floats(shape), min_size=1, max_size=3))
    out = mg.stack([mg.tensor(p) for p in pieces], dim=dim)
    np.testing.assert_array_equal(out.numpy(), np.stack(pieces, axis=dim))
    check_gradients(lambda *ts: mg.stack(ts, dim), *pieces)


@given(data=st.data())
def test_pad_counts_pairs_from_the_last_dim(data):
    x = data.draw(floats(shapes(min_dims=1)))
    padded_dims = data.draw(st.integers(1, x.ndim))
    widths = data.draw(
        st.lists(st.integers(0, 2), min_size=2 * padded_dims, max_size=2 * padded_dims)
    )
    value = data.draw(st.floats(-3, 3))
    numpy_widths = [(0, 0)] * (x.ndim - padded_dims) + [
        (widths[2 * k], widths[2 * k + 1]) for k in reversed(range(padded_dims))
    ]
    _check_against_numpy(
        lambda t: F.pad(t, widths, value=value),
        lambda a: np.pad(a, numpy_widths, constant_values=value),
        x,
    )


TWO_BY_THREE = mg.ones(2, 3)

# every one a ValueError naming the op and the shapes or dims it was given
BAD_SHAPES_AND_DIMS = {
    "reshape": (lambda: TWO_BY_THREE.reshape(4, 2), r"reshape: .*shape \(2, 3\) .*\(4, 2\)"),
    "view": (lambda: TWO_BY_THREE.view(-1, 4), r"reshape: .*\(2, 3\) \(6 elements\)"),
    "expand-size": (lambda: TWO_BY_THREE.expand(4, 3, 2), r"expand: .*\(2, 3\) to \(4, 3, 2\)"),
    "expand-rank": (lambda: TWO_BY_THREE.expand(3), r"expand: target shape \(3,\) has fewer"),
    "cat-shapes": (
        lambda: mg.cat([TWO_BY_THREE, mg.ones(2, 4)]),
        r"cat: .*dim 0, got \(2, 3\), \(2, 4\)",
    ),
    "cat-dim": (lambda: mg.cat([TWO_BY_THREE, TWO_BY_THREE], dim=2), "cat: dim 2 is out of range"),
    "cat-empty": (lambda: mg.cat([]), "cat: expected a non-empty list"),
    "stack": (
        lambda: mg.stack([TWO_BY_THREE, TWO_BY_THREE.T]),
        r"stack: .*same shape.*\(2, 3\).*\(3, 2\)",
    ),
    "flip": (lambda: TWO_BY_THREE.flip((0, 2)), r"flip: dim 2 is out of range .*\(2, 3\)"),
    "squeeze": (lambda: TWO_BY_THREE.squeeze(2), r"squeeze: dim 2 is out of range .*\(2, 3\)"),
    "unsqueeze": (lambda: TWO_BY_THREE.unsqueeze(3), "unsqueeze: dim 3 is out of range"),
    "transpose": (lambda: TWO_BY_THREE.transpose(0, 2), r"transpose: dim 2 .*\(2, 3\)"),
    "permute-repeated": (
        lambda: TWO_BY_THREE.permute(0, 0),
        r"permute: dims \(0, 0\) are not a perm",
    ),
    "permute-short": (
        lambda: TWO_BY_THREE.permute(0),
        "permute: .*not a permutation of the 2 dims",
    ),
    "flatten": (lambda: TWO_BY_THREE.flatten(1, 0), "flatten: start_dim 1 comes after"),
    "pad-odd": (lambda: F.pad(TWO_BY_THREE, (1, 1, 1)), "pad: expected an even number"),
    "pad-rank": (lambda: F.pad(TWO_BY_THREE, (1, 1, 1, 1, 1, 1)), "pad: .*at most 2 dims"),
    "pad-mode": (lambda: F.pad(TWO_BY_THREE, (1, 1), mode="symmetric"), "pad: mode must be one of"),
}


@pytest.mark.parametrize("name", BAD_SHAPES_AND_DIMS)
def test_bad_shapes_and_dims_raise_our_error(name):
    call, message = BAD_SHAPES_AND_DIMS[name]
    with pytest.raises(ValueError, match=message):
        call()


def test_index_out_of_range_names_the_shape():
    with pytest.raises(IndexError, match=r"getitem: .*\(tensor shape \(2, 3\)\)"):
        TWO_BY_THREE[2]


def test_float_tensor_as_index_raises():
    with pytest.raises(TypeError, match="getitem: .*integer or bool.*float32"):
        TWO_BY_THREE[mg.tensor([0.0])]
