import numpy as np
import pytest

from minigrad.data import (
    ChainDataset,
    ConcatDataset,
    IterableDataset,
    StackDataset,
    Subset,
    TensorDataset,
)


class Count(IterableDataset):
    """start, start + 1, ..., stop − 1, streamed."""

    def __init__(self, start, stop):
        self.start, self.stop = start, stop

    def __iter__(self):
        return iter(range(self.start, self.stop))

    def __len__(self):
        return self.stop - self.start


def numbers(*values):
    return TensorDataset(np.array(values))


def test_concat_dataset_indexes_across_its_parts():
    ds = ConcatDataset([numbers(0, 1, 2), numbers(), numbers(3, 4)])
    assert len(ds) == 5 and ds.cumulative_sizes == [3, 3, 5]
    assert [int(ds[i][0]) for i in range(5)] == [0, 1, 2, 3, 4]
    assert int(ds[-1][0]) == 4 and int(ds[-5][0]) == 0


def test_adding_datasets_concatenates_them():
    ds = numbers(0, 1) + Subset(numbers(5, 6, 7), [2])
    assert isinstance(ds, ConcatDataset)
    assert [int(ds[i][0]) for i in range(len(ds))] == [0, 1, 7]


@pytest.mark.parametrize("index", [5, -6])
def test_concat_dataset_index_out_of_range(index):
    with pytest.raises(IndexError, match=f"index {index} is out of range for 5 samples"):
        ConcatDataset([numbers(0, 1, 2), numbers(3, 4)])[index]


def test_concat_dataset_errors():
    with pytest.raises(ValueError, match="empty"):
        ConcatDataset([])
    with pytest.raises(TypeError, match="does not support IterableDataset"):
        ConcatDataset([numbers(1), Count(0, 2)])


def test_chain_dataset_streams_one_after_another():
    chain = ChainDataset([Count(0, 3), Count(10, 12)])
    assert list(chain) == [0, 1, 2, 10, 11] and list(chain) == [0, 1, 2, 10, 11]
    assert len(chain) == 5
    assert list(Count(0, 2) + Count(5, 6)) == [0, 1, 5]


def test_chain_dataset_refuses_map_style_datasets():
    with pytest.raises(TypeError, match="only supports IterableDataset, got TensorDataset"):
        ChainDataset([Count(0, 1), numbers(1)])


def test_iterable_dataset_cannot_be_indexed():
    with pytest.raises(TypeError, match="Count is an IterableDataset"):
        Count(0, 3)[0]


def test_stack_dataset_gives_tuples_or_dicts():
    images, labels = numbers(10, 20, 30), numbers(1, 2, 3)
    by_position = StackDataset(images, labels)
    assert len(by_position) == 3
    (image,), (label,) = by_position[1]
    assert (int(image), int(label)) == (20, 2)
    by_name = StackDataset(image=images, label=labels)
    sample = by_name[2]
    assert set(sample) == {"image", "label"} and int(sample["label"][0]) == 3


def test_stack_dataset_errors():
    with pytest.raises(ValueError, match="not both"):
        StackDataset(numbers(1), label=numbers(2))
    with pytest.raises(ValueError, match="at least one"):
        StackDataset()
    with pytest.raises(ValueError, match=r"size mismatch.*'image': 2, 'label': 1"):
        StackDataset(image=numbers(1, 2), label=numbers(3))
