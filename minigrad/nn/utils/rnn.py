"""Sequences of different lengths in one batch, as in `torch.nn.utils.rnn`.

A batch of sequences of lengths len_n is held either PADDED, one tensor (L, N, *) (or
(N, L, *) with batch_first) in which sequence n fills steps 0 .. len_n − 1 and the rest is
padding_value, or PACKED, a `PackedSequence` that keeps only the real steps. Packed data lists
the sequences longest first, step by step: step 0 of every sequence, then step 1 of those that
have one, and so on; batch_sizes[t] is how many sequences have a step t. For lengths
[5, 3, 3, 1] (sequences a, b, c, d):

    batch_sizes = [4, 3, 3, 1, 1]       data rows: a0 b0 c0 d0 | a1 b1 c1 | a2 b2 c2 | a3 | a4

Given a PackedSequence, RNN, LSTM and GRU run step t on the first batch_sizes[t] sequences
only (see ops/recurrence_steps.py): no step reads padding, each sequence's final state is its
state at its own last step, and the reverse direction starts at each sequence's own end. When
the lengths come unsorted (enforce_sorted=False), the batch is sorted first: sorted_indices[j]
is the batch position of the j-th longest sequence (ties keep their order), unsorted_indices
its inverse; the layers return their final states in the original batch order.

Every function here only moves rows of its input by index (`Tensor.__getitem__` with an
integer array; where the result has padding, it reads an extra row of padding_value appended
to the data), so gradients flow back to the data through the indexing's backward, and the
padding gets none. The index arrays are built on the CPU from the lengths (plain numpy).
"""

from collections import namedtuple

import numpy as np

from minigrad import dtypes
from minigrad.conversion import ConversionShortcuts, parse_to_args
from minigrad.creation import full, tensor
from minigrad.ops.movement import cat
from minigrad.tensor import Tensor

PADDING_SIDES = ("left", "right")


class PackedSequence(
    namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"]),
    ConversionShortcuts,
):
    """data (Σ lengths, *): the steps of every sequence, step by step, longest first;
    batch_sizes: int64 CPU tensor (max length,), the number of sequences at each step;
    sorted_indices / unsorted_indices: the batch order of the sorted sequences and its
    inverse, or None when the batch came sorted. Made by `pack_padded_sequence` or
    `pack_sequence`, not by hand (as in PyTorch); given sorted_indices alone, the constructor
    computes unsorted_indices."""

    __slots__ = ()

    def __new__(cls, data, batch_sizes, sorted_indices=None, unsorted_indices=None):
        batch_sizes = _checked_batch_sizes(data, batch_sizes)
        if sorted_indices is not None and unsorted_indices is None:
            inverse = np.argsort(sorted_indices.numpy(), kind="stable")
            unsorted_indices = tensor(inverse, dtype=dtypes.int64, device=sorted_indices.device)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, dtype=None, device=None):
        """The data converted (dtype, device), the indices moved with it; batch_sizes stays
        on the CPU, as in PyTorch."""
        device, dtype = parse_to_args(args, device, dtype)
        moved = [None if i is None else i.to(device=device)
                 for i in (self.sorted_indices, self.unsorted_indices)]
        return type(self)(self.data.to(dtype=dtype, device=device), self.batch_sizes, *moved)

    @property
    def is_cuda(self):
        return self.data.device != "cpu"


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Tensors (len_n, *) as one padded tensor (L, N, *), (N, L, *) with batch_first, L the
    longest length; padding_side 'left' puts the padding before each sequence."""
    sequences = list(sequences)
    if padding_side not in PADDING_SIDES:
        raise ValueError(f"pad_sequence: padding_side must be 'left' or 'right', got "
                         f"{padding_side!r}")
    _check_sequences("pad_sequence", sequences)
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    steps = int(lengths.max())
    first_step = steps - lengths if padding_side == "left" else np.zeros_like(lengths)
    step_in_sequence = np.arange(steps)[:, None] - first_step  # (L, N)
    real = (step_in_sequence >= 0) & (step_in_sequence < lengths)
    starts = np.cumsum(lengths) - lengths  # each sequence's first row in cat(sequences)
    index = np.where(real, starts + step_in_sequence, lengths.sum())
    return _rows_with_padding(cat(sequences), index.T if batch_first else index, padding_value)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """A PackedSequence of the real steps of input (L, N, *) ((N, L, *) with batch_first),
    sequence n having lengths[n] of them. enforce_sorted=True requires the lengths in
    decreasing order (sorted_indices is then None); False sorts the batch first."""
    return _pack("pack_padded_sequence", input, lengths, batch_first, enforce_sorted)


def pack_sequence(sequences, enforce_sorted=True):
    """A PackedSequence of tensors (len_n, *): pack_padded_sequence(pad_sequence(...))."""
    sequences = list(sequences)
    _check_sequences("pack_sequence", sequences)
    lengths = [len(s) for s in sequences]
    return _pack("pack_sequence", pad_sequence(sequences), lengths, False, enforce_sorted)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """(padded (L, N, *) or (N, L, *), lengths): pack_padded_sequence undone, in the original
    batch order; L is the longest length, or total_length if given (at least that long).
    lengths is an int64 CPU tensor, as in PyTorch."""
    if not isinstance(sequence, PackedSequence):
        raise TypeError(f"pad_packed_sequence: expected a PackedSequence, got "
                        f"{type(sequence).__name__}")
    batch_sizes = sequence.batch_sizes.numpy()
    steps = len(batch_sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                f"pad_packed_sequence: expected total_length to be at least the length of the "
                f"longest sequence, {steps}, got total_length={total_length}"
            )
        steps = total_length
    lengths = sorted_lengths(batch_sizes)
    offsets = np.cumsum(batch_sizes) - batch_sizes  # each step's first row in the data
    t = np.arange(steps)[:, None]
    real = t < lengths  # (L, N), column j: the j-th longest sequence
    row = offsets[np.minimum(t, len(offsets) - 1)] + np.arange(batch_sizes[0])
    index = np.where(real, row, len(sequence.data))
    if sequence.unsorted_indices is not None:  # columns back to the original batch order
        unsorted = sequence.unsorted_indices.numpy()
        index, lengths = index[:, unsorted], lengths[unsorted]
    padded = _rows_with_padding(sequence.data, index.T if batch_first else index, padding_value)
    return padded, tensor(lengths, dtype=dtypes.int64)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """[sequence n's first lengths[n] steps, for each n]: pad_sequence undone."""
    lengths = _checked_lengths("unpad_sequence", padded_sequences, lengths, batch_first,
                               minimum=0)
    return [padded_sequences[n, :length] if batch_first else padded_sequences[:length, n]
            for n, length in enumerate(lengths.tolist())]


def unpack_sequence(packed_sequences):
    """[each sequence as a tensor (len_n, *), in the original batch order]: pack_sequence
    undone."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


def _pack(op, input, lengths, batch_first, enforce_sorted):
    lengths = _checked_lengths(op, input, lengths, batch_first, minimum=1)
    if enforce_sorted:
        if np.any(np.diff(lengths) > 0):
            raise ValueError(
                f"{op}: lengths must be sorted in decreasing order when enforce_sorted=True, got "
                f"{lengths.tolist()}; pass enforce_sorted=False to have the batch sorted"
            )
        order, sorted_indices = np.arange(len(lengths)), None
    else:
        order = np.argsort(-lengths, kind="stable")
        sorted_indices = tensor(order, dtype=dtypes.int64, device=input.device)
    longest_first = lengths[order]
    # packed rows in order: step t of the j-th longest sequence, for t, then j
    t, j = np.nonzero(np.arange(longest_first[0])[:, None] < longest_first)
    batch, steps = (input.shape[0], input.shape[1]) if batch_first else input.shape[1::-1]
    n = order[j]
    data = input.flatten(0, 1)[n * steps + t if batch_first else t * batch + n]
    batch_sizes = tensor(np.bincount(t), dtype=dtypes.int64, device="cpu")
    return PackedSequence(data, batch_sizes, sorted_indices)


def _rows_with_padding(rows, index, padding_value):
    """rows (R, *) picked by an index array: shape index.shape + *; index R reads a row of
    padding_value."""
    padding = full((1, *rows.shape[1:]), padding_value, dtype=rows.dtype, device=rows.device)
    return cat([rows, padding])[index]


def sorted_lengths(batch_sizes):
    """The sequences' lengths, longest first, from the batch sizes (a numpy array): the j-th
    longest sequence has as many steps as there are steps with more than j sequences."""
    return (batch_sizes > np.arange(batch_sizes[0])[:, None]).sum(axis=1)


def _check_sequences(op, sequences):
    if not sequences or not all(isinstance(s, Tensor) for s in sequences):
        raise TypeError(f"{op}: expected a non-empty list of tensors, got {sequences!r}")
    shapes = [tuple(s.shape) for s in sequences]
    if any(len(shape) == 0 or shape[1:] != shapes[0][1:] for shape in shapes):
        raise ValueError(f"{op}: expected tensors (length, *) with the same trailing dims, "
                         f"got shapes {shapes}")
    if len({s.dtype for s in sequences}) > 1:
        raise TypeError(f"{op}: expected tensors of one dtype, got "
                        f"{[str(s.dtype) for s in sequences]}")


def _checked_lengths(op, input, lengths, batch_first, minimum):
    """lengths (a list or an integer tensor) as an int64 numpy array, one per sequence of
    input, each between `minimum` and input's length."""
    if input.ndim < 2:
        raise ValueError(f"{op}: expected a padded input (L, N, *) or (N, L, *), got shape "
                         f"{tuple(input.shape)}")
    values = lengths.numpy() if isinstance(lengths, Tensor) else np.asarray(lengths)
    if values.ndim != 1 or (values.size and values.dtype.kind not in "iu"):
        raise TypeError(f"{op}: lengths must be a 1-D list or tensor of integers, got "
                        f"{values.dtype} of shape {values.shape}")
    batch, steps = (input.shape[0], input.shape[1]) if batch_first else input.shape[1::-1]
    if len(values) != batch or len(values) == 0:
        raise ValueError(f"{op}: expected one length per sequence, {batch} for input of shape "
                         f"{tuple(input.shape)}, got {len(values)}")
    if values.min() < minimum or values.max() > steps:
        raise ValueError(f"{op}: every length must be between {minimum} and the input's "
                         f"length {steps}, got {values.tolist()}")
    return values.astype(np.int64)


def _checked_batch_sizes(data, batch_sizes):
    """batch_sizes as an int64 CPU tensor, after checking that they describe data."""
    values = batch_sizes.numpy() if isinstance(batch_sizes, Tensor) else np.asarray(batch_sizes)
    if not isinstance(data, Tensor) or data.ndim == 0:
        raise TypeError(f"PackedSequence: expected data to be a tensor (Σ lengths, *), got "
                        f"{type(data).__name__}")
    if (values.ndim != 1 or not values.size or values.dtype.kind not in "iu"
            or values.min() < 1 or np.any(np.diff(values) > 0) or values.sum() != len(data)):
        raise ValueError(
            f"PackedSequence: batch_sizes must be positive, non-increasing integers that add "
            f"up to the {len(data)} rows of data, got {values.tolist()}"
        )
    if isinstance(batch_sizes, Tensor) and batch_sizes.dtype == dtypes.int64 and (
            batch_sizes.device == "cpu"):
        return batch_sizes
    return tensor(values, dtype=dtypes.int64, device="cpu")
