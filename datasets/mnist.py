"""MNIST: 70,000 handwritten digits, 28x28 pixels, read from the original IDX files.

The files are not shipped (11 MB); they are downloaded once, on request, into a cache:
    $MINIGRAD_DATA/mnist        if the environment variable MINIGRAD_DATA is set
    ~/.cache/minigrad/mnist     otherwise

    download_mnist()                              # needs internet, once
    images, labels = load_mnist(train=True)       # (60000, 1, 28, 28) float32, (60000,) int64

or from the command line: `python -m datasets.mnist [directory]`. Without internet, copy the
four files (gzip-compressed or not) into the cache directory by hand. The IDX format and the
reading of a split are in datasets/idx.py, the cache and the download in datasets/download.py.
"""

import sys
from pathlib import Path

from datasets.download import cache_root, download_files, how_to_get
from datasets.idx import load_idx_split

# The mirror PyTorch's datasets use, and the md5 of each published .gz file.
MNIST_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"
MNIST_FILES = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}


def default_root():
    """Where MNIST is cached: $MINIGRAD_DATA/mnist, else ~/.cache/minigrad/mnist."""
    return cache_root("mnist")


def _how_to_get(root):
    return how_to_get(root, "datasets.mnist", "load_mnist", MNIST_FILES, MNIST_URL)


def load_mnist(train=True, root=None, download=False):
    """MNIST's training (60,000) or test (10,000) digits as (images, labels).

    images: (N, 1, 28, 28) float32 in [0, 1] (the stored bytes / 255); labels: (N,) int64.
    Files are looked for in `root` (default: `default_root()`); with `download=True` missing
    ones are fetched first.
    """
    root = Path(root) if root is not None else default_root()
    if download:
        download_mnist(root)
    return load_idx_split("MNIST", root, train, MNIST_FILES, _how_to_get(root))


def download_mnist(root=None):
    """Download the four MNIST files into `root` (default: `default_root()`), skipping any
    already there with the right checksum. Returns the directory."""
    root = Path(root) if root is not None else default_root()
    return download_files(MNIST_URL, MNIST_FILES, root, _how_to_get(root))


if __name__ == "__main__":
    print(download_mnist(sys.argv[1] if len(sys.argv) > 1 else None))
