"""Fashion-MNIST: 70,000 photos of clothes in 10 classes, 28x28 grey pixels, by Zalando.

A drop-in replacement for MNIST (same IDX files, same names, same sizes) that is harder:
a shirt and a pullover differ less than a 1 and a 7, so models that all score ~99 % on MNIST
are told apart here. Zalando Research, MIT licence,
https://github.com/zalandoresearch/fashion-mnist.

Not shipped (30 MB); downloaded once, on request, into $MINIGRAD_DATA/fashion_mnist (else
~/.cache/minigrad/fashion_mnist):

    download_fashion_mnist()                            # needs internet, once
    images, labels = load_fashion_mnist(train=True)     # (60000, 1, 28, 28) float32, int64
    FASHION_MNIST_CLASSES[9]                            # 'Ankle boot'

or `python -m datasets.fashion_mnist [directory]`. Without internet, copy the four files
(gzip-compressed or not) into the cache directory by hand.
"""

import sys
from pathlib import Path

from datasets.download import cache_root, download_files, how_to_get
from datasets.idx import load_idx_split

# The mirror PyTorch's datasets use, and the md5 of each published .gz file.
FASHION_MNIST_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
FASHION_MNIST_FILES = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}
FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)


def _root(root):
    return Path(root) if root is not None else cache_root("fashion_mnist")


def _how_to_get(root):
    return how_to_get(
        root, "datasets.fashion_mnist", "load_fashion_mnist", FASHION_MNIST_FILES,
        FASHION_MNIST_URL,
    )


def load_fashion_mnist(train=True, root=None, download=False):
    """Fashion-MNIST's training (60,000) or test (10,000) images as (images, labels).

    images: (N, 1, 28, 28) float32 in [0, 1] (the stored bytes / 255); labels: (N,) int64,
    indices into FASHION_MNIST_CLASSES. Files are looked for in `root` (default: the cache);
    with `download=True` missing ones are fetched first.
    """
    root = _root(root)
    if download:
        download_fashion_mnist(root)
    return load_idx_split("Fashion-MNIST", root, train, FASHION_MNIST_FILES, _how_to_get(root))


def download_fashion_mnist(root=None):
    """Download the four Fashion-MNIST files into `root` (default: the cache), skipping any
    already there with the right checksum. Returns the directory."""
    root = _root(root)
    return download_files(FASHION_MNIST_URL, FASHION_MNIST_FILES, root, _how_to_get(root))


if __name__ == "__main__":
    print(download_fashion_mnist(sys.argv[1] if len(sys.argv) > 1 else None))
