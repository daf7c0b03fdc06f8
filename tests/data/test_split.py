import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minigrad.data import split_indices, split_lengths, train_val_test_split


@given(n=st.integers(0, 200), fractions=st.lists(st.integers(1, 10), min_size=1, max_size=5))
def test_split_lengths_of_fractions_cover_every_sample_once(n, fractions):
    fractions = [f / sum(fractions) for f in fractions]
    counts = split_lengths(n, fractions)
    assert sum(counts) == n
    assert all(abs(c - n * f) < len(fractions) for c, f in zip(counts, fractions))


def test_split_lengths_takes_counts_as_they_are():
    assert split_lengths(7, [3, 4]) == [3, 4]


@given(n=st.integers(1, 120), seed=st.integers(0, 2**31))
def test_split_indices_partition_0_to_n(n, seed):
    parts = split_indices(n, [0.6, 0.25, 0.15], generator=seed)
    assert sorted(np.concatenate(parts).tolist()) == list(range(n))


def test_stratified_split_keeps_class_proportions():
    labels = np.array([0] * 80 + [1] * 20)
    train, test = split_indices(100, [0.75, 0.25], generator=0, stratify=labels)
    assert np.bincount(labels[test]).tolist() == [20, 5]
    assert np.bincount(labels[train]).tolist() == [60, 15]
    # mixed, not sorted by class
    assert not np.all(np.diff(labels[train]) >= 0)


def test_stratify_needs_one_label_per_sample():
    with pytest.raises(ValueError, match=r"stratify.*\(10,\)"):
        split_indices(10, [0.5, 0.5], stratify=np.zeros(9))


def test_train_val_test_split_returns_matching_disjoint_parts():
    x = np.arange(100).reshape(50, 2)
    y = np.arange(50)
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = train_val_test_split(
        x, y, val_fraction=0.2, test_fraction=0.1, generator=0
    )
    assert (len(y_train), len(y_val), len(y_test)) == (35, 10, 5)
    for xs, ys in [(x_train, y_train), (x_val, y_val), (x_test, y_test)]:
        np.testing.assert_array_equal(xs[:, 0], 2 * ys)
    assert sorted(np.concatenate([y_train, y_val, y_test]).tolist()) == list(range(50))


def test_train_val_test_split_of_one_array_returns_arrays():
    train, val, test = train_val_test_split(np.arange(20), generator=0)
    assert isinstance(train, np.ndarray) and len(train) + len(val) + len(test) == 20


def test_train_val_test_split_rejects_bad_fractions_and_ragged_arrays():
    with pytest.raises(ValueError, match="leave some data for training"):
        train_val_test_split(np.arange(10), val_fraction=0.5, test_fraction=0.5)
    with pytest.raises(ValueError, match="same number of rows"):
        train_val_test_split(np.arange(10), np.arange(9))
