"""Checksums: proof that a data file is the one its loader was written for.

A file cut short by an interrupted download, or altered by a tool that "fixed" it, may still
load, and then a model trains on garbage without any error. Comparing a hash of the bytes
with the one recorded when the file was published catches that before a number is read.
"""

import hashlib


class ChecksumError(ValueError):
    """A data file's bytes are not the ones its loader expects."""


def file_digest(path, algorithm="sha256"):
    """The hex digest of a file's bytes, read in blocks so large files need little memory."""
    digest = hashlib.new(algorithm, usedforsecurity=False)
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_file(path, expected, algorithm="sha256", remedy=""):
    """Raise ChecksumError, saying how to fix it (`remedy`), unless the digest matches."""
    actual = file_digest(path, algorithm)
    if actual != expected:
        raise ChecksumError(
            f"{path} is damaged or not the expected file: its {algorithm} is {actual}, "
            f"expected {expected}. {remedy}".rstrip()
        )
