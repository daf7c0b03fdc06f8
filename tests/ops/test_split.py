"""Pieces along a dim (narrow, split, chunk, unbind): the pieces against numpy's, and the
gradient of all pieces used together against finite differences."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from tests.gradients import check_gradients
from tests.strategies import floats, shapes_and_dim


def _weighted_sum_of(pieces):
    """One output that uses every piece differently, so a misplaced gradient shows."""
    return mg.cat([p.reshape(-1) * (k + 1) for k, p in enumerate(pieces)])


@given(data=st.data())
def test_split_by_size_and_by_sections_and_chunk(data):
    shape, dim = data.draw(shapes_and_dim())
    x = data.draw(floats(shape))
    size = shape[dim]
    step = data.draw(st.integers(1, 4))
    cuts = list(range(step, size, step))
    for pieces in (mg.split(mg.tensor(x), step, dim), mg.tensor(x).chunk(-(-size // step), dim)):
        expected = np.split(x, cuts, axis=dim)
        assert len(pieces) == len(expected)
        for piece, part in zip(pieces, expected):
            np.testing.assert_array_equal(piece.numpy(), part)
    sections = data.draw(st.lists(st.integers(0, size), min_size=1, max_size=3))
    sections = sections[:-1] + [size - sum(sections[:-1])] if sum(sections[:-1]) <= size else [size]
    pieces = mg.tensor(x).split(sections, dim)
    for piece, part in zip(pieces, np.split(x, np.cumsum(sections)[:-1], axis=dim)):
        np.testing.assert_array_equal(piece.numpy(), part)
    check_gradients(lambda t: _weighted_sum_of(t.split(step, dim)), x)


def test_chunk_gives_at_most_chunks_pieces_of_ceil_size():
    x = mg.arange(5)
    assert [p.tolist() for p in x.chunk(3)] == [[0, 1], [2, 3], [4]]
    assert [p.tolist() for p in mg.arange(6).chunk(4)] == [[0, 1], [2, 3], [4, 5]]


@given(data=st.data())
def test_unbind_and_narrow(data):
    shape, dim = data.draw(shapes_and_dim())
    x = data.draw(floats(shape))
    pieces = mg.tensor(x).unbind(dim)
    assert len(pieces) == shape[dim]
    for k, piece in enumerate(pieces):
        np.testing.assert_array_equal(piece.numpy(), np.take(x, k, axis=dim))
    start = data.draw(st.integers(0, shape[dim]))
    length = data.draw(st.integers(0, shape[dim] - start))
    narrowed = mg.narrow(mg.tensor(x), dim, start, length)
    np.testing.assert_array_equal(
        narrowed.numpy(), np.take(x, range(start, start + length), axis=dim)
    )
    check_gradients(lambda t: _weighted_sum_of(t.unbind(dim)), x)
    check_gradients(lambda t: t.narrow(dim, start, length), x)


def test_pieces_keep_float32():
    x = mg.ones(4, 2, requires_grad=True)
    for pieces in (x.split(3), x.split([1, 3]), x.chunk(2), x.unbind(1), (x.narrow(0, 1, 2),)):
        assert all(p.dtype == mg.float32 for p in pieces)


X = mg.zeros(4, 2)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: X.split([1, 2]), ValueError, r"split: sizes \[1, 2\] must .* add up to 4"),
        (lambda: X.split(0), ValueError, "split: split_size must be positive"),
        (lambda: X.chunk(0), ValueError, "chunk: chunks must be positive"),
        (lambda: X.unbind(2), ValueError, "unbind: dim 2 is out of range"),
        (lambda: X.narrow(0, 3, 2), ValueError, "narrow: start 3 . length 2 exceeds"),
        (lambda: X.narrow(0, 5, 0), IndexError, "narrow: start 5 is out of range"),
    ],
)
def test_split_errors_name_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()
