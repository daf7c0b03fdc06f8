from collections import OrderedDict

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import Module, Parameter


class TinyModel(Module):
    def __init__(self, width=3):
        super().__init__()
        self.weight = Parameter(mg.randn(width, 2))
        self.bias = Parameter(mg.zeros(width))
        self.register_buffer("steps", mg.tensor(np.array([7], dtype=np.int64)))


def same_bits(a, b):
    """Equal to the bit (so NaN payloads and -0.0 count), with the same dtype and shape."""
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def test_state_dict_round_trips_bit_for_bit(tmp_path):
    state = OrderedDict(
        [
            ("layer.weight", mg.tensor(np.random.randn(4, 3).astype(np.float32))),
            ("layer.half", mg.tensor(np.array([1e-4, -0.0, 65504.0, np.inf], dtype=np.float16))),
            ("layer.count", mg.tensor(np.array([2**62, -1], dtype=np.int64))),
            ("mask", mg.tensor(np.array([True, False]))),
            ("odd", np.array([np.nan, -0.0, 1 / 3], dtype=np.float64)),
            ("fortran", np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3))),
        ]
    )
    mg.save(state, tmp_path / "state.npz")
    loaded = mg.load(tmp_path / "state.npz")
    assert list(loaded) == list(state)
    for key, value in state.items():
        assert isinstance(loaded[key], type(value)), key
        assert same_bits(loaded[key], value), key


def test_nested_optimizer_state_keeps_its_structure(tmp_path):
    p = Parameter(mg.tensor([1.0, -2.0]))
    optimizer = mg.optim.Adam([p], lr=0.01, amsgrad=True)
    (p * p).sum().backward()
    optimizer.step()
    checkpoint = {"optimizer": optimizer.state_dict(), "epoch": 3, "note": None, "ok": True,
                  "history": [0.5, float("inf")], "shape": (2, 3)}
    mg.save(checkpoint, tmp_path / "checkpoint.npz")
    loaded = mg.load(tmp_path / "checkpoint.npz")

    state, groups = loaded["optimizer"]["state"], loaded["optimizer"]["param_groups"]
    assert list(state) == [0]  # integer parameter ids stay integers
    assert state[0]["step"] == 1 and isinstance(state[0]["step"], int)
    for key in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"):
        assert same_bits(state[0][key], optimizer.state[p][key])
    assert groups == optimizer.state_dict()["param_groups"]
    assert groups[0]["betas"] == (0.9, 0.999)  # a tuple, not a list
    assert {k: loaded[k] for k in ("epoch", "note", "ok", "history", "shape")} == {
        "epoch": 3, "note": None, "ok": True, "history": [0.5, float("inf")], "shape": (2, 3)
    }


def test_single_tensor_and_numpy_values_round_trip(tmp_path):
    t = mg.tensor([[1.5, 2.5]], requires_grad=True)
    mg.save(t, tmp_path / "t.npz")
    loaded = mg.load(tmp_path / "t.npz")
    assert isinstance(loaded, mg.Tensor) and loaded.requires_grad and same_bits(loaded, t)
    mg.save({"best": np.float32(0.25)}, tmp_path / "s.npz")
    best = mg.load(tmp_path / "s.npz")["best"]
    assert type(best) is np.float32 and best == np.float32(0.25)


def test_entries_are_named_by_their_keys(tmp_path):
    mg.save({"model": TinyModel().state_dict(), "epoch": 1}, tmp_path / "c.npz")
    with np.load(tmp_path / "c.npz", allow_pickle=False) as archive:
        assert set(archive.files) == {"model/weight", "model/bias", "model/steps", "__minigrad__"}


def test_model_loads_what_it_saved(tmp_path):
    model, copy = TinyModel(), TinyModel()
    mg.save(model.state_dict(), tmp_path / "model.npz")
    copy.load_state_dict(mg.load(tmp_path / "model.npz"))
    for key, value in model.state_dict().items():
        assert same_bits(copy.state_dict()[key], value)


def test_loading_into_a_different_model_names_the_key(tmp_path):
    mg.save(TinyModel(width=3).state_dict(), tmp_path / "model.npz")
    with pytest.raises(ValueError, match="'weight' has shape \\(3, 2\\)"):
        TinyModel(width=4).load_state_dict(mg.load(tmp_path / "model.npz"))
    mg.save({"other.weight": mg.zeros(3, 2)}, tmp_path / "other.npz")
    with pytest.raises(KeyError, match="other.weight"):
        TinyModel().load_state_dict(mg.load(tmp_path / "other.npz"))


def fail_midway(monkeypatch):
    """Make the second array write die after writing some bytes (a full disk, a crash)."""
    real_write, calls = np.lib.format.write_array, []

    def write_then_fail(file, array, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            file.write(b"partial")
            raise OSError("No space left on device")
        real_write(file, array, *args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", write_then_fail)


def test_failed_save_leaves_the_old_file_and_no_leftovers(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    mg.save({"a": mg.ones(2)}, path)
    old_bytes = path.read_bytes()
    fail_midway(monkeypatch)
    with pytest.raises(OSError, match="No space"):
        mg.save({"a": mg.zeros(2), "b": mg.zeros(3)}, path)
    assert path.read_bytes() == old_bytes
    assert [f.name for f in tmp_path.iterdir()] == ["model.npz"]


def test_failed_first_save_leaves_nothing(tmp_path, monkeypatch):
    fail_midway(monkeypatch)
    with pytest.raises(OSError):
        mg.save({"a": mg.zeros(2), "b": mg.zeros(3)}, tmp_path / "model.npz")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("keep", [0.5, 0.95])
def test_truncated_file_is_a_clear_error_naming_it(tmp_path, keep):
    path = tmp_path / "model.npz"
    mg.save(TinyModel().state_dict(), path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ValueError, match=r"mg.load: cannot read .*model\.npz.*truncated"):
        mg.load(path)


def write_npy(path):
    with open(path, "wb") as file:  # a file object, so numpy adds no .npy suffix
        np.save(file, np.zeros(3))


@pytest.mark.parametrize(
    "write", [lambda path: path.write_bytes(b"not a zip at all"), write_npy], ids=["junk", "npy"]
)
def test_other_files_are_refused_clearly(tmp_path, write):
    path = tmp_path / "weights.npz"
    write(path)
    with pytest.raises(ValueError, match="weights.npz"):
        mg.load(path)


def test_object_arrays_are_refused_both_ways(tmp_path):
    objects = np.array([{"code": "runs on load"}, 1], dtype=object)
    with pytest.raises(TypeError, match="'evil' is an object array"):
        mg.save({"evil": objects}, tmp_path / "x.npz")
    np.savez(tmp_path / "pickled.npz", evil=objects)  # numpy pickles object arrays
    with pytest.raises(ValueError, match="pickled.npz.*allow_pickle=False"):
        mg.load(tmp_path / "pickled.npz")


def test_unsupported_values_are_refused_with_their_place(tmp_path):
    with pytest.raises(TypeError, match="cannot save a function \\(at 'schedule/0'\\)"):
        mg.save({"schedule": [lambda epoch: 1.0]}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="dict keys must be str or int"):
        mg.save({(1, 2): mg.zeros(1)}, tmp_path / "x.npz")
    assert list(tmp_path.iterdir()) == []


def test_plain_numpy_npz_loads_as_a_dict_of_arrays(tmp_path):
    np.savez(tmp_path / "plain.npz", weight=np.ones((2, 2), np.float32), bias=np.zeros(2))
    loaded = mg.load(tmp_path / "plain.npz")
    assert set(loaded) == {"weight", "bias"} and same_bits(loaded["bias"], np.zeros(2))


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        mg.load(tmp_path / "nothing.npz")
