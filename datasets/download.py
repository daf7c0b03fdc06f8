"""The download cache shared by the loaders of data too large to ship (MNIST, CIFAR, ...).

Each data set has its own directory in one cache:
    $MINIGRAD_DATA/<name>        if the environment variable MINIGRAD_DATA is set
    ~/.cache/minigrad/<name>     otherwise

A file is fetched once, checked against the md5 its publisher printed, and kept; a later
call finds it, checks it again and does not touch the network.
"""

import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from datasets.checksum import file_digest, verify_file


def cache_root(name):
    """Where data set `name` is cached: $MINIGRAD_DATA/name, else ~/.cache/minigrad/name."""
    if os.environ.get("MINIGRAD_DATA"):
        return Path(os.environ["MINIGRAD_DATA"]) / name
    return Path.home() / ".cache" / "minigrad" / name


def download_file(url, target, md5, advice=""):
    """Fetch `url` to `target`, verified, via a temporary file in the same directory.

    The file appears under its real name only once complete and checked (os.replace is
    atomic), so an interrupted or corrupt download never looks like a good file. `advice`
    (how to get the file some other way) ends the error raised when the server is out of reach.
    """
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
            shutil.copyfileobj(response, out)
        verify_file(partial, md5, "md5", remedy=f"The download from {url} was corrupted; retry.")
        os.replace(partial, target)
    except urllib.error.URLError as error:
        raise ConnectionError(f"could not download {url}: {error.reason}. {advice}") from error
    finally:
        Path(partial).unlink(missing_ok=True)


def download_files(base_url, files, root, advice=""):
    """Download each of `files` ({name: md5}) from `base_url` + name into `root`, skipping
    any already there with the right checksum. Returns `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for name, md5 in files.items():
        target = root / name
        if target.is_file() and file_digest(target, "md5") == md5:
            continue
        print(f"downloading {base_url + name} -> {target}", file=sys.stderr)
        download_file(base_url + name, target, md5, advice)
    return root


def how_to_get(root, module, loader, names, url):
    """The advice every "file not found" and "server out of reach" error ends with."""
    return (
        f"Download with `python -m {module}` or {loader}(download=True) (needs internet), or "
        f"copy {', '.join(names)} from {url} into {root} (set MINIGRAD_DATA to choose another "
        "cache directory)."
    )
