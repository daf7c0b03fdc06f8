"""MNIST without the network: small files in the real IDX format, written here."""

import struct

import numpy as np
import pytest

from datasets import ChecksumError, idx, load_mnist, mnist, read_idx
from tests.datasets.fake_files import fake_idx_split, idx_bytes, write_idx

IMAGES = np.arange(3 * 28 * 28).reshape(3, 28, 28) % 256
LABELS = np.array([7, 2, 1])


def test_magic_numbers_are_the_header_of_unsigned_byte_arrays():
    assert struct.unpack(">I", idx_bytes(IMAGES)[:4])[0] == 2051 == idx.IMAGES_MAGIC
    assert struct.unpack(">I", idx_bytes(LABELS)[:4])[0] == 2049 == idx.LABELS_MAGIC


@pytest.mark.parametrize("name", ["images-idx3-ubyte", "images-idx3-ubyte.gz"])
def test_read_idx_parses_raw_and_gzip_files(tmp_path, name):
    path = write_idx(tmp_path / name, IMAGES)
    out = read_idx(path, expected_magic=2051)
    assert out.shape == (3, 28, 28) and out.dtype == np.uint8
    np.testing.assert_array_equal(out, IMAGES)


def test_read_idx_handles_big_endian_wider_types(tmp_path):
    values = np.array([[1, -2], [300, -40000]], dtype=">i4")
    header = struct.pack(">I", 0x0C02) + struct.pack(">2I", 2, 2)
    path = tmp_path / "ints.idx"
    path.write_bytes(header + values.tobytes())
    out = read_idx(path)
    assert out.dtype == np.int32 and out.tolist() == [[1, -2], [300, -40000]]


def test_wrong_magic_number_is_a_clear_error(tmp_path):
    path = write_idx(tmp_path / "labels.gz", LABELS)
    with pytest.raises(ValueError, match="magic number 2049, expected 2051 .MNIST images."):
        read_idx(path, expected_magic=2051)


def test_a_file_that_is_no_idx_file_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello world")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(path)


def test_a_truncated_file_is_refused(tmp_path):
    path = tmp_path / "short"
    path.write_bytes(idx_bytes(IMAGES)[:-10])
    with pytest.raises(ValueError, match=r"promises shape \(3, 28, 28\).*truncated"):
        read_idx(path)


def test_a_broken_gzip_file_is_refused(tmp_path):
    path = tmp_path / "broken.gz"
    path.write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(ValueError, match="cannot decompress"):
        read_idx(path)


def _fake_mnist(directory, train=True, gz=True):
    return fake_idx_split(directory, IMAGES, LABELS, train, gz)


def test_absent_files_raise_an_error_that_tells_how_to_download(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"not found in .*python -m datasets.mnist.*download=True"):
        load_mnist(root=tmp_path)


def test_checksum_mismatch_of_a_gz_file_is_a_clear_error(tmp_path):
    _fake_mnist(tmp_path)  # not the published files, so their md5 differs
    with pytest.raises(ChecksumError, match=r"train-images-idx3-ubyte.gz is damaged.*md5"):
        load_mnist(root=tmp_path)


def test_loads_verified_gz_files_as_float_images_and_int64_labels(tmp_path, monkeypatch):
    monkeypatch.setattr(mnist, "MNIST_FILES", _fake_mnist(tmp_path, train=False))
    images, labels = load_mnist(train=False, root=tmp_path)
    assert images.shape == (3, 1, 28, 28) and images.dtype == np.float32
    np.testing.assert_allclose(images[:, 0], IMAGES / 255.0, rtol=1e-6)
    assert labels.dtype == np.int64 and labels.tolist() == [7, 2, 1]


def test_loads_uncompressed_files(tmp_path):
    _fake_mnist(tmp_path, gz=False)
    images, labels = load_mnist(root=tmp_path)
    assert images.shape == (3, 1, 28, 28) and labels.tolist() == [7, 2, 1]


def test_root_defaults_to_the_minigrad_data_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MINIGRAD_DATA", str(tmp_path))
    assert mnist.default_root() == tmp_path / "mnist"
    monkeypatch.delenv("MINIGRAD_DATA")
    assert mnist.default_root().parts[-3:] == (".cache", "minigrad", "mnist")


def _serve_from(monkeypatch, server_dir, md5s):
    """Point the download at local files through a file:// URL, so urllib really runs."""
    monkeypatch.setattr(mnist, "MNIST_URL", server_dir.as_uri() + "/")
    monkeypatch.setattr(mnist, "MNIST_FILES", md5s)


def test_download_verifies_caches_and_then_loads(tmp_path, monkeypatch):
    server = tmp_path / "server"
    md5s = {**_fake_mnist(server, train=True), **_fake_mnist(server, train=False)}
    _serve_from(monkeypatch, server, md5s)
    cache = tmp_path / "cache"
    images, labels = load_mnist(train=True, root=cache, download=True)
    assert images.shape == (3, 1, 28, 28) and labels.tolist() == [7, 2, 1]
    assert sorted(p.name for p in cache.iterdir()) == sorted(md5s)
    # a second call finds the verified files and does not fetch again
    for path in server.iterdir():
        path.unlink()
    assert mnist.download_mnist(cache) == cache


def test_a_corrupt_download_leaves_no_file_behind(tmp_path, monkeypatch):
    server = tmp_path / "server"
    md5s = _fake_mnist(server)
    md5s["train-images-idx3-ubyte.gz"] = "0" * 32  # what the publisher promised
    _serve_from(monkeypatch, server, md5s)
    cache = tmp_path / "cache"
    with pytest.raises(ChecksumError, match="download from .* was corrupted"):
        mnist.download_mnist(cache)
    assert list(cache.iterdir()) == []


def test_an_unreachable_server_is_a_connection_error_with_advice(tmp_path, monkeypatch):
    _serve_from(monkeypatch, tmp_path / "nowhere", dict(mnist.MNIST_FILES))
    with pytest.raises(ConnectionError, match="could not download .*copy"):
        mnist.download_mnist(tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []
