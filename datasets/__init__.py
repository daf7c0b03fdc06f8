"""Datasets for the lessons: small real data shipped with the repository, larger downloaded.

    digits.py    the UCI handwritten digits (1,797 images 8x8), shipped as digits.npz
    mnist.py     MNIST (70,000 images 28x28): IDX reader and checksummed download
    checksum.py  sha256 / md5 checks that a data file is the expected one

Loaders return numpy arrays; wrap them in `minigrad.data.TensorDataset` and a `DataLoader`.
"""

from datasets.checksum import ChecksumError, file_digest, verify_file  # noqa: F401
from datasets.digits import digits_split, load_digits  # noqa: F401
from datasets.mnist import default_root, download_mnist, load_mnist, read_idx  # noqa: F401
