"""Datasets made of other datasets, as in torch.utils.data.

    ConcatDataset([a, b])      a's samples, then b's: len(a) + len(b) of them (also `a + b`)
    ChainDataset([s, t])       the stream s, then the stream t (IterableDatasets; also `s + t`)
    StackDataset(x, y)         sample i is (x[i], y[i]); StackDataset(image=x, label=y) gives
                               {"image": x[i], "label": y[i]}: parallel datasets side by side
"""

import bisect
import itertools

from minigrad.data.dataset import Dataset, IterableDataset


class ConcatDataset(Dataset):
    """The samples of several map-style datasets one after another."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: datasets should not be an empty iterable")
        for dataset in self.datasets:
            if isinstance(dataset, IterableDataset):
                raise TypeError(
                    f"ConcatDataset: does not support IterableDataset ({type(dataset).__name__}); "
                    "chain streams with ChainDataset"
                )
        # cumulative_sizes[k] = the number of samples in datasets 0..k
        self.cumulative_sizes = list(itertools.accumulate(len(d) for d in self.datasets))

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, index):
        if not -len(self) <= index < len(self):
            raise IndexError(
                f"ConcatDataset: index {index} is out of range for {len(self)} samples"
            )
        if index < 0:
            index += len(self)
        which = bisect.bisect_right(self.cumulative_sizes, index)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][index - start]


class ChainDataset(IterableDataset):
    """Several IterableDatasets streamed one after another (the stream analogue of
    ConcatDataset); nothing is read until it is iterated."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        for dataset in self.datasets:
            if not isinstance(dataset, IterableDataset):
                raise TypeError(
                    f"ChainDataset: only supports IterableDataset, got {type(dataset).__name__}; "
                    "join map-style datasets with ConcatDataset"
                )

    def __iter__(self):
        return itertools.chain.from_iterable(self.datasets)

    def __len__(self):
        return sum(len(dataset) for dataset in self.datasets)


class StackDataset(Dataset):
    """Sample i is a tuple of each dataset's sample i (datasets given by position) or a dict
    of them (given by name)."""

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise ValueError(
                "StackDataset: give datasets by position (tuple samples) or by name (dict "
                "samples), not both"
            )
        if not (args or kwargs):
            raise ValueError("StackDataset: at least one dataset should be passed")
        self.datasets = args or kwargs
        named = kwargs or {str(i): d for i, d in enumerate(args)}
        lengths = {name: len(dataset) for name, dataset in named.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"StackDataset: size mismatch between datasets, lengths {lengths}")
        self._length = next(iter(lengths.values()))

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {name: dataset[index] for name, dataset in self.datasets.items()}
        return tuple(dataset[index] for dataset in self.datasets)

    def __len__(self):
        return self._length
