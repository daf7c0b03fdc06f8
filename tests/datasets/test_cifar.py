"""CIFAR without the network: small tarballs of binary records in the real layout."""

import tarfile

import numpy as np
import pytest

from datasets import ChecksumError, cifar, load_cifar10, load_cifar100
from datasets.archive import extract_tar
from datasets.cifar import read_cifar_binary
from tests.datasets.fake_files import cifar_bytes, fake_urlopen, write_tar

RNG = np.random.default_rng(0)


def _images(count):
    return RNG.integers(0, 256, size=(count, 3, 32, 32), dtype=np.uint8)


def _fake_cifar10(directory, monkeypatch):
    """The CIFAR-10 tarball with two images per batch, its md5 made the expected one; returns
    the images and labels it holds, training (5 batches in order) then test."""
    images, labels = _images(12), np.arange(12) % 10
    members = {"cifar-10-batches-bin": None}
    for batch, name in enumerate(cifar.CIFAR10.train_files + cifar.CIFAR10.test_files):
        rows = slice(2 * batch, 2 * batch + 2)
        members[f"cifar-10-batches-bin/{name}"] = cifar_bytes(labels[rows], images[rows])
    directory.mkdir(parents=True, exist_ok=True)
    md5 = write_tar(directory / "cifar-10-binary.tar.gz", members)
    monkeypatch.setattr(cifar, "CIFAR10", cifar.CIFAR10._replace(md5=md5))
    return images, labels


def test_a_record_is_label_bytes_then_red_green_blue_planes(tmp_path):
    planes = [np.full((32, 32), value, np.uint8) for value in (10, 20, 30)]
    planes[0][0, 1] = 99  # row 0, column 1 of the red plane: the record's second pixel byte
    path = tmp_path / "one.bin"
    path.write_bytes(bytes([4, 57]) + b"".join(plane.tobytes() for plane in planes))
    images, labels = read_cifar_binary(path, label_bytes=2)
    assert images.shape == (1, 3, 32, 32) and images.dtype == np.uint8
    assert labels.tolist() == [[4, 57]]
    assert images[0, 0, 0, 1] == 99 and images[0, 0, 1, 1] == 10
    assert (images[0, 1] == 20).all() and (images[0, 2] == 30).all()


def test_a_file_that_is_not_whole_records_is_refused(tmp_path):
    path = tmp_path / "short.bin"
    path.write_bytes(cifar_bytes([1, 2], _images(2))[:-5])
    with pytest.raises(ValueError, match=r"not a whole number of 3073-byte records.*truncated"):
        read_cifar_binary(path)


@pytest.mark.parametrize("train, rows", [(True, slice(0, 10)), (False, slice(10, 12))])
def test_loads_the_verified_tarball_as_float_images_and_int64_labels(
    tmp_path, monkeypatch, train, rows
):
    images, labels = _fake_cifar10(tmp_path, monkeypatch)
    x, y = load_cifar10(train=train, root=tmp_path)
    assert x.shape == (rows.stop - rows.start, 3, 32, 32) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0
    np.testing.assert_allclose(x, images[rows] / 255.0, rtol=1e-6)
    assert y.dtype == np.int64 and y.tolist() == labels[rows].tolist()
    unpacked = sorted(p.name for p in tmp_path.iterdir())
    assert unpacked == ["cifar-10-batches-bin", "cifar-10-binary.tar.gz"]  # no staging left


def test_the_unpacked_folder_in_the_minigrad_data_cache_is_enough(tmp_path, monkeypatch):
    images, _ = _fake_cifar10(tmp_path / "cifar10", monkeypatch)
    load_cifar10(train=False, root=tmp_path / "cifar10")
    (tmp_path / "cifar10" / "cifar-10-binary.tar.gz").unlink()
    monkeypatch.setenv("MINIGRAD_DATA", str(tmp_path))
    np.testing.assert_allclose(load_cifar10(train=False)[0], images[10:] / 255.0, rtol=1e-6)


def test_a_tarball_that_is_not_the_published_one_is_refused(tmp_path, monkeypatch):
    _fake_cifar10(tmp_path, monkeypatch)
    monkeypatch.undo()  # the published md5 again, which these bytes do not have
    with pytest.raises(ChecksumError, match=r"binary.tar.gz is damaged.*md5.*download it again"):
        load_cifar10(root=tmp_path)
    assert not (tmp_path / "cifar-10-batches-bin").exists()


@pytest.mark.parametrize(
    "name", ["../escaped.bin", "/tmp/escaped.bin", "cifar-10-batches-bin/../../escaped.bin"]
)
def test_a_member_outside_the_target_directory_is_refused(tmp_path, name):
    archive = tmp_path / "evil.tar.gz"
    write_tar(archive, {"cifar-10-batches-bin/test_batch.bin": b"x", name: b"overwritten"})
    target = tmp_path / "a" / "b"
    target.mkdir(parents=True)
    with pytest.raises(ValueError, match="refusing to extract .*escaped.bin.*outside the target"):
        extract_tar(archive, target)
    assert list(target.iterdir()) == [] and not (tmp_path / "a" / "escaped.bin").exists()


def test_a_link_member_is_refused(tmp_path):
    archive = tmp_path / "link.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        link = tarfile.TarInfo("cifar-10-batches-bin")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc"
        tar.addfile(link)
    with pytest.raises(ValueError, match="refusing to extract 'cifar-10-batches-bin'.*not links"):
        extract_tar(archive, tmp_path)


def test_a_traversal_in_a_tarball_with_the_expected_md5_is_still_refused(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    root.mkdir()
    md5 = write_tar(root / "cifar-10-binary.tar.gz", {"../escaped.bin": b"x"})
    monkeypatch.setattr(cifar, "CIFAR10", cifar.CIFAR10._replace(md5=md5))
    with pytest.raises(ValueError, match="refusing to extract '../escaped.bin'"):
        load_cifar10(root=root)
    assert not (tmp_path / "escaped.bin").exists()
    assert sorted(p.name for p in root.iterdir()) == ["cifar-10-binary.tar.gz"]  # no leftovers


def test_absent_files_raise_an_error_that_tells_how_to_download(tmp_path):
    advice = r"CIFAR-10 not found.*python -m datasets.cifar cifar10.*download=True"
    with pytest.raises(FileNotFoundError, match=advice):
        load_cifar10(root=tmp_path)


def test_download_asks_the_official_url_verifies_unpacks_and_loads(tmp_path, monkeypatch):
    server = tmp_path / "server"
    images, labels = _fake_cifar10(server, monkeypatch)
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"
    asked = fake_urlopen(monkeypatch, {url: (server / "cifar-10-binary.tar.gz").read_bytes()})
    cache = tmp_path / "cache"
    x, y = load_cifar10(train=False, root=cache, download=True)
    assert asked == [url] and y.tolist() == labels[10:].tolist()
    np.testing.assert_allclose(x, images[10:] / 255.0, rtol=1e-6)
    assert cifar.download_cifar10(cache) == cache and asked == [url]  # unpacked: not fetched again


def test_an_unreachable_server_is_a_connection_error_with_advice(tmp_path, monkeypatch):
    fake_urlopen(monkeypatch, {})
    with pytest.raises(ConnectionError, match="could not download .*cifar-10-binary.tar.gz.*copy"):
        cifar.download_cifar10(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_labels_beyond_the_classes_are_refused(tmp_path):
    folder = tmp_path / "cifar-10-batches-bin"
    folder.mkdir()
    (folder / "test_batch.bin").write_bytes(cifar_bytes([3, 12], _images(2)))
    with pytest.raises(ValueError, match="CIFAR-10: found label 12, but there are 10 classes"):
        load_cifar10(train=False, root=tmp_path)


def _fake_cifar100(root):
    """An unpacked CIFAR-100 folder; labels are (coarse, fine) pairs."""
    folder = root / "cifar-100-binary"
    folder.mkdir(parents=True)
    images, labels = _images(3), np.array([[4, 30], [1, 1], [19, 99]])
    (folder / "test.bin").write_bytes(cifar_bytes(labels, images))
    return images, labels


def test_cifar100_gives_fine_or_coarse_labels(tmp_path):
    images, labels = _fake_cifar100(tmp_path)
    x, fine = load_cifar100(train=False, root=tmp_path)
    assert x.shape == (3, 3, 32, 32) and x.dtype == np.float32
    np.testing.assert_allclose(x, images / 255.0, rtol=1e-6)
    assert fine.dtype == np.int64 and fine.tolist() == labels[:, 1].tolist() == [30, 1, 99]
    coarse = load_cifar100(train=False, root=tmp_path, label_mode="coarse")[1]
    assert coarse.tolist() == labels[:, 0].tolist() == [4, 1, 19]
    with pytest.raises(ValueError, match="label_mode must be 'fine' or 'coarse', got 'both'"):
        load_cifar100(train=False, root=tmp_path, label_mode="both")


def test_class_names_are_the_published_alphabetical_lists():
    for classes, count in [(cifar.CIFAR10_CLASSES, 10), (cifar.CIFAR100_CLASSES, 100),
                           (cifar.CIFAR100_COARSE_CLASSES, 20)]:
        assert len(set(classes)) == count
    assert cifar.CIFAR10_CLASSES[0] == "airplane" and cifar.CIFAR10_CLASSES[9] == "truck"
    for classes in (cifar.CIFAR100_CLASSES, cifar.CIFAR100_COARSE_CLASSES):
        assert list(classes) == sorted(classes)
