"""Make datasets/digits.npz from the copy of the UCI digits that scikit-learn bundles.

Run once by a maintainer (`pip install scikit-learn && python3 datasets/make_digits_npz.py`);
minigrad itself never imports scikit-learn. The images are stored as uint8 (their values are
the integers 0..16) with their labels. Re-running it (scikit-learn 1.9.1) wrote the same
bytes again; if a future version writes different ones, update DIGITS_SHA256 in
datasets/digits.py to match.
"""

from pathlib import Path

import numpy as np


def main():
    from sklearn.datasets import load_digits  # only here: the maintainer's one-off tool

    digits = load_digits()
    images = digits.images.astype(np.uint8)
    if not np.array_equal(images, digits.images):
        raise ValueError("expected integer pixel values 0..16")
    path = Path(__file__).with_name("digits.npz")
    np.savez_compressed(path, images=images, labels=digits.target.astype(np.uint8))
    print(f"wrote {path}: {images.shape[0]} images, labels {np.bincount(digits.target).tolist()}")


if __name__ == "__main__":
    main()
