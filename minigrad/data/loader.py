"""`DataLoader`: a dataset served as shuffled mini-batches on the right device.

One epoch visits every sample exactly once: a sampler (minigrad.data.sampler) gives the
order of 0..N-1 (a random permutation when `shuffle=True`), a BatchSampler cuts it into
lists of `batch_size`, and the loader fetches the samples of each list and collates them
into a batch of tensors.

    loader = DataLoader(TensorDataset(images, labels), batch_size=32, shuffle=True,
                        seed=0, device="cuda")
    for epoch in range(epochs):
        for x, y in loader:        # x: (32, 1, 8, 8) float32, y: (32,) int64, on the GPU
            ...

As in PyTorch, `sampler=` replaces the order (e.g. a WeightedRandomSampler that over-samples
a rare class) and `batch_sampler=` the whole cutting into batches. An IterableDataset has
neither: its stream is batched in the order it comes.

Randomness: the shuffle is a RandomSampler drawing from `generator` (a numpy Generator or an
int seed), or, without one, from minigrad's generator, so `mg.manual_seed` at the top of a
script makes every run the same. With `seed` (minigrad's own option), epoch k is shuffled
by a generator made from (seed, k) alone, so epoch 7 has the same order whether or not
epochs 0..6 ran before it in this process.

Device: the loader is the one place where data crosses to the GPU (see STYLE.md). Batches
come out on `device` (default: the MINIGRAD_DEVICE environment variable, 'cpu' unless set),
so the training loop never calls `.to()` on data.

Speed: for a TensorDataset (or a Subset of one, as random_split makes) a batch is cut from
each array with one fancy-index, instead of fetching the samples one by one in Python and
stacking them. The result is the same batch.
"""

import numpy as np

from minigrad.backend import array_module, normalize_device
from minigrad.data.collate import batch_tensor, default_collate
from minigrad.data.dataset import IterableDataset, Subset, TensorDataset
from minigrad.data.sampler import BatchSampler, RandomSampler, SequentialSampler
from minigrad.tensor import Tensor


def _rows_of_arrays(dataset):
    """(arrays, rows) when each sample i of `dataset` is row rows[i] of every array, i.e. a
    TensorDataset seen through any number of Subsets; None for any other dataset."""
    rows = np.arange(len(dataset))
    while isinstance(dataset, Subset):
        rows = np.asarray(dataset.indices, dtype=np.int64)[rows]
        dataset = dataset.dataset
    if type(dataset) is not TensorDataset:
        return None
    return [t.data if isinstance(t, Tensor) else t for t in dataset.tensors], rows


def _move(batch, device):
    """Every tensor inside the batch (a tensor, or tuples/lists/dicts of them) on `device`."""
    if isinstance(batch, Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        return {key: _move(value, device) for key, value in batch.items()}
    if isinstance(batch, (tuple, list)):
        return type(batch)(_move(item, device) for item in batch)
    return batch


class DataLoader:
    """Mini-batches of `dataset`; see the module docstring. Argument names are PyTorch's."""

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 *, collate_fn=None, drop_last=False, generator=None, seed=None, device=None):
        is_int = isinstance(batch_size, (int, np.integer)) and not isinstance(batch_size, bool)
        if not is_int or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        _check_exclusive_options(dataset, batch_size, shuffle, sampler, batch_sampler,
                                 drop_last, generator, seed)
        self.dataset = dataset
        self.batch_size = None if batch_sampler is not None else int(batch_size)
        self.drop_last = drop_last
        self.collate_fn = collate_fn
        self.generator = generator
        self.seed = seed
        self.device = normalize_device(device)
        self._epoch = 0
        self._iterable = isinstance(dataset, IterableDataset)
        if not self._iterable:
            if sampler is None:
                sampler = (RandomSampler(dataset, generator=generator) if shuffle
                           else SequentialSampler(dataset))
            if batch_sampler is None:
                batch_sampler = BatchSampler(sampler, int(batch_size), drop_last)
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        # a custom collate_fn must see the samples themselves, so only the default one may
        # take the sliced-arrays shortcut
        self._rows_of_arrays = (
            _rows_of_arrays(dataset) if collate_fn is None and not self._iterable else None
        )

    def _stream_chunks(self):
        """A stream's samples in lists of batch_size: BatchSampler's cutting works on any
        iterable, samples as well as indices."""
        return BatchSampler(self.dataset, self.batch_size, self.drop_last)

    def __len__(self):
        """The number of batches in one epoch (for a stream, if it knows its length)."""
        return len(self._stream_chunks() if self._iterable else self.batch_sampler)

    def _fetch(self, indices):
        if self._rows_of_arrays is not None:
            arrays, rows = self._rows_of_arrays
            picked = rows[indices]
            return tuple(batch_tensor(a[array_module(a).asarray(picked)]) for a in arrays)
        return self._collate([self.dataset[int(i)] for i in indices])

    def _collate(self, samples):
        return (self.collate_fn or default_collate)(samples)

    def __iter__(self):
        if self._iterable:
            return self._stream_batches()
        if self.seed is not None:  # this epoch's order depends on (seed, epoch) alone
            self.sampler.generator = np.random.default_rng([self.seed, self._epoch])
        self._epoch += 1
        # iter() draws the epoch's order now, when the epoch starts, not at the first batch
        return self._batches(iter(self.batch_sampler))

    def _batches(self, index_lists):
        for indices in index_lists:
            yield _move(self._fetch(indices), self.device)

    def _stream_batches(self):
        for samples in self._stream_chunks():
            yield _move(self._collate(samples), self.device)


def _check_exclusive_options(dataset, batch_size, shuffle, sampler, batch_sampler, drop_last,
                             generator, seed):
    """PyTorch's rules for which options go together (and where minigrad's seed fits)."""
    if isinstance(dataset, IterableDataset):
        for name, value in (("shuffle", shuffle if shuffle else None), ("sampler", sampler),
                            ("batch_sampler", batch_sampler)):
            if value is not None:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified {name} option, but "
                    f"got {name}={value!r}; a stream is read in its own order"
                )
    if sampler is not None and shuffle:
        raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
    if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None
                                      or drop_last):
        raise ValueError(
            "DataLoader: batch_sampler option is mutually exclusive with batch_size, shuffle, "
            "sampler, and drop_last"
        )
    if seed is not None and (generator is not None or not shuffle):
        raise ValueError(
            "DataLoader: seed steers the shuffle that shuffle=True makes (a fresh generator "
            "per epoch); it goes with neither generator= nor a sampler of your own"
        )
