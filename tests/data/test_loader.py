import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad.data import (
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
    random_split,
)


def _ids(loader):
    """The sample ids (the second field) of one epoch, batch by batch."""
    return [y.tolist() for _, y in loader]


def _dataset(n):
    return TensorDataset(np.arange(2 * n, dtype=np.float32).reshape(n, 2), np.arange(n))


@given(
    n=st.integers(0, 40),
    batch_size=st.integers(1, 12),
    shuffle=st.booleans(),
    drop_last=st.booleans(),
    fast=st.booleans(),
)
def test_every_sample_comes_exactly_once_per_epoch(n, batch_size, shuffle, drop_last, fast):
    loader = DataLoader(
        _dataset(n),
        batch_size=batch_size,
        shuffle=shuffle,
        drop_last=drop_last,
        collate_fn=None if fast else default_collate,
    )
    for _ in range(2):
        batches = _ids(loader)
        assert len(batches) == len(loader)
        seen = sum(batches, [])
        assert len(seen) == len(set(seen))
        if drop_last:
            assert all(len(b) == batch_size for b in batches)
            assert len(seen) == n - n % batch_size
        else:
            assert sorted(seen) == list(range(n))


def test_without_shuffle_the_order_is_the_dataset_order():
    assert _ids(DataLoader(_dataset(7), batch_size=3)) == [[0, 1, 2], [3, 4, 5], [6]]


def test_len_counts_batches_with_and_without_the_last_partial_one():
    assert len(DataLoader(_dataset(10), batch_size=4)) == 3
    assert len(DataLoader(_dataset(10), batch_size=4, drop_last=True)) == 2
    assert len(DataLoader(_dataset(8), batch_size=4, drop_last=True)) == 2


def test_seeded_shuffle_repeats_each_epoch_and_changes_between_epochs():
    first = DataLoader(_dataset(30), batch_size=30, shuffle=True, seed=5)
    second = DataLoader(_dataset(30), batch_size=30, shuffle=True, seed=5)
    epochs_a = [_ids(first) for _ in range(3)]
    epochs_b = [_ids(second) for _ in range(3)]
    assert epochs_a == epochs_b
    assert epochs_a[0] != epochs_a[1] != epochs_a[2]


def test_seeded_shuffle_does_not_depend_on_the_global_generator():
    loader = DataLoader(_dataset(30), batch_size=30, shuffle=True, seed=5)
    mg.manual_seed(1)
    a = _ids(loader)
    loader = DataLoader(_dataset(30), batch_size=30, shuffle=True, seed=5)
    mg.manual_seed(2)
    assert _ids(loader) == a


def test_unseeded_shuffle_follows_manual_seed():
    mg.manual_seed(11)
    a = _ids(DataLoader(_dataset(30), batch_size=30, shuffle=True))
    mg.manual_seed(11)
    assert _ids(DataLoader(_dataset(30), batch_size=30, shuffle=True)) == a
    assert a != [list(range(30))]


def test_batches_are_tensors_with_training_dtypes():
    images = np.random.rand(10, 1, 8, 8)  # float64, as numpy makes it
    labels = np.arange(10, dtype=np.uint8)
    masks = np.arange(10) % 2 == 0
    x, y, m = next(iter(DataLoader(TensorDataset(images, labels, masks), batch_size=4)))
    assert isinstance(x, mg.Tensor) and x.shape == (4, 1, 8, 8) and x.dtype == np.float32
    assert y.shape == (4,) and y.dtype == np.int64
    assert m.dtype == np.bool_
    np.testing.assert_allclose(x.numpy(), images[:4].astype(np.float32))


@pytest.mark.parametrize("wrap", [np.asarray, mg.tensor])
@pytest.mark.parametrize("through_subset", [False, True])
def test_tensor_dataset_fast_path_gives_the_generic_paths_batches(wrap, through_subset):
    x = wrap(np.random.rand(23, 3).astype(np.float32))
    y = wrap(np.arange(23) % 4)
    ds = TensorDataset(x, y)
    if through_subset:
        ds = random_split(ds, [0.6, 0.4], generator=0)[1]
    fast = DataLoader(ds, batch_size=4, shuffle=True, seed=9)
    generic = DataLoader(ds, batch_size=4, shuffle=True, seed=9, collate_fn=default_collate)
    assert fast._rows_of_arrays is not None and generic._rows_of_arrays is None
    for (xf, yf), (xg, yg) in zip(fast, generic, strict=True):
        assert xf.dtype == xg.dtype and yf.dtype == yg.dtype
        np.testing.assert_array_equal(xf.numpy(), xg.numpy())
        np.testing.assert_array_equal(yf.numpy(), yg.numpy())


class _Samples(Dataset):
    """Samples of mixed kinds, fetched one by one (no fast path)."""

    def __getitem__(self, index):
        return {"x": np.full((2,), index, np.float32), "pair": (index, float(index) / 2)}

    def __len__(self):
        return 5


def test_default_collate_keeps_dict_and_tuple_structure():
    batch = next(iter(DataLoader(_Samples(), batch_size=3)))
    assert batch["x"].shape == (3, 2)
    ints, floats = batch["pair"]
    assert ints.dtype == np.int64 and ints.tolist() == [0, 1, 2]
    assert floats.dtype == np.float32 and floats.tolist() == [0.0, 0.5, 1.0]


def test_default_collate_stacks_tensors():
    batch = default_collate([mg.tensor([1.0, 2.0]), mg.tensor([3.0, 4.0])])
    assert batch.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_default_collate_names_the_different_shapes():
    with pytest.raises(ValueError, match=r"same shape.*\(2,\).*\(3,\)"):
        default_collate([np.zeros(2), np.zeros(3)])


def test_default_collate_rejects_what_it_cannot_batch():
    with pytest.raises(TypeError, match="cannot batch samples of type str"):
        default_collate(["a", "b"])
    with pytest.raises(ValueError, match="different numbers of fields"):
        default_collate([(1, 2), (1,)])


def test_custom_collate_fn_receives_the_samples():
    seen = []
    loader = DataLoader(_dataset(5), batch_size=2, collate_fn=lambda s: seen.append(s) or len(s))
    assert list(loader) == [2, 2, 1]
    assert len(seen[0]) == 2 and seen[0][1][1] == 1


@pytest.mark.parametrize("batch_size", [0, -1, 2.0, True])
def test_batch_size_must_be_a_positive_int(batch_size):
    with pytest.raises(ValueError, match="DataLoader: batch_size"):
        DataLoader(_dataset(4), batch_size=batch_size)


def test_batches_come_out_on_the_cpu_by_default():
    x, _ = next(iter(DataLoader(_dataset(4), batch_size=2, device="cpu")))
    assert x.device == "cpu"


@pytest.mark.skipif(mg.cuda.is_available(), reason="needs a machine without a GPU")
def test_asking_for_cuda_without_a_gpu_fails_when_the_loader_is_made():
    with pytest.raises(RuntimeError, match="no GPU is usable"):
        DataLoader(_dataset(4), device="cuda")


@pytest.mark.gpu
@pytest.mark.parametrize("collate_fn", [None, default_collate])
def test_device_cuda_moves_every_batch_to_the_gpu(collate_fn):
    loader = DataLoader(_dataset(6), batch_size=4, device="cuda", collate_fn=collate_fn)
    batches = list(loader)
    assert all(x.device == "cuda" and y.device == "cuda" for x, y in batches)
    np.testing.assert_array_equal(batches[1][1].numpy(), [4, 5])


# ---- samplers, batch samplers, generators and streams ---------------------------------------


def test_loader_follows_a_given_sampler():
    sampler = SubsetRandomSampler([1, 3, 5, 7, 9], generator=0)
    batches = _ids(DataLoader(_dataset(10), batch_size=2, sampler=sampler))
    assert [len(b) for b in batches] == [2, 2, 1]
    assert sorted(i for batch in batches for i in batch) == [1, 3, 5, 7, 9]


def test_loader_with_a_weighted_sampler_oversamples():
    sampler = WeightedRandomSampler([0.0] * 9 + [1.0], num_samples=8, generator=0)
    loader = DataLoader(_dataset(10), batch_size=4, sampler=sampler)
    assert len(loader) == 2 and _ids(loader) == [[9] * 4, [9] * 4]


def test_loader_follows_a_given_batch_sampler():
    batch_sampler = [[4, 0], [2], [1, 3, 5]]
    loader = DataLoader(_dataset(6), batch_sampler=batch_sampler)
    assert _ids(loader) == batch_sampler and len(loader) == 3
    generic = DataLoader(_dataset(6), batch_sampler=batch_sampler, collate_fn=default_collate)
    assert _ids(generic) == batch_sampler


def test_shuffle_is_a_random_sampler_drawing_from_the_generator():
    first = DataLoader(_dataset(30), batch_size=30, shuffle=True, generator=4)
    second = DataLoader(_dataset(30), batch_size=30, shuffle=True,
                        generator=np.random.default_rng(4))
    assert isinstance(first.sampler, RandomSampler)
    epochs = [_ids(first) for _ in range(2)]
    assert epochs == [_ids(second) for _ in range(2)]
    assert epochs[0] != epochs[1]
    assert epochs[0] == [list(RandomSampler(range(30), generator=4))]


class _Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return ((np.float32(i), i) for i in range(self.n))

    def __len__(self):
        return self.n


@pytest.mark.parametrize("drop_last, want", [(False, [[0, 1, 2], [3, 4, 5], [6]]),
                                              (True, [[0, 1, 2], [3, 4, 5]])])
def test_iterable_dataset_is_batched_in_stream_order(drop_last, want):
    loader = DataLoader(_Stream(7), batch_size=3, drop_last=drop_last)
    assert _ids(loader) == want and len(loader) == len(want)
    x, _ = next(iter(loader))
    assert x.dtype == np.float32 and x.tolist() == [0.0, 1.0, 2.0]


@pytest.mark.parametrize("options, message", [
    ({"shuffle": True}, "IterableDataset: expected unspecified shuffle"),
    ({"sampler": [0, 1]}, "IterableDataset: expected unspecified sampler"),
    ({"batch_sampler": [[0]]}, "IterableDataset: expected unspecified batch_sampler"),
])
def test_iterable_dataset_refuses_orders(options, message):
    with pytest.raises(ValueError, match=message):
        DataLoader(_Stream(3), **options)


@pytest.mark.parametrize("options, message", [
    ({"sampler": [0, 1], "shuffle": True}, "sampler option is mutually exclusive with shuffle"),
    ({"batch_sampler": [[0]], "batch_size": 2}, "batch_sampler option is mutually exclusive"),
    ({"batch_sampler": [[0]], "shuffle": True}, "batch_sampler option is mutually exclusive"),
    ({"batch_sampler": [[0]], "sampler": [0]}, "batch_sampler option is mutually exclusive"),
    ({"batch_sampler": [[0]], "drop_last": True}, "batch_sampler option is mutually exclusive"),
    ({"shuffle": True, "seed": 1, "generator": 2}, "seed steers the shuffle"),
    ({"sampler": [0, 1], "seed": 1}, "seed steers the shuffle"),
])
def test_exclusive_loader_options_are_refused(options, message):
    with pytest.raises(ValueError, match=f"DataLoader: {message}"):
        DataLoader(_dataset(4), **options)
