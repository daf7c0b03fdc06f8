"""Datasets: anything that answers `len(ds)` and `ds[i]`, as in `torch.utils.data`.

A dataset only knows how to fetch ONE sample; batching, shuffling and moving to the device
are the loader's job (`minigrad.data.loader`). Keeping the two apart means a new dataset is
two short methods, and every dataset gets shuffling and batching for free.

    ds = TensorDataset(images, labels)           # one row of each array per sample
    train, val = random_split(ds, [0.8, 0.2])    # Subsets that share ds's arrays

An IterableDataset is the other kind: a stream, `iter(ds)`, for data that cannot be indexed.
"""

import numpy as np

from minigrad.data.split import split_indices, split_lengths
from minigrad.tensor import Tensor


class Dataset:
    """The interface: subclasses define `__getitem__(index)` and `__len__()`.
    `a + b` is the samples of a, then those of b (a ConcatDataset)."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index)")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__()")

    def __add__(self, other):
        # imported here, not at the top: combined.py builds on this file
        from minigrad.data.combined import ConcatDataset

        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A stream of samples: subclasses define `__iter__()` (and `__len__()` if they know it).

    For data that cannot be indexed: lines read from a file, samples generated on the fly.
    The DataLoader takes its samples in the order the stream gives them and batches them as
    they come, so there is no sampler and no shuffle. `a + b` streams a, then b (a
    ChainDataset).
    """

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__()")

    def __getitem__(self, index):
        raise TypeError(f"{type(self).__name__} is an IterableDataset: iterate over it, "
                        "it cannot be indexed")

    def __add__(self, other):
        from minigrad.data.combined import ChainDataset

        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Samples are rows: `ds[i]` is `(t[i] for t in tensors)`, e.g. `(image_i, label_i)`.

    Each of `tensors` is a minigrad Tensor or a numpy array (anything else is turned into a
    numpy array). They must agree in their first dimension, the number of samples.
    """

    def __init__(self, *tensors):
        if not tensors:
            raise ValueError("TensorDataset: needs at least one tensor or array")
        self.tensors = tuple(t if isinstance(t, Tensor) else np.asarray(t) for t in tensors)
        shapes = [tuple(t.shape) for t in self.tensors]
        if any(len(shape) == 0 for shape in shapes):
            raise ValueError(
                f"TensorDataset: every tensor needs a first dimension (one row per sample), "
                f"got shapes {shapes}"
            )
        if len({shape[0] for shape in shapes}) > 1:
            raise ValueError(
                "TensorDataset: all tensors need the same size in dim 0 (the number of "
                f"samples), got shapes {shapes}"
            )

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order (no data is copied)."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, index):
        return self.dataset[self.indices[index]]

    def __len__(self):
        return len(self.indices)


def random_split(dataset, lengths, generator=None):
    """Split `dataset` into non-overlapping random Subsets of the given lengths.

    `lengths` are sample counts that sum to `len(dataset)`, or fractions that sum to 1
    (`[0.8, 0.2]`); see `split_lengths` for how fractions are rounded. `generator` is a
    numpy Generator or an int seed; by default minigrad's seeded generator
    (`mg.manual_seed`) shuffles.
    """
    counts = split_lengths(len(dataset), lengths, op="random_split")
    return [Subset(dataset, rows.tolist()) for rows in split_indices(len(dataset), counts, generator)]


def _apply(transform, value):
    return value if transform is None else transform(value)


class TransformedDataset(Dataset):
    """`dataset` with `transform` applied to each sample's input and `target_transform` to
    its label, like the `transform=` arguments of torchvision's datasets.

    Samples are expected as (input, label) pairs; a sample that is not a tuple is the input.
    The transforms run at every fetch, so each epoch sees new random augmentations.
    """

    def __init__(self, dataset, transform=None, target_transform=None):
        self.dataset = dataset
        self.transform = transform
        self.target_transform = target_transform

    def __getitem__(self, index):
        sample = self.dataset[index]
        if not isinstance(sample, tuple):
            return _apply(self.transform, sample)
        inputs, *others = sample
        if others:
            others[0] = _apply(self.target_transform, others[0])
        return (_apply(self.transform, inputs), *others)

    def __len__(self):
        return len(self.dataset)
