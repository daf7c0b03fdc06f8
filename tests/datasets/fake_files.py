"""Small stand-ins for downloaded data sets, written in their real file formats."""

import gzip
import io
import struct
import tarfile
import urllib.error
import urllib.request

import numpy as np

from datasets import file_digest


def idx_bytes(array, magic=None):
    """An IDX file of unsigned bytes: the 4-byte magic, the big-endian sizes, the values."""
    magic = magic if magic is not None else 0x0800 + array.ndim
    header = struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_idx(path, array, magic=None):
    data = idx_bytes(array, magic)
    if path.suffix == ".gz":
        with gzip.open(path, "wb") as stream:
            stream.write(data)
    else:
        path.write_bytes(data)
    return path


def fake_idx_split(directory, images, labels, train=True, gz=True):
    """One split under the real MNIST / Fashion-MNIST file names; returns their md5s."""
    directory.mkdir(parents=True, exist_ok=True)
    prefix = "train" if train else "t10k"
    suffix = ".gz" if gz else ""
    paths = [
        write_idx(directory / f"{prefix}-images-idx3-ubyte{suffix}", images),
        write_idx(directory / f"{prefix}-labels-idx1-ubyte{suffix}", labels),
    ]
    return {p.name: file_digest(p, "md5") for p in paths}


def fake_urlopen(monkeypatch, served):
    """Replace urllib's urlopen with one that answers from `served` ({url: bytes}) and
    refuses other URLs as a server would; returns the list of URLs asked for."""
    asked = []

    def urlopen(url, timeout=None):
        asked.append(url)
        if url not in served:
            raise urllib.error.URLError("404 Not Found")
        return io.BytesIO(served[url])

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    return asked


def cifar_bytes(labels, images):
    """CIFAR binary records: each row of `labels` (N, label_bytes), then its image's 3072 bytes."""
    labels = np.asarray(labels).reshape(len(images), -1)
    records = np.concatenate([labels, images.reshape(len(images), -1)], axis=1)
    return records.astype(np.uint8).tobytes()


def write_tar(path, members):
    """A .tar.gz holding `members` ({name: bytes}, or None for a folder); returns its md5."""
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            if data is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return file_digest(path, "md5")
