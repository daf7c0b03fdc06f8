"""Cross-validation: estimating how a model does on data it has not seen (seed 004 §3.3.2).

One train/validation split gives a noisy estimate that depends on which samples landed in
validation. k-fold cross-validation splits the data into k folds and trains k times, each time
validating on one fold and training on the other k - 1; every sample is validated on exactly
once, and the mean of the k scores is the estimate (their spread shows how much to trust
it). Leave-one-out is the extreme k = n: n trainings, each validated on one sample, the least
biased estimate and the most expensive one. Stratified k-fold keeps each class's share the same
in every fold, so a rare class is not missing from some folds by bad luck.
"""

import warnings

import numpy as np

from minigrad import random
from minigrad.metrics.inputs import as_numpy


class KFold:
    """Splits the sample indices into `n_splits` folds (sizes differ by at most one).

    `split(X)` yields (train_indices, validation_indices) once per fold. With shuffle=True the
    samples are permuted first, by a generator seeded with `random_state`, or else by
    minigrad's own (seeded by mg.manual_seed), so a seeded run splits the same way.
    """

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        if isinstance(n_splits, bool) or not isinstance(n_splits, int) or n_splits < 2:
            raise ValueError(
                f"{type(self).__name__}: n_splits must be an int ≥ 2, got {n_splits!r}")
        if random_state is not None and not shuffle:
            raise ValueError(
                f"{type(self).__name__}: random_state has no effect unless shuffle=True")
        self.n_splits, self.shuffle, self.random_state = n_splits, shuffle, random_state

    def get_n_splits(self, X=None, y=None):
        return self.n_splits

    def split(self, X, y=None):
        n = len(X)
        if self.n_splits > n:
            raise ValueError(f"KFold: cannot split {n} samples into {self.n_splits} folds")
        order = _generator(self.random_state).permutation(n) if self.shuffle else np.arange(n)
        sizes = np.full(self.n_splits, n // self.n_splits)
        sizes[: n % self.n_splits] += 1
        start = 0
        for size in sizes:
            validation = order[start : start + size]
            train = np.concatenate([order[:start], order[start + size :]])
            yield train, validation
            start += size


def _generator(random_state):
    """A generator seeded with random_state, or else minigrad's own (seeded by mg.manual_seed)."""
    return random.generator() if random_state is None else np.random.default_rng(random_state)


class StratifiedKFold(KFold):
    """k folds in which every class keeps (within one sample) its share of the whole data.

    scikit-learn's rule: sort the labels by class (classes in order of first appearance) and
    deal them out to the folds in turn, sample 0 to fold 0, 1 to fold 1, ...; this fixes how
    many samples of each class each fold gets. The samples of a class then fill their folds in
    index order, or in a random order with shuffle=True. Each fold is validated on once;
    indices come in increasing order. `split(X, y)` needs the labels y.
    """

    def split(self, X, y=None):
        if y is None:
            raise ValueError("StratifiedKFold: split(X, y) needs the labels y to stratify by")
        y = as_numpy(y).reshape(-1)
        if len(y) != len(X):
            raise ValueError(f"StratifiedKFold: X has {len(X)} samples but y has {len(y)} labels")
        _, first_index, class_of = np.unique(y, return_index=True, return_inverse=True)
        class_of = np.argsort(np.argsort(first_index))[class_of]  # numbered by first appearance
        class_sizes = np.bincount(class_of)
        if self.n_splits > class_sizes.max():
            raise ValueError(f"StratifiedKFold: n_splits={self.n_splits} is more than the "
                             f"{class_sizes.max()} samples of the largest class")
        if self.n_splits > class_sizes.min():
            warnings.warn(f"StratifiedKFold: the smallest class has {class_sizes.min()} samples, "
                          f"fewer than n_splits={self.n_splits}: some folds lack it",
                          stacklevel=2)
        dealt = np.sort(class_of)
        # per_fold[f, c]: the number of samples of class c that fold f validates on
        per_fold = np.stack([np.bincount(dealt[f :: self.n_splits], minlength=len(class_sizes))
                             for f in range(self.n_splits)])
        fold_of = np.empty(len(y), dtype=np.int64)
        generator = _generator(self.random_state) if self.shuffle else None
        for c in range(len(class_sizes)):
            folds = np.repeat(np.arange(self.n_splits), per_fold[:, c])
            fold_of[class_of == c] = generator.permutation(folds) if self.shuffle else folds
        for f in range(self.n_splits):
            yield np.flatnonzero(fold_of != f), np.flatnonzero(fold_of == f)


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
    `split(X, y)` method such as LeaveOneOut() or StratifiedKFold(5, shuffle=True).

    shuffle is on by default: data sets are often stored sorted by class, and folds cut from
    sorted data validate on classes that the training part barely contains.
    """
    X = X if hasattr(X, "shape") else np.asarray(X)
    y = y if hasattr(y, "shape") else np.asarray(y)
    splitter = k if hasattr(k, "split") else KFold(k, shuffle=shuffle, random_state=random_state)
    scores = [
        float(train_fn(X[train], y[train], X[validation], y[validation]))
        for train, validation in splitter.split(X, y)
    ]
    return np.array(scores)
