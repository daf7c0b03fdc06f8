import numpy as np
import pytest

import minigrad as mg
from minigrad.data import Dataset, Subset, TensorDataset, TransformedDataset, random_split


def test_tensor_dataset_returns_one_row_of_each_array():
    x = np.arange(12.0).reshape(4, 3)
    y = np.array([7, 8, 9, 10])
    ds = TensorDataset(x, y)
    assert len(ds) == 4
    row, label = ds[2]
    np.testing.assert_array_equal(row, x[2])
    assert label == 9


def test_tensor_dataset_keeps_tensors_as_tensors():
    x = mg.tensor(np.arange(6.0).reshape(3, 2))
    row, = TensorDataset(x)[1]
    assert isinstance(row, mg.Tensor)
    assert row.tolist() == [2.0, 3.0]


def test_tensor_dataset_with_different_first_dims_names_the_shapes():
    with pytest.raises(ValueError, match=r"TensorDataset.*dim 0.*\(4, 3\).*\(5,\)"):
        TensorDataset(np.zeros((4, 3)), np.zeros(5))


def test_tensor_dataset_rejects_scalars_and_empty_calls():
    with pytest.raises(ValueError, match="first dimension"):
        TensorDataset(np.float32(1.0))
    with pytest.raises(ValueError, match="at least one"):
        TensorDataset()


def test_dataset_base_class_says_what_a_subclass_must_define():
    class Empty(Dataset):
        pass

    with pytest.raises(NotImplementedError, match="Empty must define __getitem__"):
        Empty()[0]
    with pytest.raises(NotImplementedError, match="Empty must define __len__"):
        len(Empty())


def test_subset_maps_its_indices_to_the_dataset():
    ds = TensorDataset(np.arange(10) * 10)
    sub = Subset(ds, [9, 0, 4])
    assert len(sub) == 3
    assert [int(sub[i][0]) for i in range(3)] == [90, 0, 40]


def _members(subset):
    return sorted(int(subset[i][0]) for i in range(len(subset)))


def test_random_split_with_counts_is_a_partition():
    ds = TensorDataset(np.arange(20))
    parts = random_split(ds, [5, 8, 7], generator=0)
    assert [len(p) for p in parts] == [5, 8, 7]
    assert sorted(sum((_members(p) for p in parts), [])) == list(range(20))


def test_random_split_fractions_round_down_and_hand_out_the_rest_from_the_front():
    ds = TensorDataset(np.arange(10))
    parts = random_split(ds, [0.33, 0.33, 0.34], generator=0)
    assert [len(p) for p in parts] == [4, 3, 3]


def test_random_split_is_reproducible_with_a_seed_and_differs_between_seeds():
    ds = TensorDataset(np.arange(50))
    a = random_split(ds, [0.5, 0.5], generator=1)
    b = random_split(ds, [0.5, 0.5], generator=1)
    c = random_split(ds, [0.5, 0.5], generator=2)
    assert a[0].indices == b[0].indices
    assert a[0].indices != c[0].indices


def test_random_split_without_generator_follows_manual_seed():
    ds = TensorDataset(np.arange(50))
    mg.manual_seed(3)
    first = random_split(ds, [25, 25])[0].indices
    mg.manual_seed(3)
    assert random_split(ds, [25, 25])[0].indices == first


@pytest.mark.parametrize("lengths", [[5, 6], [0.5, 0.6], [-1, 11], [1.5, -0.5]])
def test_random_split_rejects_lengths_that_do_not_cover_the_dataset(lengths):
    with pytest.raises(ValueError, match="random_split: lengths"):
        random_split(TensorDataset(np.arange(10)), lengths)


def test_transformed_dataset_transforms_input_and_target():
    ds = TensorDataset(np.ones((3, 2)), np.array([0, 1, 2]))
    wrapped = TransformedDataset(ds, transform=lambda x: x * 5, target_transform=lambda y: y + 1)
    x, y = wrapped[2]
    np.testing.assert_array_equal(x, [5.0, 5.0])
    assert y == 3
    assert len(wrapped) == 3


def test_transformed_dataset_of_single_inputs_transforms_them():
    class Numbers(Dataset):
        def __getitem__(self, index):
            return np.float32(index)

        def __len__(self):
            return 4

    assert TransformedDataset(Numbers(), transform=lambda x: -x)[3] == -3.0
