"""The torchvision-named Dataset classes over small fake files."""

import numpy as np
import pytest

from datasets import CIFAR10, CIFAR100, MNIST, FashionMNIST, fashion_mnist
from minigrad.data import DataLoader
from tests.datasets.fake_files import cifar_bytes, fake_idx_split

IMAGES = np.arange(5 * 3 * 32 * 32).reshape(5, 3, 32, 32) % 251
LABELS = np.array([3, 1, 4, 1, 5])


@pytest.fixture
def cifar_root(tmp_path):
    folder = tmp_path / "cifar-10-batches-bin"
    folder.mkdir()
    (folder / "test_batch.bin").write_bytes(cifar_bytes(LABELS, IMAGES))
    return tmp_path


def test_samples_are_an_image_and_its_label_with_the_data_set_s_attributes(cifar_root):
    ds = CIFAR10(cifar_root, train=False)
    assert len(ds) == 5 and ds.train is False
    image, label = ds[2]
    assert image.shape == (3, 32, 32) and image.dtype == np.float32
    np.testing.assert_allclose(image, IMAGES[2] / 255.0, rtol=1e-6)
    assert label == 4 and ds.classes[label] == "deer" and ds.class_to_idx["deer"] == 4
    assert ds.data.shape == (5, 3, 32, 32) and ds.targets.tolist() == LABELS.tolist()


def test_transforms_run_on_each_fetched_sample(cifar_root):
    ds = CIFAR10(cifar_root, train=False, transform=lambda x: x[:, :16, :16],
                 target_transform=lambda y: ds.classes[y])
    image, label = ds[0]
    assert image.shape == (3, 16, 16) and label == "cat"


def test_a_data_loader_batches_the_samples(cifar_root):
    x, y = next(iter(DataLoader(CIFAR10(cifar_root, train=False), batch_size=4)))
    assert x.shape == (4, 3, 32, 32) and str(x.dtype) == "float32"
    assert y.numpy().tolist() == [3, 1, 4, 1]


def test_mnist_like_classes_read_idx_files(tmp_path, monkeypatch):
    digits = np.arange(2 * 28 * 28).reshape(2, 28, 28) % 256
    monkeypatch.setattr(fashion_mnist, "FASHION_MNIST_FILES",
                        fake_idx_split(tmp_path, digits, np.array([9, 0])))
    ds = FashionMNIST(tmp_path)
    assert ds[0][0].shape == (1, 28, 28) and ds.classes[ds[0][1]] == "Ankle boot"
    with pytest.raises(FileNotFoundError, match="MNIST files not found"):
        MNIST(tmp_path / "empty")


def test_class_lists_follow_torchvision():
    assert MNIST.classes[0] == "0 - zero" and len(MNIST.classes) == 10
    assert len(FashionMNIST.classes) == 10 and len(CIFAR10.classes) == 10
    assert len(CIFAR100.classes) == 100
