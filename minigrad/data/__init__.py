"""`minigrad.data`: datasets, loaders, augmentation and cleaning, as in `torch.utils.data`.

    dataset.py     Dataset, IterableDataset, TensorDataset, Subset, random_split,
                   TransformedDataset
    combined.py    ConcatDataset, ChainDataset, StackDataset: datasets made of datasets
    sampler.py     Sequential, Random, SubsetRandom, WeightedRandom and Batch samplers
    loader.py      DataLoader: shuffled mini-batches, moved to the device
    collate.py     default_collate: a list of samples -> one batch of tensors
    split.py       train / validation / test splits (optionally stratified)
    transforms.py  augmentation on numpy images: crop, flip, rotation, jitter, noise
    cleaning.py    missing values, outliers, min-max and z-score normalisation
"""

from minigrad.data import transforms  # noqa: F401
from minigrad.data.cleaning import (  # noqa: F401
    MinMaxScaler,
    StandardScaler,
    fill_missing,
    iqr_outliers,
    min_max_normalize,
    z_score_normalize,
    zscore_outliers,
)
from minigrad.data.collate import default_collate  # noqa: F401
from minigrad.data.combined import ChainDataset, ConcatDataset, StackDataset  # noqa: F401
from minigrad.data.dataset import (  # noqa: F401
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    TransformedDataset,
    random_split,
)
from minigrad.data.loader import DataLoader  # noqa: F401
from minigrad.data.sampler import (  # noqa: F401
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)
from minigrad.data.split import split_indices, split_lengths, train_val_test_split  # noqa: F401
