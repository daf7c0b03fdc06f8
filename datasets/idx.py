"""The IDX format of MNIST and Fashion-MNIST, and loading one split of images and labels.

An IDX file is a tiny header and then raw bytes, big-endian:
    bytes 0-1   zero
    byte  2     the value type: 0x08 unsigned byte (MNIST), 0x09 signed byte, 0x0B int16,
                0x0C int32, 0x0D float32, 0x0E float64
    byte  3     the number of dimensions d
    then        d sizes as 4-byte unsigned integers, then the values in row-major order.
The "magic numbers" 2051 (images) and 2049 (labels) are bytes 0-3 read as one integer:
0x00000803 is unsigned bytes in 3 dimensions, 0x00000801 unsigned bytes in 1 dimension.

A data set in this layout is four files, images and labels of the training and test splits:
train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
t10k-labels-idx1-ubyte, each published gzip-compressed (.gz) with an md5.
"""

import gzip
import math
import struct
from pathlib import Path

import numpy as np

from datasets.checksum import verify_file

IMAGES_MAGIC, LABELS_MAGIC = 2051, 2049
IDX_TYPES = {0x08: "u1", 0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


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


def _find(root, stem, md5s, advice):
    """The verified .gz file for `stem`, else the uncompressed one, else None."""
    packed, plain = root / f"{stem}.gz", root / stem
    if packed.is_file():
        verify_file(
            packed, md5s[packed.name], "md5", remedy=f"Delete it and download it again. {advice}"
        )
        return packed
    return plain if plain.is_file() else None


def load_idx_split(title, root, train, md5s, advice):
    """One split of an MNIST-layout data set in `root` as (images, labels).

    images: (N, 1, 28, 28) float32 in [0, 1] (the stored bytes / 255); labels: (N,) int64.
    `md5s` maps each published .gz name to its md5; `title` names the data set and `advice`
    says how to get the files in the errors.
    """
    stems = _split_files(train)
    paths = [_find(root, stem, md5s, advice) for stem in stems]
    missing = [stem for stem, path in zip(stems, paths) if path is None]
    if missing:
        raise FileNotFoundError(
            f"{title} files not found in {root}: {', '.join(missing)} (.gz or uncompressed). "
            + advice
        )
    images = read_idx(paths[0], IMAGES_MAGIC)
    labels = read_idx(paths[1], LABELS_MAGIC)
    if len(images) != len(labels):
        raise ValueError(
            f"{title}: {paths[0]} holds {len(images)} images but {paths[1]} {len(labels)} labels"
        )
    return images[:, None].astype(np.float32) / 255.0, labels.astype(np.int64)
