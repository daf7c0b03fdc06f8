"""Cross-validation: estimating how a model does on data it has not seen (seed 004 §3.3.2).

One train/validation split gives a noisy estimate that depends on which samples landed in
validation. k-fold cross-validation splits the data into k folds and trains k times, each time
validating on one fold and training on the other k - 1; every sample is validated on exactly
once, and the mean of the k scores is the estimate (their spread shows how much to trust
it). Leave-one-out is the extreme k = n: n trainings, each validated on one sample, the least
biased estimate and the most expensive one.
"""

import numpy as np

from minigrad import random


class KFold:
    """Splits the sample indices into `n_splits` folds (sizes differ by at most one).

    `split(X)` yields (train_indices, validation_indices) once per fold. With shuffle=True the
    samples are permuted first, by a generator seeded with `random_state`, or else by
    minigrad's own (seeded by mg.manual_seed), so a seeded run splits the same way.
    """

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        if isinstance(n_splits, bool) or not isinstance(n_splits, int) or n_splits < 2:
            raise ValueError(f"KFold: n_splits must be an int ≥ 2, got {n_splits!r}")
        if random_state is not None and not shuffle:
            raise ValueError("KFold: random_state has no effect unless shuffle=True")
        self.n_splits, self.shuffle, self.random_state = n_splits, shuffle, random_state

    def get_n_splits(self, X=None, y=None):
        return self.n_splits

    def split(self, X, y=None):
        n = len(X)
        if self.n_splits > n:
            raise ValueError(f"KFold: cannot split {n} samples into {self.n_splits} folds")
        order = np.arange(n)
        if self.shuffle:
            generator = random.generator() if self.random_state is None else \
                np.random.default_rng(self.random_state)
            order = generator.permutation(n)
        sizes = np.full(self.n_splits, n // self.n_splits)
        sizes[: n % self.n_splits] += 1
        start = 0
        for size in sizes:
            validation = order[start : start + size]
            train = np.concatenate([order[:start], order[start + size :]])
            yield train, validation
            start += size


class LeaveOneOut:
    """Each sample is the validation set once, alone: k-fold with k = the number of samples."""

    def get_n_splits(self, X, y=None):
        return len(X)

    def split(self, X, y=None):
        return KFold(len(X)).split(X)


def cross_validate(train_fn, X, y, k=5, *, shuffle=True, random_state=None):
    """The validation score of each fold, as a numpy array (its mean is the estimate).

    train_fn(X_train, y_train, X_val, y_val) trains a fresh model on the training part and
    returns its score (a number) on the validation part. X and y are Tensors or numpy arrays
    indexed along their first dim. k is the number of folds, or a splitter with a
    `split(X)` method such as LeaveOneOut().

    shuffle is on by default: data sets are often stored sorted by class, and folds cut from
    sorted data validate on classes that the training part barely contains.
    """
    X = X if hasattr(X, "shape") else np.asarray(X)
    y = y if hasattr(y, "shape") else np.asarray(y)
    splitter = k if hasattr(k, "split") else KFold(k, shuffle=shuffle, random_state=random_state)
    scores = [
        float(train_fn(X[train], y[train], X[validation], y[validation]))
        for train, validation in splitter.split(X)
    ]
    return np.array(scores)
