"""Saving and loading: `mg.save(obj, path)` and `mg.load(path)`, as numpy .npz files.

    mg.save(model.state_dict(), "model.npz")
    model.load_state_dict(mg.load("model.npz"))

    mg.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 7},
            "checkpoint.npz")

What can be saved: a Tensor, a numpy array, or dicts, lists and tuples nesting those and plain
values (numbers, strings, bools, None). That covers model and optimizer state dicts and
training checkpoints.

The file is an ordinary .npz, a zip archive of .npy arrays, so plain numpy reads it too:
  - each array is one entry, named by where it sits in the object: "fc.weight" for a model's
    state dict, "optimizer/state/0/exp_avg" inside a nested checkpoint;
  - one more entry, "__minigrad__", is a JSON text (as UTF-8 bytes) describing the structure
    around them (which dicts, which keys, which leaves are tensors, the plain values), so
    `load` rebuilds the same object: integer dict keys stay integers, tuples stay tuples.

Why not pickle, as `torch.save` does? Unpickling runs whatever code the file names, so loading
a downloaded checkpoint could run anything. Here arrays are read with
`np.load(allow_pickle=False)`, which reads numbers only, and the structure is JSON, which is
data only. An object array (the one kind of array that needs pickle) is refused both ways.

Saving is atomic: the archive is written to a temporary file beside the target and then
renamed over it (`os.replace`, atomic on one file system). A crash or a full disk mid-save
leaves the previous file as it was, never half a file.
"""

import json
import os
import uuid
import zipfile

import numpy as np

from minigrad.backend import to_numpy
from minigrad.creation import from_numpy
from minigrad.tensor import Tensor

STRUCTURE_ENTRY = "__minigrad__"
FORMAT_VERSION = 1


def save(obj, path):
    """Write `obj` (a tensor, array, or nested dicts/lists/tuples of them) to `path` as .npz."""
    path = os.fspath(path)
    arrays = {}
    structure = {"format": "minigrad", "version": FORMAT_VERSION, "root": _encode(obj, (), arrays)}
    arrays[STRUCTURE_ENTRY] = np.array(json.dumps(structure).encode())  # UTF-8 bytes
    temporary = f"{path}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        with open(temporary, "xb") as file:
            _write_npz(file, arrays)
            file.flush()
            os.fsync(file.fileno())  # on disk before the rename makes it the real file
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def load(path):
    """Read what `save` wrote (tensors come back as CPU tensors; move them with `.to`).

    A .npz written by plain `np.savez` loads too, as a dict of arrays by entry name.
    """
    path = os.fspath(path)
    try:
        arrays = _read_npz(path)
        if STRUCTURE_ENTRY not in arrays:
            return arrays
        structure = json.loads(arrays.pop(STRUCTURE_ENTRY).item().decode())
        return _decode(structure["root"], arrays)
    except FileNotFoundError:
        raise
    except (OSError, EOFError, zipfile.BadZipFile, ValueError, KeyError) as error:
        raise ValueError(
            f"mg.load: cannot read {path!r}: it is truncated, corrupt, or not an .npz file "
            f"written by mg.save or np.savez (mg.load never unpickles). Cause: {error}"
        ) from error


def _read_npz(path):
    """Every array in the archive, read now (so a damaged entry fails here, not later)."""
    archive = np.load(path, allow_pickle=False)
    if isinstance(archive, np.ndarray):
        raise ValueError("it holds a single .npy array, not an .npz archive")
    with archive:
        return {name: archive[name] for name in archive.files}


def _write_npz(file, arrays):
    """What np.savez does, spelled out: one stored (uncompressed) .npy entry per array."""
    with zipfile.ZipFile(file, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            with archive.open(name + ".npy", mode="w", force_zip64=True) as entry:
                np.lib.format.write_array(entry, array, allow_pickle=False)


def _encode(obj, where, arrays):
    """A JSON description of `obj`; its arrays go into `arrays`, named by `where` (its path)."""
    if isinstance(obj, Tensor):
        entry = _add_array(arrays, where, to_numpy(obj.data))
        return {"kind": "tensor", "entry": entry, "requires_grad": obj.requires_grad}
    if isinstance(obj, (np.ndarray, np.generic)):
        kind = "ndarray" if isinstance(obj, np.ndarray) else "numpy_scalar"
        return {"kind": kind, "entry": _add_array(arrays, where, np.asarray(obj))}
    if isinstance(obj, dict):
        items = []
        for key, value in obj.items():
            if isinstance(key, bool) or not isinstance(key, (str, int)):
                raise TypeError(
                    f"mg.save: dict keys must be str or int, got {key!r} at {_name(where)!r}"
                )
            items.append([key, _encode(value, where + (str(key),), arrays)])
        return {"kind": "dict", "items": items}
    if isinstance(obj, (list, tuple)):
        items = [_encode(value, where + (str(i),), arrays) for i, value in enumerate(obj)]
        return {"kind": type(obj).__name__, "items": items}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return {"kind": "value", "value": obj}
    raise TypeError(
        f"mg.save: cannot save a {type(obj).__name__} (at {_name(where)!r}); only tensors, "
        "numpy arrays, dicts, lists, tuples, numbers, strings, bools and None"
    )


def _add_array(arrays, where, array):
    name = _name(where)
    if array.dtype.hasobject:
        raise TypeError(f"mg.save: {name!r} is an object array, which only pickle could store")
    if name in arrays or name == STRUCTURE_ENTRY:
        raise ValueError(f"mg.save: two arrays would both be stored as {name!r}")
    arrays[name] = array
    return name


def _name(where):
    return "/".join(where) if where else "data"


def _decode(node, arrays):
    kind = node["kind"]
    if kind == "tensor":
        return from_numpy(arrays[node["entry"]]).requires_grad_(node["requires_grad"])
    if kind == "ndarray":
        return arrays[node["entry"]]
    if kind == "numpy_scalar":
        return arrays[node["entry"]][()]
    if kind == "dict":
        return {key: _decode(value, arrays) for key, value in node["items"]}
    if kind in ("list", "tuple"):
        items = [_decode(value, arrays) for value in node["items"]]
        return items if kind == "list" else tuple(items)
    if kind == "value":
        return node["value"]
    raise ValueError(f"unknown kind {kind!r} in the structure entry")
