"""MNIST: 70,000 handwritten digits, 28x28 pixels, read from the original IDX files.

The files are not shipped (11 MB); they are downloaded once, on request, into a cache:
    $MINIGRAD_DATA/mnist        if the environment variable MINIGRAD_DATA is set
    ~/.cache/minigrad/mnist     otherwise

    download_mnist()                              # needs internet, once
    images, labels = load_mnist(train=True)       # (60000, 1, 28, 28) float32, (60000,) int64

or from the command line: `python -m datasets.mnist [directory]`. Without internet, copy the
four files (gzip-compressed or not) into the cache directory by hand.

The IDX format is a tiny header and then raw bytes, big-endian:
    bytes 0-1   zero
    byte  2     the value type: 0x08 unsigned byte (MNIST), 0x09 signed byte, 0x0B int16,
                0x0C int32, 0x0D float32, 0x0E float64
    byte  3     the number of dimensions d
    then        d sizes as 4-byte unsigned integers, then the values in row-major order.
The "magic numbers" 2051 (images) and 2049 (labels) are bytes 0-3 read as one integer:
0x00000803 is unsigned bytes in 3 dimensions, 0x00000801 unsigned bytes in 1 dimension.
"""

import gzip
import math
import os
import shutil
import struct
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

from datasets.checksum import file_digest, verify_file

# The mirror PyTorch's datasets use, and the md5 of each published .gz file.
MNIST_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"
MNIST_FILES = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
IMAGES_MAGIC, LABELS_MAGIC = 2051, 2049
IDX_TYPES = {0x08: "u1", 0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def default_root():
    """Where MNIST is cached: $MINIGRAD_DATA/mnist, else ~/.cache/minigrad/mnist."""
    if os.environ.get("MINIGRAD_DATA"):
        return Path(os.environ["MINIGRAD_DATA"]) / "mnist"
    return Path.home() / ".cache" / "minigrad" / "mnist"


def _read_bytes(path):
    path = Path(path)
    if path.suffix != ".gz":
        return path.read_bytes()
    try:
        with gzip.open(path, "rb") as stream:
            return stream.read()
    except (OSError, EOFError) as error:
        raise ValueError(f"{path}: cannot decompress this gzip file ({error})") from error


def read_idx(path, expected_magic=None):
    """The array stored in an IDX file (gunzipped on the fly if its name ends in .gz).

    With `expected_magic` (2051 for MNIST images, 2049 for labels) a file of another kind is
    refused with a clear error instead of being read as something it is not.
    """
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise ValueError(f"{path}: too short to be an IDX file ({len(raw)} bytes)")
    (magic,) = struct.unpack(">I", raw[:4])
    if expected_magic is not None and magic != expected_magic:
        raise ValueError(
            f"{path}: magic number {magic}, expected {expected_magic} "
            f"({'MNIST images' if expected_magic == IMAGES_MAGIC else 'MNIST labels'})"
        )
    type_code, ndim = raw[2], raw[3]
    if raw[:2] != b"\0\0" or type_code not in IDX_TYPES:
        raise ValueError(f"{path}: not an IDX file (magic number {magic}, type byte {type_code:#x})")
    start = 4 + 4 * ndim
    shape = struct.unpack(f">{ndim}I", raw[4:start])
    dtype = np.dtype(IDX_TYPES[type_code])
    expected_bytes = math.prod(shape) * dtype.itemsize
    if len(raw) - start != expected_bytes:
        raise ValueError(
            f"{path}: the header promises shape {shape} ({expected_bytes} bytes of values) "
            f"but the file holds {len(raw) - start}; it is truncated or damaged"
        )
    values = np.frombuffer(raw, dtype=dtype, offset=start).reshape(shape)
    return values.astype(dtype.newbyteorder("="))


def _split_files(train):
    prefix = "train" if train else "t10k"
    return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"


def _how_to_get(root):
    return (
        f"Download them with `python -m datasets.mnist` or load_mnist(download=True) (needs "
        f"internet), or copy {', '.join(MNIST_FILES)} from {MNIST_URL} into {root} (set "
        "MINIGRAD_DATA to choose another cache directory)."
    )


def _find(root, stem):
    """The verified .gz file for `stem`, else the uncompressed one, else None."""
    packed, plain = root / f"{stem}.gz", root / stem
    if packed.is_file():
        verify_file(
            packed, MNIST_FILES[packed.name], "md5",
            remedy=f"Delete it and download it again. {_how_to_get(root)}",
        )
        return packed
    return plain if plain.is_file() else None


def load_mnist(train=True, root=None, download=False):
    """MNIST's training (60,000) or test (10,000) digits as (images, labels).

    images: (N, 1, 28, 28) float32 in [0, 1] (the stored bytes / 255); labels: (N,) int64.
    Files are looked for in `root` (default: `default_root()`); with `download=True` missing
    ones are fetched first.
    """
    root = Path(root) if root is not None else default_root()
    if download:
        download_mnist(root)
    stems = _split_files(train)
    paths = [_find(root, stem) for stem in stems]
    missing = [stem for stem, path in zip(stems, paths) if path is None]
    if missing:
        raise FileNotFoundError(
            f"MNIST files not found in {root}: {', '.join(missing)} (.gz or uncompressed). "
            + _how_to_get(root)
        )
    images = read_idx(paths[0], IMAGES_MAGIC)
    labels = read_idx(paths[1], LABELS_MAGIC)
    if len(images) != len(labels):
        raise ValueError(
            f"MNIST: {paths[0]} holds {len(images)} images but {paths[1]} {len(labels)} labels"
        )
    return images[:, None].astype(np.float32) / 255.0, labels.astype(np.int64)


def _download(url, target, md5):
    """Fetch `url` to `target`, verified, via a temporary file in the same directory.

    The file appears under its real name only once complete and checked (os.replace is
    atomic), so an interrupted or corrupt download never looks like a good file.
    """
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
            shutil.copyfileobj(response, out)
        verify_file(partial, md5, "md5", remedy=f"The download from {url} was corrupted; retry.")
        os.replace(partial, target)
    except urllib.error.URLError as error:
        raise ConnectionError(
            f"could not download {url}: {error.reason}. {_how_to_get(target.parent)}"
        ) from error
    finally:
        Path(partial).unlink(missing_ok=True)


def download_mnist(root=None):
    """Download the four MNIST files into `root` (default: `default_root()`), skipping any
    already there with the right checksum. Returns the directory."""
    root = Path(root) if root is not None else default_root()
    root.mkdir(parents=True, exist_ok=True)
    for name, md5 in MNIST_FILES.items():
        target = root / name
        if target.is_file() and file_digest(target, "md5") == md5:
            continue
        print(f"downloading {MNIST_URL + name} -> {target}", file=sys.stderr)
        _download(MNIST_URL + name, target, md5)
    return root


if __name__ == "__main__":
    print(download_mnist(sys.argv[1] if len(sys.argv) > 1 else None))
