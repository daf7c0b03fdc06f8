"""Unpacking a downloaded .tar.gz without trusting the names inside it.

A tar member's name is just a string chosen by whoever made the archive. "../../.bashrc" or
"/etc/passwd" would, if extracted naively, write outside the target directory ("path
traversal"), and a symbolic link member could point a later member anywhere. A data archive
needs none of that: it holds plain files in folders. So every member is checked first and the
whole archive refused if one is anything else; Python's own "data" filter then guards the
extraction a second time.
"""

import tarfile
from pathlib import PurePosixPath


def _check_member(archive, member):
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts:
        raise ValueError(
            f"{archive}: refusing to extract {member.name!r}, a path that leads outside the "
            "target directory; the archive is not the published one"
        )
    if not (member.isfile() or member.isdir()):
        raise ValueError(
            f"{archive}: refusing to extract {member.name!r}: only plain files and folders are "
            "expected, not links or devices; the archive is not the published one"
        )


def extract_tar(archive, destination):
    """Extract the .tar(.gz) `archive` into `destination` after checking every member."""
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        for member in members:
            _check_member(archive, member)
        tar.extractall(destination, members=members, filter="data")
