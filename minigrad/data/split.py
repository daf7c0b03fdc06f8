"""Splitting data into training, validation and test sets.

The model learns from the training set, we choose hyper-parameters (learning rate, epochs)
on the validation set, and we report the test set exactly once at the end: a number measured
on data that guided any choice is optimistic. Splits are random (a file sorted by class would
otherwise put all the 9s in the test set) and, when asked, stratified: each split keeps the
class proportions of the whole.
"""

import math

import numpy as np

from minigrad.random import generator as global_generator


def as_generator(generator):
    """A numpy Generator from None (minigrad's seeded one), an int seed, or a Generator."""
    if generator is None:
        return global_generator()
    if isinstance(generator, np.random.Generator):
        return generator
    return np.random.default_rng(generator)


def split_lengths(n, lengths, op="split_lengths"):
    """Sample counts for each part of `n` samples, from counts or from fractions.

    Counts must sum to `n`. Fractions must sum to 1; each part gets floor(n * fraction) and
    the few samples left over go one each to the first parts, as in PyTorch's random_split,
    so that every sample lands in exactly one part.
    """
    lengths = list(lengths)
    if lengths and all(isinstance(k, (int, np.integer)) and not isinstance(k, bool) for k in lengths):
        if any(k < 0 for k in lengths) or sum(lengths) != n:
            raise ValueError(
                f"{op}: lengths {lengths} must be non-negative and sum to the dataset's "
                f"length {n}"
            )
        return [int(k) for k in lengths]
    if not lengths or any(not 0 <= f <= 1 for f in lengths) or not math.isclose(sum(lengths), 1):
        raise ValueError(
            f"{op}: lengths {lengths} must be sample counts summing to {n} or fractions in "
            "[0, 1] summing to 1"
        )
    counts = [math.floor(n * f) for f in lengths]
    for i in range(n - sum(counts)):
        counts[i % len(counts)] += 1
    return counts


def _cut(order, counts):
    ends = np.cumsum(counts)
    return [order[end - count : end] for count, end in zip(counts, ends)]


def split_indices(n, fractions, generator=None, stratify=None):
    """Random index arrays, one per fraction, that together hold 0..n-1 once each.

    With `stratify` (one class label per sample) every class is split by the same fractions
    on its own, so each part has (nearly) the class proportions of the whole.
    """
    rng = as_generator(generator)
    if stratify is None:
        return _cut(rng.permutation(n), split_lengths(n, fractions, op="split_indices"))
    labels = np.asarray(stratify)
    if labels.shape != (n,):
        raise ValueError(
            f"split_indices: stratify needs one label per sample, shape ({n},), got "
            f"shape {labels.shape}"
        )
    parts = [[] for _ in fractions]
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        counts = split_lengths(len(members), fractions, op="split_indices")
        for part, piece in zip(parts, _cut(members, counts)):
            part.append(piece)
    # mix the classes inside each part, so that it is not sorted by label
    return [rng.permutation(np.concatenate(part)) for part in parts]


def train_val_test_split(*arrays, val_fraction=0.15, test_fraction=0.15, generator=None,
                         stratify=None):
    """Split arrays (rows are samples) into training, validation and test parts.

        (x_train, y_train), (x_val, y_val), (x_test, y_test) = train_val_test_split(x, y)

    Given one array, each part is that array's rows rather than a 1-tuple. `generator` is an
    int seed or numpy Generator (default: minigrad's seeded generator); `stratify` takes the
    labels to keep class proportions in every part.
    """
    if not arrays:
        raise ValueError("train_val_test_split: needs at least one array")
    arrays = [np.asarray(a) for a in arrays]
    lengths = {a.shape[0] if a.ndim else None for a in arrays}
    if len(lengths) != 1 or None in lengths:
        raise ValueError(
            "train_val_test_split: arrays need the same number of rows (samples), got "
            f"shapes {[a.shape for a in arrays]}"
        )
    train_fraction = 1.0 - val_fraction - test_fraction
    if not (0 <= val_fraction < 1 and 0 <= test_fraction < 1 and train_fraction > 0):
        raise ValueError(
            f"train_val_test_split: val_fraction {val_fraction} and test_fraction "
            f"{test_fraction} must be in [0, 1) and leave some data for training"
        )
    parts = split_indices(
        len(arrays[0]), [train_fraction, val_fraction, test_fraction], generator, stratify
    )
    if len(arrays) == 1:
        return tuple(arrays[0][rows] for rows in parts)
    return tuple(tuple(a[rows] for a in arrays) for rows in parts)
