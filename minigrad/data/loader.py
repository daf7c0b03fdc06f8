"""`DataLoader`: a dataset served as shuffled mini-batches on the right device.

One epoch visits every sample exactly once: the loader draws an order of 0..N-1 (a random
permutation when `shuffle=True`), cuts it into runs of `batch_size`, fetches the samples of
each run and collates them into a batch of tensors.

    loader = DataLoader(TensorDataset(images, labels), batch_size=32, shuffle=True,
                        seed=0, device="cuda")
    for epoch in range(epochs):
        for x, y in loader:        # x: (32, 1, 8, 8) float32, y: (32,) int64, on the GPU
            ...

Randomness: without `seed` the order comes from minigrad's generator, so `mg.manual_seed`
at the top of a script makes every run the same. With `seed`, epoch k is shuffled by a
generator made from (seed, k) alone, so epoch 7 has the same order whether or not epochs
0..6 ran before it in this process.

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
from minigrad.data.dataset import Subset, TensorDataset
from minigrad.random import generator as global_generator
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

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, collate_fn=None,
                 seed=None, device=None):
        is_int = isinstance(batch_size, (int, np.integer)) and not isinstance(batch_size, bool)
        if not is_int or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.collate_fn = collate_fn
        self.seed = seed
        self.device = normalize_device(device)
        self._epoch = 0
        # a custom collate_fn must see the samples themselves, so only the default one may
        # take the sliced-arrays shortcut
        self._rows_of_arrays = _rows_of_arrays(dataset) if collate_fn is None else None

    def __len__(self):
        """The number of batches in one epoch."""
        full, rest = divmod(len(self.dataset), self.batch_size)
        return full + (1 if rest and not self.drop_last else 0)

    def _order(self):
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        if self.seed is None:
            return global_generator().permutation(n)
        return np.random.default_rng([self.seed, self._epoch]).permutation(n)

    def _fetch(self, indices):
        if self._rows_of_arrays is not None:
            arrays, rows = self._rows_of_arrays
            picked = rows[indices]
            return tuple(batch_tensor(a[array_module(a).asarray(picked)]) for a in arrays)
        samples = [self.dataset[int(i)] for i in indices]
        return (self.collate_fn or default_collate)(samples)

    def __iter__(self):
        # the order is drawn here, when the epoch starts, not lazily at the first batch
        order = self._order()
        self._epoch += 1
        return self._batches(order)

    def _batches(self, order):
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            yield _move(self._fetch(order[start : start + self.batch_size]), self.device)
