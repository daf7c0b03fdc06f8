"""The UCI handwritten digits: 1,797 real 8x8 images of the digits 0-9, shipped with minigrad.

Real handwriting by 13 people, scanned and reduced to 8x8 pixels that count ink (0..16).
Small enough that a network learns it in seconds on a CPU, real enough that the accuracy
means something. Source and licence (CC BY 4.0, E. Alpaydin and C. Kaynak, UCI):
datasets/DIGITS_LICENSE.txt.

    images, labels = load_digits()     # (1797, 1, 8, 8) float32 in [0, 1], (1797,) int64
    (x_train, y_train), (x_test, y_test) = digits_split(test_fraction=0.2, seed=0)
"""

from pathlib import Path

import numpy as np

from datasets.checksum import verify_file
from minigrad.data.split import split_indices

DIGITS_PATH = Path(__file__).with_name("digits.npz")
DIGITS_SHA256 = "b2dab7b501728c22e9119ad76740b2e17c77a231e42d1e592380d90886f1a05e"


def load_digits(return_float=True, path=None):
    """All 1,797 digits as (images, labels), after checking the file's sha256.

    images: (1797, 1, 8, 8), one channel as convolutions expect; float32 scaled to [0, 1]
    (pixel / 16), or the stored uint8 counts 0..16 with `return_float=False`.
    labels: (1797,) int64, the digit shown.
    `path` reads another copy of digits.npz (it must have the same bytes).
    """
    path = Path(path) if path is not None else DIGITS_PATH
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: it ships with minigrad; restore it with "
            "`git checkout datasets/digits.npz` or reinstall the package"
        )
    verify_file(path, DIGITS_SHA256, remedy="Restore it with `git checkout datasets/digits.npz`.")
    with np.load(path) as stored:
        images, labels = stored["images"][:, None], stored["labels"].astype(np.int64)
    if return_float:
        images = images.astype(np.float32) / 16.0
    return images, labels


def digits_split(test_fraction=0.2, seed=0, return_float=True):
    """A fixed, stratified train/test split of the digits: ((x_train, y_train), (x_test, y_test)).

    Stratified: each digit is split on its own (its test share rounded down, so 355 of 1,797
    images at 0.2), and both parts hold all ten digits in the proportions of the whole. The same `seed` always gives the same split, so results from
    different runs and lessons are measured on the same test images.
    """
    images, labels = load_digits(return_float)
    train, test = split_indices(
        len(labels), [1.0 - test_fraction, test_fraction], generator=seed, stratify=labels
    )
    return (images[train], labels[train]), (images[test], labels[test])
