"""CIFAR-10 and CIFAR-100: 60,000 small colour photos (32x32 RGB), 10 or 100 classes.

Collected by A. Krizhevsky, V. Nair and G. Hinton, https://www.cs.toronto.edu/~kriz/cifar.html.
Read here from the *binary* version, raw bytes that a few lines of numpy parse (the "python"
version is pickled, and unpickling a downloaded file can run arbitrary code). One record:
    CIFAR-10    1 label byte,                        then 3072 pixel bytes
    CIFAR-100   1 coarse label byte, 1 fine label byte, then 3072 pixel bytes
The 3072 pixels are the 1024 red values of the 32x32 image row by row, then the 1024 green,
then the 1024 blue: exactly the (3, 32, 32) channels-first layout convolutions take.

Not shipped (about 160 MB each); the tarball is downloaded once, on request, checked against
its published md5, unpacked (every member checked: datasets/archive.py) into
$MINIGRAD_DATA/cifar10 or .../cifar100 (else ~/.cache/minigrad/...):

    images, labels = load_cifar10(train=True, download=True)   # (50000, 3, 32, 32), (50000,)
    CIFAR10_CLASSES[labels[0]]
    images, coarse = load_cifar100(train=False, label_mode="coarse")   # 20 superclasses

or `python -m datasets.cifar cifar10|cifar100 [directory]`. Without internet, copy the
tarball (or its unpacked folder) into the cache directory by hand.
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

from datasets.archive import extract_tar
from datasets.checksum import verify_file
from datasets.download import cache_root, download_files, how_to_get

PIXELS = 3 * 32 * 32

CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
)
CIFAR100_CLASSES = (
    "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle",
    "bottle", "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle",
    "caterpillar", "cattle", "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch",
    "crab", "crocodile", "cup", "dinosaur", "dolphin", "elephant", "flatfish", "forest", "fox",
    "girl", "hamster", "house", "kangaroo", "keyboard", "lamp", "lawn_mower", "leopard", "lion",
    "lizard", "lobster", "man", "maple_tree", "motorcycle", "mountain", "mouse", "mushroom",
    "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear", "pickup_truck", "pine_tree",
    "plain", "plate", "poppy", "porcupine", "possum", "rabbit", "raccoon", "ray", "road",
    "rocket", "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail", "snake",
    "spider", "squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank",
    "telephone", "television", "tiger", "tractor", "train", "trout", "tulip", "turtle",
    "wardrobe", "whale", "willow_tree", "wolf", "woman", "worm",
)
CIFAR100_COARSE_CLASSES = (
    "aquatic_mammals", "fish", "flowers", "food_containers", "fruit_and_vegetables",
    "household_electrical_devices", "household_furniture", "insects", "large_carnivores",
    "large_man-made_outdoor_things", "large_natural_outdoor_scenes",
    "large_omnivores_and_herbivores", "medium_mammals", "non-insect_invertebrates", "people",
    "reptiles", "small_mammals", "trees", "vehicles_1", "vehicles_2",
)


class CifarArchive(NamedTuple):
    """Where one CIFAR data set is published and what its binary tarball holds."""

    title: str
    cache_name: str
    base_url: str
    tarball: str
    md5: str
    folder: str
    train_files: tuple
    test_files: tuple
    label_bytes: int


CIFAR_URL = "https://www.cs.toronto.edu/~kriz/"
CIFAR10 = CifarArchive(
    "CIFAR-10", "cifar10", CIFAR_URL, "cifar-10-binary.tar.gz",
    "c32a1d4ab5d03f1284b67883e8d87530", "cifar-10-batches-bin",
    tuple(f"data_batch_{i}.bin" for i in range(1, 6)), ("test_batch.bin",), 1,
)
CIFAR100 = CifarArchive(
    "CIFAR-100", "cifar100", CIFAR_URL, "cifar-100-binary.tar.gz",
    "03b5dce01913d631647c71ecec9e9cb8", "cifar-100-binary", ("train.bin",), ("test.bin",), 2,
)


def read_cifar_binary(path, label_bytes=1):
    """The records of one CIFAR binary file as (images, labels), both uint8.

    images: (N, 3, 32, 32); labels: (N, label_bytes), one column per label byte (CIFAR-100:
    coarse, then fine). A file that is not a whole number of records is refused.
    """
    raw = np.fromfile(path, dtype=np.uint8)
    record = label_bytes + PIXELS
    if raw.size == 0 or raw.size % record:
        raise ValueError(
            f"{path}: {raw.size} bytes is not a whole number of {record}-byte records "
            f"({label_bytes} label byte(s) + {PIXELS} pixel bytes); the file is truncated or "
            "of another kind"
        )
    rows = raw.reshape(-1, record)
    return rows[:, label_bytes:].reshape(-1, 3, 32, 32), rows[:, :label_bytes]


def _root(root, archive):
    return Path(root) if root is not None else cache_root(archive.cache_name)


def _how_to_get(archive, root):
    return how_to_get(
        root, "datasets.cifar " + archive.cache_name, "load_" + archive.cache_name,
        [archive.tarball], archive.base_url,
    )


def _unpack(archive, root):
    """Check the tarball and unpack it, so that its folder appears in `root` only complete."""
    tarball, advice = root / archive.tarball, _how_to_get(archive, root)
    if not tarball.is_file():
        raise FileNotFoundError(
            f"{archive.title} not found in {root}: neither the folder {archive.folder} nor "
            f"{archive.tarball}. {advice}"
        )
    verify_file(tarball, archive.md5, "md5", remedy=f"Delete it and download it again. {advice}")
    staging = Path(tempfile.mkdtemp(dir=root, prefix=".unpacking-"))
    try:
        extract_tar(tarball, staging)
        if not (staging / archive.folder).is_dir():
            raise ValueError(f"{tarball} holds no folder {archive.folder}: not the published file")
        os.replace(staging / archive.folder, root / archive.folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _download(archive, root):
    root = _root(root, archive)
    if not (root / archive.folder).is_dir():
        advice = _how_to_get(archive, root)
        download_files(archive.base_url, {archive.tarball: archive.md5}, root, advice)
        _unpack(archive, root)
    return root


def _load(archive, train, root, download):
    """(images as float32 in [0, 1], labels (N, label_bytes) int64) of one split."""
    root = _root(root, archive)
    if download:
        _download(archive, root)
    elif not (root / archive.folder).is_dir():
        _unpack(archive, root)
    names = archive.train_files if train else archive.test_files
    parts = [read_cifar_binary(root / archive.folder / name, archive.label_bytes) for name in names]
    images = np.concatenate([part[0] for part in parts])
    labels = np.concatenate([part[1] for part in parts]).astype(np.int64)
    return images.astype(np.float32) / 255.0, labels


def _check_labels(labels, classes, title):
    if labels.max() >= len(classes):
        raise ValueError(
            f"{title}: found label {labels.max()}, but there are {len(classes)} classes; the "
            "files are damaged or of another data set"
        )
    return labels


def load_cifar10(train=True, root=None, download=False):
    """CIFAR-10's training (50,000) or test (10,000) photos as (images, labels).

    images: (N, 3, 32, 32) float32 in [0, 1] (the stored bytes / 255); labels: (N,) int64,
    indices into CIFAR10_CLASSES. Read from `root` (default: the cache), where the unpacked
    folder or the tarball is looked for; with `download=True` a missing one is fetched first.
    """
    images, labels = _load(CIFAR10, train, root, download)
    return images, _check_labels(labels[:, 0], CIFAR10_CLASSES, "CIFAR-10")


def load_cifar100(train=True, root=None, download=False, label_mode="fine"):
    """CIFAR-100's training (50,000) or test (10,000) photos as (images, labels).

    Like load_cifar10; labels index CIFAR100_CLASSES (label_mode="fine", 100 classes) or
    CIFAR100_COARSE_CLASSES (label_mode="coarse", 20 superclasses of 5 classes each).
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(
            f"load_cifar100: label_mode must be 'fine' or 'coarse', got {label_mode!r}"
        )
    images, labels = _load(CIFAR100, train, root, download)
    if label_mode == "coarse":
        return images, _check_labels(labels[:, 0], CIFAR100_COARSE_CLASSES, "CIFAR-100")
    return images, _check_labels(labels[:, 1], CIFAR100_CLASSES, "CIFAR-100")


def download_cifar10(root=None):
    """Download and unpack CIFAR-10 into `root` (default: the cache) unless it is there
    already. Returns the directory."""
    return _download(CIFAR10, root)


def download_cifar100(root=None):
    """Download and unpack CIFAR-100 into `root` (default: the cache) unless it is there
    already. Returns the directory."""
    return _download(CIFAR100, root)


if __name__ == "__main__":
    downloads = {"cifar10": download_cifar10, "cifar100": download_cifar100}
    if len(sys.argv) < 2 or sys.argv[1] not in downloads:
        sys.exit("usage: python -m datasets.cifar cifar10|cifar100 [directory]")
    print(downloads[sys.argv[1]](sys.argv[2] if len(sys.argv) > 2 else None))
