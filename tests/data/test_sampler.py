"""Samplers: index coverage, lengths, frequencies (a chi-square test at a fixed seed),
determinism under mg.manual_seed and a generator, and their errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad.data import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

# the 0.999 quantile of chi-square with 3 degrees of freedom: a correct sampler fails the
# test below at one seed in a thousand, and the seed is fixed
CHI2_3_DOF_999 = 16.27


def chi_square(counts, probabilities):
    expected = np.sum(counts) * np.asarray(probabilities)
    return float(np.sum((counts - expected) ** 2 / expected))


def test_sequential_sampler_counts_up():
    assert list(SequentialSampler(range(5))) == [0, 1, 2, 3, 4]
    assert len(SequentialSampler(range(5))) == 5


@given(n=st.integers(1, 30), seed=st.integers(0, 2**32 - 1))
def test_random_sampler_is_a_permutation_every_epoch(n, seed):
    sampler = RandomSampler(range(n), generator=seed)
    for _ in range(2):
        assert sorted(sampler) == list(range(n))
    assert len(sampler) == n


def test_random_sampler_with_more_samples_than_data_repeats_whole_permutations():
    drawn = list(RandomSampler(range(4), num_samples=10, generator=0))
    assert len(drawn) == 10
    assert sorted(drawn[:4]) == sorted(drawn[4:8]) == [0, 1, 2, 3]
    assert len(set(drawn[8:])) == 2


def test_random_sampler_with_replacement_draws_uniformly():
    drawn = list(RandomSampler(range(4), replacement=True, num_samples=4000, generator=1))
    counts = np.bincount(drawn, minlength=4)
    assert len(drawn) == 4000 and counts.sum() == 4000
    assert chi_square(counts, [0.25] * 4) < CHI2_3_DOF_999


def test_weighted_sampler_frequencies_follow_the_weights():
    weights = [1.0, 2.0, 3.0, 4.0]  # need not sum to 1
    drawn = list(WeightedRandomSampler(weights, num_samples=5000, generator=2))
    counts = np.bincount(drawn, minlength=4)
    assert chi_square(counts, np.array(weights) / 10) < CHI2_3_DOF_999
    # and not uniform: the same counts are far from the uniform distribution
    assert chi_square(counts, [0.25] * 4) > 100


def test_weighted_sampler_never_draws_a_zero_weight():
    drawn = list(WeightedRandomSampler([0.0, 1.0, 0.0, 1.0], num_samples=200, generator=3))
    assert set(drawn) == {1, 3}


def test_weighted_sampler_without_replacement_draws_each_index_once():
    drawn = list(WeightedRandomSampler([5.0, 1.0, 1.0, 0.5], 4, replacement=False, generator=4))
    assert sorted(drawn) == [0, 1, 2, 3]


def test_subset_random_sampler_permutes_only_its_indices():
    indices = [7, 3, 9, 12]
    sampler = SubsetRandomSampler(indices, generator=5)
    epochs = [list(sampler) for _ in range(3)]
    assert all(sorted(e) == sorted(indices) for e in epochs)
    assert len(sampler) == 4


@pytest.mark.parametrize("n, batch_size, drop_last, want", [
    (10, 3, False, [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]),
    (10, 3, True, [[0, 1, 2], [3, 4, 5], [6, 7, 8]]),
    (6, 3, True, [[0, 1, 2], [3, 4, 5]]),
    (0, 2, False, []),
])
def test_batch_sampler_cuts_the_order_into_lists(n, batch_size, drop_last, want):
    sampler = BatchSampler(SequentialSampler(range(n)), batch_size, drop_last)
    assert list(sampler) == want
    assert len(sampler) == len(want)


def make_samplers(generator):
    return [RandomSampler(range(20), generator=generator),
            RandomSampler(range(20), replacement=True, generator=generator),
            SubsetRandomSampler(list(range(0, 40, 2)), generator=generator),
            WeightedRandomSampler(np.arange(1.0, 21.0), 20, generator=generator)]


def test_samplers_without_generator_follow_manual_seed():
    mg.manual_seed(6)
    first = [list(s) for s in make_samplers(None)]
    mg.manual_seed(6)
    assert [list(s) for s in make_samplers(None)] == first


def test_samplers_with_a_seed_repeat_across_runs_and_change_between_epochs():
    a, b = make_samplers(7), make_samplers(7)
    for x, y in zip(a, b):
        first, second = list(x), list(x)
        assert first == list(y) and second == list(y)
        assert first != second


def test_random_order_is_drawn_when_iteration_starts():
    mg.manual_seed(8)
    batches = iter(BatchSampler(RandomSampler(range(20)), 20, False))
    mg.manual_seed(9)  # too late: the epoch's order was drawn by iter()
    order = next(batches)
    mg.manual_seed(8)
    assert order == list(RandomSampler(range(20)))


def test_sampler_base_class_says_what_a_subclass_must_define():
    class Nothing(Sampler):
        pass

    with pytest.raises(NotImplementedError, match="Nothing must define __iter__"):
        iter(Nothing())


@pytest.mark.parametrize("make, error, message", [
    (lambda: RandomSampler(range(3), replacement=1), TypeError, "replacement should be a bool"),
    (lambda: RandomSampler(range(3), num_samples=0), ValueError, "num_samples should be"),
    (lambda: RandomSampler(range(3), num_samples=2.0), ValueError, "num_samples should be"),
    (lambda: WeightedRandomSampler([1.0, 2.0], 0), ValueError, "num_samples should be"),
    (lambda: WeightedRandomSampler([1.0, 2.0], 2, replacement="yes"), ValueError,
     "replacement should be"),
    (lambda: WeightedRandomSampler([[1.0, 2.0]], 2), ValueError, r"1d sequence.*\(1, 2\)"),
    (lambda: WeightedRandomSampler([1.0, -2.0], 2), ValueError, "non-negative"),
    (lambda: WeightedRandomSampler([0.0, 0.0], 2), ValueError, "not all zero"),
    (lambda: WeightedRandomSampler([1.0, 0.0, 2.0], 3, replacement=False), ValueError,
     "cannot draw 3 samples without replacement from 2"),
    (lambda: BatchSampler(range(3), 0, False), ValueError, "batch_size should be"),
    (lambda: BatchSampler(range(3), True, False), ValueError, "batch_size should be"),
    (lambda: BatchSampler(range(3), 2, None), ValueError, "drop_last should be"),
])
def test_bad_sampler_arguments_are_refused(make, error, message):
    with pytest.raises(error, match=message):
        make()
