import shutil

import numpy as np
import pytest

from datasets import ChecksumError, digits_split, load_digits
from datasets.digits import DIGITS_PATH


def test_digits_are_1797_one_channel_8x8_images_in_0_1():
    images, labels = load_digits()
    assert images.shape == (1797, 1, 8, 8) and images.dtype == np.float32
    assert images.min() == 0.0 and images.max() == 1.0
    assert labels.shape == (1797,) and labels.dtype == np.int64


def test_every_digit_is_there_in_the_uci_test_partition_counts():
    _, labels = load_digits()
    counts = np.bincount(labels)
    assert counts.tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert counts.sum() == 1797


def test_raw_pixels_are_ink_counts_0_to_16():
    raw, _ = load_digits(return_float=False)
    assert raw.dtype == np.uint8 and raw.max() == 16
    floats, _ = load_digits()
    np.testing.assert_allclose(floats, raw / 16.0, rtol=1e-6)


def test_a_damaged_copy_is_refused_with_a_clear_error(tmp_path):
    copy = tmp_path / "digits.npz"
    shutil.copy(DIGITS_PATH, copy)
    assert load_digits(path=copy)[0].shape == (1797, 1, 8, 8)  # an intact copy loads
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy.write_bytes(bytes(data))
    with pytest.raises(ChecksumError, match=r"digits.npz is damaged.*sha256.*git checkout"):
        load_digits(path=copy)


def test_a_missing_file_says_how_to_restore_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="git checkout datasets/digits.npz"):
        load_digits(path=tmp_path / "digits.npz")


def test_digits_split_is_fixed_stratified_and_disjoint():
    (x_train, y_train), (x_test, y_test) = digits_split(test_fraction=0.2, seed=0)
    (_, y_train_again), (_, y_test_again) = digits_split(test_fraction=0.2, seed=0)
    np.testing.assert_array_equal(y_test, y_test_again)
    np.testing.assert_array_equal(y_train, y_train_again)
    assert len(y_train) + len(y_test) == 1797
    assert x_train.shape[1:] == x_test.shape[1:] == (1, 8, 8)
    # stratified: each digit is about 20 % in the test part
    fractions = np.bincount(y_test) / np.bincount(load_digits()[1])
    assert np.all(np.abs(fractions - 0.2) < 0.01)
    # together the parts are the whole data set, each image once
    parts = sorted(row.tobytes() for row in np.concatenate([x_train, x_test]))
    assert parts == sorted(row.tobytes() for row in load_digits()[0])


def test_digits_split_differs_between_seeds():
    (_, a), _ = digits_split(seed=0)
    (_, b), _ = digits_split(seed=1)
    assert not np.array_equal(a, b)
