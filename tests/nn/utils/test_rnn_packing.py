"""nn.utils.rnn: packing and padding against PyTorch's (tests/fixtures/torch_packed.npz, from
make_torch_fixtures_packed.py) and an independent numpy reference, their gradients against
finite differences, and their errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
from minigrad.nn.utils.rnn import (
    PackedSequence,
    pack_padded_sequence,
    pack_sequence,
    pad_packed_sequence,
    pad_sequence,
    unpack_sequence,
    unpad_sequence,
)
from tests.gradients import check_gradients
from tests.torch_fixtures import load_torch_cases

PACKING_CASES = load_torch_cases("torch_packed.npz", "pack_")
CLOSE = {"rtol": 1e-6, "atol": 1e-7}


@pytest.mark.parametrize("name", PACKING_CASES)
def test_packing_and_padding_match_pytorch(name):
    case = PACKING_CASES[name]
    config = case["config"]
    x = mg.tensor(case["input"], requires_grad=True)
    packed = pack_padded_sequence(x, config["lengths"], batch_first=config["batch_first"],
                                  enforce_sorted=config["enforce_sorted"])
    np.testing.assert_array_equal(packed.data.numpy(), case["data"])
    assert packed.batch_sizes.dtype == mg.int64 and packed.batch_sizes.device == "cpu"
    np.testing.assert_array_equal(packed.batch_sizes.numpy(), case["batch_sizes"])
    for indices in ("sorted_indices", "unsorted_indices"):
        if indices in case:
            np.testing.assert_array_equal(getattr(packed, indices).numpy(), case[indices])
        else:
            assert getattr(packed, indices) is None
    padded, lengths = pad_packed_sequence(packed, batch_first=config["batch_first"],
                                          padding_value=-1.0,
                                          total_length=max(config["lengths"]) + 1)
    np.testing.assert_array_equal(padded.numpy(), case["padded"])
    np.testing.assert_array_equal(lengths.numpy(), case["lengths"])
    assert lengths.dtype == mg.int64
    (packed.data * mg.tensor(case["cotangent"])).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), case["grad.input"], **CLOSE)


def test_pack_sequence_lists_steps_longest_first_and_unpacks_to_the_sequences():
    """The module docstring's example: lengths [5, 3, 3, 1] given as [1, 5, 3, 3]."""
    sequences = [mg.tensor(np.full((n, 2), k, dtype=np.float32))
                 for k, n in enumerate([1, 5, 3, 3])]
    packed = pack_sequence(sequences, enforce_sorted=False)
    np.testing.assert_array_equal(packed.batch_sizes.numpy(), [4, 3, 3, 1, 1])
    np.testing.assert_array_equal(packed.data.numpy()[:, 0],
                                  [1, 2, 3, 0, 1, 2, 3, 1, 2, 3, 1, 1])
    for unpacked, sequence in zip(unpack_sequence(packed), sequences, strict=True):
        np.testing.assert_array_equal(unpacked.numpy(), sequence.numpy())


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence_matches_a_numpy_reference(batch_first, padding_side):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((n, 2, 3)).astype(np.float32) for n in (2, 4, 0, 1)]
    padded = pad_sequence([mg.tensor(a) for a in arrays], batch_first=batch_first,
                          padding_value=7.0, padding_side=padding_side).numpy()
    expected = np.full((4, 4, 2, 3), 7.0, dtype=np.float32)  # (N, L, ...)
    for n, a in enumerate(arrays):
        if padding_side == "left":
            expected[n, 4 - len(a):] = a
        else:
            expected[n, : len(a)] = a
    assert padded.dtype == np.float32
    np.testing.assert_array_equal(padded, expected if batch_first else expected.swapaxes(0, 1))
    unpadded = unpad_sequence(mg.tensor(expected), [2, 4, 0, 1], batch_first=True)
    if padding_side == "right":
        for got, a in zip(unpadded, arrays, strict=True):
            np.testing.assert_array_equal(got.numpy(), a)


def test_packed_sequence_computes_unsorted_indices_and_converts_its_data():
    data = mg.randn(3, 2)
    packed = PackedSequence(data, mg.tensor([2, 1], dtype=mg.int64),
                            mg.tensor([1, 0], dtype=mg.int64))
    np.testing.assert_array_equal(packed.unsorted_indices.numpy(), [1, 0])
    double = packed.double()
    assert double.data.dtype == mg.float64 and double.batch_sizes.dtype == mg.int64
    assert isinstance(double, PackedSequence) and not double.is_cuda
    assert PackedSequence(data, [2, 1]).batch_sizes.dtype == mg.int64


def test_padding_and_packing_on_standin_cuda(standin_gpu):
    arrays = [np.arange(n * 2, dtype=np.float32).reshape(n, 2) for n in (2, 3, 1)]
    sequences = [mg.tensor(a, device="cuda") for a in arrays]
    padded = pad_sequence(sequences, batch_first=True, padding_side="left")
    packed = pack_sequence(sequences, enforce_sorted=False)
    assert padded.device == packed.data.device == packed.sorted_indices.device == "cuda"
    assert packed.batch_sizes.device == "cpu" and packed.to("cpu").data.device == "cpu"
    np.testing.assert_array_equal(padded.numpy()[2, 2], arrays[2][0])
    for unpacked, a in zip(unpack_sequence(packed), arrays, strict=True):
        np.testing.assert_array_equal(unpacked.numpy(), a)


lengths_lists = st.lists(st.integers(1, 3), min_size=1, max_size=3)


@settings(max_examples=10, deadline=None)
@given(lengths=lengths_lists, batch_first=st.booleans(), seed=st.integers(0, 2**16))
def test_pack_and_pad_gradients_match_finite_differences(lengths, batch_first, seed):
    steps, batch = max(lengths), len(lengths)
    shape = (batch, steps, 2) if batch_first else (steps, batch, 2)
    x = np.random.default_rng(seed).standard_normal(shape)

    def packed_then_padded(t):
        packed = pack_padded_sequence(t, lengths, batch_first=batch_first, enforce_sorted=False)
        padded, _ = pad_packed_sequence(packed, batch_first=batch_first, padding_value=0.5,
                                        total_length=steps + 1)
        return mg.cat([packed.data.flatten() * 3, padded.flatten()])

    assert check_gradients(packed_then_padded, x)


@settings(max_examples=10, deadline=None)
@given(lengths=lengths_lists, padding_side=st.sampled_from(["left", "right"]),
       seed=st.integers(0, 2**16))
def test_pad_sequence_and_unpad_gradients_match_finite_differences(lengths, padding_side, seed):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal((n, 2)) for n in lengths]

    def padded_and_unpadded(*sequences):
        padded = pad_sequence(sequences, padding_side=padding_side, padding_value=-2.0)
        pieces = unpad_sequence(padded * padded, lengths) if padding_side == "right" else []
        packed = pack_sequence(sequences, enforce_sorted=False)
        return mg.cat([padded.flatten(), packed.data.flatten(), *(p.flatten() for p in pieces)])

    assert check_gradients(padded_and_unpadded, *arrays)


# ---- errors: our type, naming the function and what it was given -----------------------------


def test_unsorted_lengths_with_enforce_sorted_are_an_error():
    with pytest.raises(ValueError, match=r"pack_padded_sequence: lengths must be sorted in "
                                         r"decreasing order when enforce_sorted=True, got "
                                         r"\[1, 5\]"):
        pack_padded_sequence(mg.zeros(5, 2, 3), [1, 5])
    with pytest.raises(ValueError, match=r"pack_sequence: lengths must be sorted"):
        pack_sequence([mg.zeros(1, 2), mg.zeros(3, 2)])


@pytest.mark.parametrize("lengths", [[5, 0], [6, 1], [5, -1]])
def test_lengths_out_of_range_are_an_error(lengths):
    with pytest.raises(ValueError, match=r"pack_padded_sequence: every length must be between 1 "
                                         r"and the input's length 5, got"):
        pack_padded_sequence(mg.zeros(5, 2, 3), lengths, enforce_sorted=False)


def test_a_zero_length_sequence_cannot_be_packed():
    with pytest.raises(ValueError, match=r"pack_sequence: every length must be between 1 and"):
        pack_sequence([mg.zeros(3, 2), mg.zeros(0, 2)])


def test_wrong_number_or_kind_of_lengths_is_an_error():
    with pytest.raises(ValueError, match=r"pack_padded_sequence: expected one length per "
                                         r"sequence, 2 for input of shape \(5, 2, 3\), got 3"):
        pack_padded_sequence(mg.zeros(5, 2, 3), [5, 1, 1])
    with pytest.raises(TypeError, match=r"lengths must be a 1-D list or tensor of integers, got "
                                        r"float32"):
        pack_padded_sequence(mg.zeros(5, 2, 3), mg.tensor([5.0, 1.0]))
    with pytest.raises(ValueError, match=r"expected a padded input \(L, N, \*\) or \(N, L, \*\), "
                                         r"got shape \(5,\)"):
        pack_padded_sequence(mg.zeros(5), [5])
    with pytest.raises(ValueError, match=r"unpad_sequence: every length must be between 0 and "
                                         r"the input's length 5, got \[5, 6\]"):
        unpad_sequence(mg.zeros(5, 2, 3), [5, 6])


def test_total_length_shorter_than_the_longest_sequence_is_an_error():
    packed = pack_sequence([mg.zeros(5, 2), mg.zeros(2, 2)])
    with pytest.raises(ValueError, match=r"pad_packed_sequence: expected total_length to be at "
                                         r"least the length of the longest sequence, 5, got "
                                         r"total_length=4"):
        pad_packed_sequence(packed, total_length=4)
    with pytest.raises(TypeError, match=r"pad_packed_sequence: expected a PackedSequence, got "
                                        r"Tensor"):
        pad_packed_sequence(mg.zeros(5, 2, 2))


def test_sequences_that_do_not_line_up_are_an_error():
    with pytest.raises(TypeError, match=r"pad_sequence: expected a non-empty list of tensors"):
        pad_sequence([])
    with pytest.raises(ValueError, match=r"pad_sequence: expected tensors \(length, \*\) with the "
                                         r"same trailing dims, got shapes \[\(3, 2\), \(2, 3\)\]"):
        pad_sequence([mg.zeros(3, 2), mg.zeros(2, 3)])
    with pytest.raises(TypeError, match=r"pad_sequence: expected tensors of one dtype, got "
                                        r"\['float32', 'float64'\]"):
        pad_sequence([mg.zeros(3, 2), mg.zeros(2, 2, dtype=mg.float64)])
    with pytest.raises(ValueError, match=r"pad_sequence: padding_side must be 'left' or 'right', "
                                         r"got 'middle'"):
        pad_sequence([mg.zeros(3, 2)], padding_side="middle")


@pytest.mark.parametrize("batch_sizes", [[1, 2], [2, 0, 1], [2, 2], [[2, 1]]])
def test_batch_sizes_that_do_not_describe_the_data_are_an_error(batch_sizes):
    with pytest.raises(ValueError, match=r"PackedSequence: batch_sizes must be positive, "
                                         r"non-increasing integers that add up to the 3 rows"):
        PackedSequence(mg.zeros(3, 2), batch_sizes)
