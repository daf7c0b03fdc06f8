"""`RNNBase`: what RNN, LSTM and GRU share — layers, directions, layouts, dropout, states.

A recurrent layer stack reads a sequence (L, N, features). Layer k returns its hidden state
h_t at every step; layer k+1 reads that sequence (after dropout, when training with dropout
> 0). A bidirectional layer runs a second recurrence with its own weights from the last step
to the first, and its output at step t joins the forward one's: [h→_t, h←_t], 2H features,
which is what the next layer reads. The reverse direction is the very same recurrence, run on
the sequence flipped in time; its outputs are flipped back so that step t lines up.

Sequences of different lengths come as a `nn.utils.rnn.PackedSequence`: its data holds only
the real steps, and each layer runs step t on the sequences that have a step t (the batch
shrinks as they end, see ops/recurrence_steps.py). So padding never enters a state, the final
states are each sequence's at its own last step, and the reverse direction flips each sequence
within its own length (`PackedSteps`), so it starts at that sequence's last real step.

Parameters have PyTorch's names and order, per layer k and then per direction (suffix "" and
"_reverse"): `weight_ih_l{k}{suffix}` (G·H, layer input), `weight_hh_l{k}{suffix}` (G·H, H),
`bias_ih_l{k}{suffix}` and `bias_hh_l{k}{suffix}` (G·H), with G rows per hidden unit (RNN 1,
GRU 3, LSTM 4), all initialised U(-1/√H, 1/√H). So a PyTorch state dict loads as it is. The
final states (h_n, and the LSTM's c_n) are (num_layers · num_directions, N, H), row
k · num_directions + d for layer k and direction d, as in PyTorch. An LSTM with proj_size P
projects h_t to P features (`weight_hr_l{k}{suffix}` (P, H)): h is then P wide everywhere
(outputs, h_0, h_n, and the columns of weight_hh), c stays H wide.

A subclass says how many gate rows it has (`gates`), which states it carries
(`state_names`), and runs one direction of one layer (`_recurrence`).
"""

import math
import warnings

import numpy as np

from minigrad.checks import check_floating
from minigrad.creation import empty, zeros
from minigrad.nn import functional as F
from minigrad.nn import init
from minigrad.nn.functional.dropout import check_probability
from minigrad.nn.module import Module, Parameter
from minigrad.nn.utils.rnn import PackedSequence, sorted_lengths
from minigrad.ops.movement import cat, flip, stack
from minigrad.tensor import Tensor

DIRECTION_SUFFIXES = ("", "_reverse")


def reset_recurrent_parameters(module):
    """Every weight and bias of a recurrent layer or cell drawn from U(-1/√H, 1/√H), H its
    hidden_size: PyTorch's initialisation of both."""
    bound = 1 / math.sqrt(module.hidden_size)
    for weight in module.parameters():
        init.uniform_(weight, -bound, bound)


class RNNBase(Module):
    """forward(input, hx=None) -> output, final states.

    input (L, N, input_size), or (N, L, input_size) with batch_first=True, or (L, input_size)
    for one unbatched sequence; output has the same layout with num_directions · hidden_size
    features. The states in hx and the final ones are (num_layers · num_directions, N,
    hidden_size) (no N when unbatched) whatever batch_first says; hx defaults to zeros.
    input may be a PackedSequence (batch_first then plays no part): output is then one too,
    and hx and the final states follow the batch's original order, as in PyTorch.
    """

    gates = None  # weight rows per hidden unit, set by each subclass
    state_names = ("h_0",)  # the initial states hx holds (the LSTM's: h_0 and c_0)

    def __init__(
        self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
        dropout=0.0, bidirectional=False, device=None, dtype=None, proj_size=0,
    ):
        super().__init__()
        name = type(self).__name__
        if hidden_size < 1 or num_layers < 1:
            raise ValueError(
                f"{name}: hidden_size and num_layers must be at least 1, got {hidden_size} "
                f"and {num_layers}"
            )
        if proj_size and "c_0" not in self.state_names:
            raise ValueError(f"{name}: proj_size is only supported for LSTM, got {proj_size}")
        check_probability(f"{name} dropout", dropout)
        if dropout and num_layers == 1:
            warnings.warn(
                f"{name}: dropout acts between stacked layers, so dropout={dropout} with "
                "num_layers=1 does nothing (as in PyTorch)", stacklevel=2,
            )
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, dropout
        self.bidirectional, self.proj_size = bidirectional, proj_size
        self.num_directions = 2 if bidirectional else 1
        gate_rows = self.gates * hidden_size
        output_size = proj_size or hidden_size  # the width of h_t, what the next layer reads
        for k in range(num_layers):
            layer_input = input_size if k == 0 else output_size * self.num_directions
            for suffix in self._suffixes():
                shapes = {f"weight_ih_l{k}{suffix}": (gate_rows, layer_input),
                          f"weight_hh_l{k}{suffix}": (gate_rows, output_size)}
                if bias:
                    shapes.update({f"bias_ih_l{k}{suffix}": (gate_rows,),
                                   f"bias_hh_l{k}{suffix}": (gate_rows,)})
                if proj_size:
                    shapes[f"weight_hr_l{k}{suffix}"] = (proj_size, hidden_size)
                for param_name, shape in shapes.items():
                    setattr(self, param_name, Parameter(empty(shape, device=device, dtype=dtype)))
        self.reset_parameters()

    def reset_parameters(self):
        reset_recurrent_parameters(self)

    def forward(self, input, hx=None):
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        self._check_input(input)
        batched = input.ndim == 3
        if not batched:
            input = input.unsqueeze(1)
        elif self.batch_first:
            input = input.transpose(0, 1)
        initial = self._initial_states(input.shape[1], input, hx, batched)
        sequence, final_states = self._run_layers(input, initial, PaddedSteps())
        if not batched:
            sequence, final_states = sequence.squeeze(1), [s.squeeze(1) for s in final_states]
        elif self.batch_first:
            sequence = sequence.transpose(0, 1)
        return sequence, self._as_hx(final_states)

    def _forward_packed(self, packed, hx):
        """forward on a PackedSequence: a PackedSequence of the outputs, and the final states
        (each sequence's at its own last step) in the original batch order."""
        self._check_input(packed.data, packed=True)
        steps = PackedSteps(packed)
        initial = self._initial_states(steps.batch_sizes[0], packed.data, hx, batched=True)
        if hx is not None and packed.sorted_indices is not None:
            # hx follows the batch order; the packed rows run longest first
            order = packed.sorted_indices.numpy()
            initial = [state[:, order] for state in initial]
        data, final_states = self._run_layers(packed.data, initial, steps)
        output = PackedSequence(data, packed.batch_sizes, packed.sorted_indices,
                                packed.unsorted_indices)
        return output, self._as_hx(final_states)

    def _run_layers(self, sequence, initial, steps):
        """(every step's output of the last layer, [each final state (num_layers ·
        num_directions, N, H)]), from a sequence laid out as `steps` says."""
        finals = []
        for k in range(self.num_layers):
            if k > 0:
                sequence = F.dropout(sequence, self.dropout, self.training)
            outputs = []
            for d, suffix in enumerate(self._suffixes()):
                row = k * self.num_directions + d
                output, final = self._run_direction(
                    sequence, [state[row] for state in initial], self._weights(k, suffix),
                    steps, reverse=d == 1,
                )
                outputs.append(output)
                finals.append(final)
            sequence = cat(outputs, dim=-1) if self.bidirectional else outputs[0]
        # per state (h, and the LSTM's c): (num_layers · num_directions, N, H)
        return sequence, [stack(per_row) for per_row in zip(*finals)]

    def _suffixes(self):
        return DIRECTION_SUFFIXES[: self.num_directions]

    def _weights(self, k, suffix):
        """(w_ih, w_hh, b_ih, b_hh) of layer k in one direction; the biases None without bias."""
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        return tuple(getattr(self, f"{name}_l{k}{suffix}", None) for name in names)

    def _run_direction(self, sequence, initial, weights, steps, reverse):
        """(every h_t, the final states) of one direction of one layer."""
        if reverse:
            sequence = steps.reverse(sequence)
        outputs, final = self._recurrence(sequence, initial, *weights, steps=steps)
        return (steps.reverse(outputs) if reverse else outputs), final

    def _recurrence(self, sequence, initial, w_ih, w_hh, b_ih, b_hh, *, steps):
        """(every h_t (L, N, H), tuple of the final states, each (N, H)) of one layer in
        one direction, from its input (L, N, features) and initial states, each (N, H); or,
        for the rows of a packed sequence (`steps` says which), every h_t's rows."""
        raise NotImplementedError(f"{type(self).__name__}._recurrence")

    def _as_hx(self, states):
        """The states as forward takes and returns them: h alone, or the LSTM's (h, c)."""
        return tuple(states) if len(self.state_names) > 1 else states[0]

    def _check_input(self, input, packed=False):
        if packed:
            if input.ndim != 2 or input.shape[-1] != self.input_size:
                raise ValueError(
                    f"{self!r}: expected a PackedSequence of data (Σ lengths, input_size) with "
                    f"input_size={self.input_size}, got shape {tuple(input.shape)}"
                )
        elif input.ndim not in (2, 3) or input.shape[-1] != self.input_size or not len(input):
            layout = "(N, L, input_size)" if self.batch_first else "(L, N, input_size)"
            raise ValueError(
                f"{self!r}: expected input {layout} or unbatched (L, input_size) with "
                f"input_size={self.input_size} and L >= 1, got shape {tuple(input.shape)}"
            )
        check_floating(type(self).__name__, input)

    def _initial_states(self, batch, input, hx, batched):
        """The initial states, each (num_layers · num_directions, batch, H): zeros (of
        input's dtype and device), or hx's checked."""
        rows = self.num_layers * self.num_directions
        if hx is None:
            return [zeros((rows, batch, self._state_size(name)), dtype=input.dtype,
                          device=input.device) for name in self.state_names]
        states = self._states_in(hx)
        for name, state in zip(self.state_names, states):
            size = self._state_size(name)
            expected = (rows, batch, size) if batched else (rows, size)
            if tuple(state.shape) != expected:
                size_name = "proj_size" if size != self.hidden_size else "hidden_size"
                raise ValueError(
                    f"{self!r}: expected {name} of shape {expected} (num_layers * "
                    f"num_directions, {'N, ' if batched else ''}{size_name}), got "
                    f"{tuple(state.shape)}"
                )
            if state.dtype != input.dtype:
                raise TypeError(
                    f"{self!r}: expected {name} of the input's dtype {input.dtype}, got "
                    f"{state.dtype}"
                )
        return states if batched else [state.unsqueeze(1) for state in states]

    def _state_size(self, name):
        """The width of a state: h's is proj_size where an LSTM projects it, else (and c's
        always) hidden_size."""
        return self.proj_size if name == "h_0" and self.proj_size else self.hidden_size

    def _states_in(self, hx):
        """hx as a list of its states, after checking that it has the form forward takes."""
        if len(self.state_names) == 1 and isinstance(hx, Tensor):
            return [hx]
        if (len(self.state_names) > 1 and isinstance(hx, (tuple, list))
                and len(hx) == len(self.state_names)
                and all(isinstance(state, Tensor) for state in hx)):
            return list(hx)
        form = f"({', '.join(self.state_names)})" if len(self.state_names) > 1 else "a tensor"
        raise TypeError(f"{self!r}: expected hx to be {form}, got {type(hx).__name__}")

    def extra_repr(self):
        options = [f"{self.input_size}, {self.hidden_size}"]
        if self.proj_size:
            options.append(f"proj_size={self.proj_size}")
        if self.num_layers != 1:
            options.append(f"num_layers={self.num_layers}")
        if not self.bias:
            options.append("bias=False")
        if self.batch_first:
            options.append("batch_first=True")
        if self.dropout:
            options.append(f"dropout={self.dropout}")
        if self.bidirectional:
            options.append("bidirectional=True")
        return ", ".join(options)


class PaddedSteps:
    """The steps of a padded input (L, N, features): every sequence runs all L of them."""

    batch_sizes = None

    def reverse(self, sequence):
        return flip(sequence, 0)

    def last(self, states, *which):
        """Every sequence's state at its last step, from states (L, N, H), or from
        states[which] where the recurrence stacks several (the LSTM's h and c)."""
        return states[(*which, -1)]


class PackedSteps:
    """The steps of a PackedSequence's data (Σ lengths, features): step t holds the
    batch_sizes[t] longest sequences (see nn/utils/rnn.py). Reversed, each sequence is read
    from its own last step to its first; its last state is at its own last step, and the
    final states come in the original batch order."""

    def __init__(self, packed):
        batch_sizes = packed.batch_sizes.numpy()
        self.batch_sizes = tuple(batch_sizes.tolist())
        lengths = sorted_lengths(batch_sizes)
        offsets = np.cumsum(batch_sizes) - batch_sizes  # each step's first row
        t, j = np.nonzero(np.arange(len(batch_sizes))[:, None] < lengths)  # every row's
        self.reversal = offsets[lengths[j] - 1 - t] + j  # row (t, j) <-> (len_j - 1 - t, j)
        last_rows = offsets[lengths - 1] + np.arange(len(lengths))
        if packed.unsorted_indices is not None:
            last_rows = last_rows[packed.unsorted_indices.numpy()]
        self.last_rows = last_rows

    def reverse(self, rows):
        return rows[self.reversal]

    def last(self, states, *which):
        return states[(*which, self.last_rows)]


def joint_bias(b_ih, b_hh):
    """b_ih + b_hh, or None without bias. Where both are added before the gates (RNN, LSTM),
    they are constant over time and join the input's projection: added once to a vector,
    not to every step."""
    return None if b_ih is None else b_ih + b_hh
