"""Samplers: which sample indices an epoch visits, and in what order (as in torch.utils.data).

The loader asks a sampler for indices and a batch sampler for lists of them; it never
decides the order itself. So one mechanism does all the shuffling:

    SequentialSampler(ds)                  0, 1, ..., N−1
    RandomSampler(ds)                      a random permutation (or, with replacement=True,
                                           num_samples uniform draws)
    SubsetRandomSampler(indices)           a random order of the given indices only
    WeightedRandomSampler(weights, n)      n draws, index i with probability wᵢ / Σw
                                           (over-sampling a rare class, for instance)
    BatchSampler(sampler, 32, drop_last)   the indices of another sampler in lists of 32

Randomness: `generator` is a numpy Generator, an int seed (made into a Generator once, so
successive epochs still differ) or None, which means minigrad's generator, read at the start
of every epoch: `mg.manual_seed` at the top of a script then fixes every epoch's order.

Each random sampler draws all of an epoch's indices when its iteration starts (`iter()`),
not lazily at the first `next()`, so what else draws numbers meanwhile cannot change them.
"""

import itertools

import numpy as np

from minigrad.data.split import as_generator


def _check_positive_int(owner, name, value):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{owner}: {name} should be a positive integer value, got {value!r}")


def _check_bool(owner, name, value, error=ValueError):
    if not isinstance(value, bool):
        raise error(f"{owner}: {name} should be a boolean value, got {value!r}")


def _stateful(generator):
    """None stays None (minigrad's generator, looked up each epoch); anything else becomes
    a numpy Generator now, which then advances from epoch to epoch."""
    return None if generator is None else as_generator(generator)


class Sampler:
    """The interface: `__iter__` yields indices (or, for a batch sampler, lists of them);
    `__len__` says how many, where that is known."""

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__()")


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) − 1, in order."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random order of data_source's indices.

    Without replacement each epoch is a permutation of 0..N−1; a num_samples above N takes
    whole permutations one after another and then the start of one more. With replacement,
    num_samples (default N) independent uniform draws, so some indices repeat and others
    are missed.
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        _check_bool("RandomSampler", "replacement", replacement, TypeError)  # as torch
        if num_samples is not None:
            _check_positive_int("RandomSampler", "num_samples", num_samples)
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = _stateful(generator)

    @property
    def num_samples(self):
        # the dataset's length is read at each epoch: it may change between epochs
        return len(self.data_source) if self._num_samples is None else int(self._num_samples)

    def __iter__(self):
        rng, n, count = as_generator(self.generator), len(self.data_source), self.num_samples
        if self.replacement:
            return iter(rng.integers(0, n, size=count).tolist())
        whole, rest = divmod(count, n) if n else (0, 0)
        orders = [rng.permutation(n) for _ in range(whole)]
        if rest:  # drawn only when needed: an epoch of N samples takes one permutation
            orders.append(rng.permutation(n)[:rest])
        return iter(np.concatenate(orders).tolist() if orders else [])

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices, in a new random order every epoch."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = _stateful(generator)

    def __iter__(self):
        order = as_generator(self.generator).permutation(len(self.indices))
        return iter([self.indices[i] for i in order.tolist()])

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """num_samples indices, each i drawn with probability weights[i] / sum(weights).

    The weights need not sum to 1. With replacement=False an index is drawn at most once
    (each next draw renormalises over those left), so num_samples may not exceed the
    number of nonzero weights.
    """

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        _check_positive_int("WeightedRandomSampler", "num_samples", num_samples)
        _check_bool("WeightedRandomSampler", "replacement", replacement)
        weights = np.asarray(weights, dtype=np.float64)
        if weights.ndim != 1:
            raise ValueError(
                "WeightedRandomSampler: weights should be a 1d sequence, got weights of shape "
                f"{weights.shape}"
            )
        if not (np.all(np.isfinite(weights)) and np.all(weights >= 0) and weights.sum() > 0):
            raise ValueError(
                "WeightedRandomSampler: weights must be finite, non-negative and not all zero"
            )
        if not replacement and num_samples > np.count_nonzero(weights):
            raise ValueError(
                f"WeightedRandomSampler: cannot draw {num_samples} samples without "
                f"replacement from {np.count_nonzero(weights)} nonzero weights"
            )
        self.weights = weights
        self.num_samples = int(num_samples)
        self.replacement = replacement
        self.generator = _stateful(generator)

    def __iter__(self):
        rng = as_generator(self.generator)
        drawn = rng.choice(len(self.weights), size=self.num_samples, replace=self.replacement,
                           p=self.weights / self.weights.sum())
        return iter(drawn.tolist())

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """The indices of `sampler` (any iterable of indices) in lists of batch_size; with
    drop_last the last, shorter list is left out."""

    def __init__(self, sampler, batch_size, drop_last):
        _check_positive_int("BatchSampler", "batch_size", batch_size)
        _check_bool("BatchSampler", "drop_last", drop_last)
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def __iter__(self):
        # iter(sampler) now, so a random sampler draws its order when the epoch starts
        return self._batches(iter(self.sampler))

    def _batches(self, indices):
        while batch := list(itertools.islice(indices, self.batch_size)):
            if len(batch) < self.batch_size and self.drop_last:
                return
            yield batch

    def __len__(self):
        full, rest = divmod(len(self.sampler), self.batch_size)
        return full + (1 if rest and not self.drop_last else 0)
