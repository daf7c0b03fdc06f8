"""unique, unique_consecutive, bincount, histc, searchsorted, bucketize and argwhere: values
against numpy and itertools (PyTorch's in test_torch_shapes.py), int64 results, errors that
name the op."""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg
from tests.strategies import shapes


def small_ints(shape_strategy=None):
    return hnp.arrays(np.int64, shapes(min_dims=1) if shape_strategy is None else shape_strategy, elements=st.integers(0, 3))


@given(x=small_ints())
def test_unique_is_numpys_with_inverse_and_counts(x):
    values, inverse, counts = mg.unique(mg.tensor(x), return_inverse=True, return_counts=True)
    expected, expected_counts = np.unique(x, return_counts=True)
    np.testing.assert_array_equal(values.numpy(), expected)
    np.testing.assert_array_equal(counts.numpy(), expected_counts)
    np.testing.assert_array_equal(values.numpy()[inverse.numpy()], x)  # inverse rebuilds x
    assert inverse.shape == x.shape and inverse.dtype == counts.dtype == mg.int64


@given(x=small_ints(shapes(min_dims=2)))
def test_unique_along_a_dim_keeps_distinct_slices(x):
    values, inverse = mg.tensor(x).unique(dim=1, return_inverse=True)
    np.testing.assert_array_equal(values.numpy(), np.unique(x, axis=1))
    np.testing.assert_array_equal(values.numpy()[:, inverse.numpy()], x)


@given(x=small_ints(shapes(min_dims=1).filter(lambda s: len(s) == 1)))
def test_unique_consecutive_collapses_runs(x):
    runs = [(value, len(list(group))) for value, group in itertools.groupby(x.tolist())]
    values, inverse, counts = mg.unique_consecutive(
        mg.tensor(x), return_inverse=True, return_counts=True
    )
    assert values.tolist() == [v for v, _ in runs] and counts.tolist() == [n for _, n in runs]
    np.testing.assert_array_equal(values.numpy()[inverse.numpy()], x)


@given(x=small_ints(shapes(min_dims=2)))
def test_unique_consecutive_along_a_dim(x):
    slices = [tuple(x[:, j].tolist()) for j in range(x.shape[1])]
    kept = [key for key, _ in itertools.groupby(slices)]
    values = mg.tensor(x).unique_consecutive(dim=1)
    assert [tuple(values.numpy()[:, j].tolist()) for j in range(values.shape[1])] == kept


@given(x=hnp.arrays(np.int64, st.integers(0, 6), elements=st.integers(0, 5)),
       minlength=st.integers(0, 8))
def test_bincount_is_numpys_with_and_without_weights(x, minlength):
    weights = np.linspace(0.5, 1.5, x.size).astype(np.float32)
    counts = mg.bincount(mg.tensor(x), minlength=minlength)
    assert counts.dtype == mg.int64
    np.testing.assert_array_equal(counts.numpy(), np.bincount(x, minlength=minlength))
    weighted = mg.tensor(x).bincount(mg.tensor(weights), minlength)
    assert weighted.dtype == mg.float32
    np.testing.assert_allclose(weighted.numpy(), np.bincount(x, weights, minlength), rtol=1e-6)


@given(x=hnp.arrays(np.float32, st.integers(1, 12), elements=st.integers(-8, 8).map(float)),
       bins=st.integers(1, 6))
def test_histc_is_numpys_histogram_over_the_range(x, bins):
    counts = mg.histc(mg.tensor(x), bins, -4, 4)
    expected, _ = np.histogram(x, bins, range=(-4, 4))  # outside values ignored, last bin closed
    assert counts.dtype == mg.float32
    np.testing.assert_array_equal(counts.numpy(), expected)
    low, high = float(x.min()), float(x.max())
    own_range = (low, high) if low < high else (low - 1, high + 1)
    np.testing.assert_array_equal(mg.tensor(x).histc(bins).numpy(), np.histogram(x, bins, own_range)[0])


@given(sequence=hnp.arrays(np.float64, st.integers(0, 6), elements=st.integers(-3, 3).map(float)),
       values=hnp.arrays(np.float64, (2, 3), elements=st.integers(-4, 4).map(float)),
       right=st.booleans())
def test_searchsorted_and_bucketize_are_numpys(sequence, values, right):
    sequence = np.sort(sequence)
    side = "right" if right else "left"
    expected = np.searchsorted(sequence, values, side=side)
    found = mg.searchsorted(mg.tensor(sequence), mg.tensor(values), right=right)
    assert found.dtype == mg.int64
    np.testing.assert_array_equal(found.numpy(), expected)
    np.testing.assert_array_equal(
        mg.searchsorted(mg.tensor(sequence), mg.tensor(values), side=side, out_int32=True).numpy(),
        expected,
    )
    batched = mg.searchsorted(mg.tensor(np.tile(sequence, (2, 1))), mg.tensor(values), side=side)
    np.testing.assert_array_equal(batched.numpy(), expected)
    np.testing.assert_array_equal(
        mg.bucketize(mg.tensor(values), mg.tensor(sequence), right=right).numpy(), expected
    )


def test_searchsorted_takes_a_sorter_and_a_number():
    sequence, sorter = mg.tensor([5.0, 1.0, 3.0]), mg.tensor(np.array([1, 2, 0]))
    assert mg.searchsorted(sequence, mg.tensor([2.0, 6.0]), sorter=sorter).tolist() == [1, 3]
    assert mg.searchsorted(mg.tensor([1.0, 3.0]), 2.0).item() == 1


@given(x=hnp.arrays(np.float64, shapes(), elements=st.sampled_from([0.0, 1.5])))
def test_argwhere_is_numpys(x):
    expected = np.argwhere(x) if x.ndim else np.zeros((int(x != 0), 0))  # as PyTorch for 0-d
    np.testing.assert_array_equal(mg.argwhere(mg.tensor(x)).numpy(), expected)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: mg.unique(mg.zeros(2), dim=1), ValueError, "unique: dim 1 is out of range"),
        (lambda: mg.bincount(mg.zeros(3)), ValueError, "bincount: expected a 1-D integer tensor, got dtype float32"),
        (lambda: mg.bincount(mg.tensor(np.array([-1]))), ValueError, "bincount: values must be non-negative"),
        (lambda: mg.bincount(mg.tensor(np.array([1])), mg.ones(2)), ValueError, r"bincount: weights of shape \(2,\)"),
        (lambda: mg.histc(mg.arange(3)), TypeError, "histc: expected a floating-point tensor"),
        (lambda: mg.histc(mg.ones(3), bins=0), ValueError, "histc: bins must be positive"),
        (lambda: mg.histc(mg.ones(3), min=2, max=1), ValueError, "histc: min 2 is larger than max 1"),
        (lambda: mg.searchsorted(mg.ones(3), mg.ones(2), side="middle"), ValueError, "searchsorted: side must be"),
        (lambda: mg.searchsorted(mg.ones(3), mg.ones(2), right=True, side="left"), ValueError, "searchsorted: side='left' and right=True"),
        (lambda: mg.searchsorted(mg.ones(2, 3), mg.ones(3, 2)), ValueError, "searchsorted: the leading dims"),
        (lambda: mg.bucketize(mg.ones(2), mg.ones(2, 2)), ValueError, r"bucketize: boundaries must be 1-D, got shape \(2, 2\)"),
    ],
)
def test_counting_errors_name_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()
