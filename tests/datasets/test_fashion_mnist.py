"""Fashion-MNIST without the network: small IDX files under the real names, urlopen faked."""

import numpy as np
import pytest

from datasets import ChecksumError, fashion_mnist, load_fashion_mnist
from tests.datasets.fake_files import fake_idx_split, fake_urlopen

IMAGES = (np.arange(2 * 28 * 28).reshape(2, 28, 28) * 7) % 256
LABELS = np.array([9, 0])


def test_the_published_files_and_classes():
    assert set(fashion_mnist.FASHION_MNIST_FILES) == {
        f"{split}-{kind}.gz" for split in ("train", "t10k")
        for kind in ("images-idx3-ubyte", "labels-idx1-ubyte")
    }
    assert all(len(md5) == 32 for md5 in fashion_mnist.FASHION_MNIST_FILES.values())
    classes = fashion_mnist.FASHION_MNIST_CLASSES
    assert len(classes) == 10 and classes[0] == "T-shirt/top" and classes[9] == "Ankle boot"


def test_loads_verified_files_as_float_images_and_int64_labels(tmp_path, monkeypatch):
    md5s = fake_idx_split(tmp_path, IMAGES, LABELS, train=False)
    monkeypatch.setattr(fashion_mnist, "FASHION_MNIST_FILES", md5s)
    images, labels = load_fashion_mnist(train=False, root=tmp_path)
    assert images.shape == (2, 1, 28, 28) and images.dtype == np.float32
    assert 0.0 <= images.min() and images.max() <= 1.0
    np.testing.assert_allclose(images[:, 0], IMAGES / 255.0, rtol=1e-6)
    assert labels.dtype == np.int64 and labels.tolist() == [9, 0]


def test_the_cache_is_its_own_directory_under_minigrad_data(tmp_path, monkeypatch):
    monkeypatch.setenv("MINIGRAD_DATA", str(tmp_path))
    md5s = fake_idx_split(tmp_path / "fashion_mnist", IMAGES, LABELS, train=True)
    monkeypatch.setattr(fashion_mnist, "FASHION_MNIST_FILES", md5s)
    assert load_fashion_mnist()[1].tolist() == [9, 0]


def test_a_file_that_is_not_the_published_one_is_refused(tmp_path):
    fake_idx_split(tmp_path, IMAGES, LABELS)  # the real md5s stay: these bytes differ
    with pytest.raises(ChecksumError, match=r"train-images-idx3-ubyte.gz is damaged.*md5"):
        load_fashion_mnist(root=tmp_path)


def test_absent_files_raise_an_error_that_tells_how_to_download(tmp_path):
    with pytest.raises(
        FileNotFoundError,
        match=r"Fashion-MNIST files not found.*python -m datasets.fashion_mnist.*download=True",
    ):
        load_fashion_mnist(root=tmp_path)


def test_download_asks_the_official_urls_verifies_and_loads(tmp_path, monkeypatch):
    server = tmp_path / "server"
    md5s = {
        **fake_idx_split(server, IMAGES, LABELS, train=True),
        **fake_idx_split(server, IMAGES, LABELS, train=False),
    }
    monkeypatch.setattr(fashion_mnist, "FASHION_MNIST_FILES", md5s)
    base = fashion_mnist.FASHION_MNIST_URL
    asked = fake_urlopen(monkeypatch, {base + name: (server / name).read_bytes() for name in md5s})
    cache = tmp_path / "cache"
    images, labels = load_fashion_mnist(train=False, root=cache, download=True)
    assert images.shape == (2, 1, 28, 28) and labels.tolist() == [9, 0]
    assert sorted(asked) == sorted(base + name for name in md5s)
    assert fashion_mnist.download_fashion_mnist(cache) == cache and len(asked) == 4  # cached


def test_an_unreachable_server_is_a_connection_error_with_advice(tmp_path, monkeypatch):
    fake_urlopen(monkeypatch, {})
    with pytest.raises(ConnectionError, match="could not download .*fashion-mnist.*copy"):
        fashion_mnist.download_fashion_mnist(tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []
