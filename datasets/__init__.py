"""Datasets for the lessons: small data shipped with the repository, larger downloaded.

    digits.py    the UCI handwritten digits (1,797 images 8x8), shipped as digits.npz
    mnist.py     MNIST (70,000 images 28x28), downloaded on request
    fashion_mnist.py  Fashion-MNIST (70,000 clothes 28x28), same files as MNIST
    idx.py       the IDX file format of both, and reading one split
    cifar.py     CIFAR-10 / CIFAR-100 (60,000 colour photos 32x32), binary version, on request
    vision.py    MNIST, FashionMNIST, CIFAR10, CIFAR100: the above as torchvision-named Datasets
    archive.py   unpacking a downloaded .tar.gz safely (no path traversal)
    download.py  the download cache ($MINIGRAD_DATA): md5-verified, atomic downloads
    sentiment_order.py  4,000 review sentences whose label word order decides (minimal
                 pairs), shipped as sentiment_order.tsv; made by make_sentiment_order.py
    checksum.py  sha256 / md5 checks that a data file is the expected one

Image loaders return numpy arrays; wrap them in `minigrad.data.TensorDataset` and a `DataLoader`,
or take the classes of vision.py, which do that and apply `transform=`.
The text loader returns lists of (text, label); `minigrad.text.Tokenizer` turns them into ids.
"""

from datasets.checksum import ChecksumError, file_digest, verify_file  # noqa: F401
from datasets.cifar import (  # noqa: F401
    download_cifar10,
    download_cifar100,
    load_cifar10,
    load_cifar100,
)
from datasets.digits import digits_split, load_digits  # noqa: F401
from datasets.fashion_mnist import download_fashion_mnist, load_fashion_mnist  # noqa: F401
from datasets.idx import read_idx  # noqa: F401
from datasets.mnist import default_root, download_mnist, load_mnist  # noqa: F401
from datasets.sentiment_order import load_sentiment_order  # noqa: F401
from datasets.vision import CIFAR10, CIFAR100, MNIST, FashionMNIST  # noqa: F401
