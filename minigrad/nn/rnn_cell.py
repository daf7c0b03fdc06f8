"""`RNNCell`, `LSTMCell` and `GRUCell`: one time step of RNN, LSTM and GRU, for loops that
the user writes (a decoder that feeds back its own output, a step with attention, ...).

One step is the layer's recurrence run over a sequence of length one: the very same
`_recurrence` of `RNN`, `LSTM` and `GRU` (nn/rnn.py, which gives the formulas), so the gate
orders (i, f, g, o and r, z, n) and the gradients are the layers' and PyTorch's.

Parameters have PyTorch's names: `weight_ih` (G·H, input_size), `weight_hh` (G·H, H),
`bias_ih` and `bias_hh` (G·H), with G gate rows per hidden unit (RNN 1, GRU 3, LSTM 4), all
initialised U(-1/√H, 1/√H).
"""

from minigrad.checks import check_floating
from minigrad.creation import empty, zeros
from minigrad.nn.module import Module, Parameter
from minigrad.nn.rnn import GRU, LSTM, RNN
from minigrad.nn.rnn_base import PaddedSteps, reset_recurrent_parameters
from minigrad.ops.rnn import NONLINEARITIES
from minigrad.tensor import Tensor


class RNNCellBase(Module):
    """forward(input, hx=None) -> the next state(s).

    input (N, input_size), or (input_size,) unbatched; each state (N, hidden_size), or
    (hidden_size,) unbatched; hx defaults to zeros.
    """

    layer = None  # the recurrent layer whose step this cell is
    nonlinearity = None  # only RNNCell's step reads it

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        rows = self.layer.gates * hidden_size
        self.weight_ih = Parameter(empty((rows, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(empty((rows, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(rows, device=device, dtype=dtype))
            self.bias_hh = Parameter(empty(rows, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        reset_recurrent_parameters(self)

    def forward(self, input, hx=None):
        if input.ndim not in (1, 2) or input.shape[-1] != self.input_size:
            raise ValueError(
                f"{self!r}: expected input (N, input_size) or unbatched (input_size,) with "
                f"input_size={self.input_size}, got shape {tuple(input.shape)}"
            )
        check_floating(type(self).__name__, input)
        batched = input.ndim == 2
        if not batched:
            input = input.unsqueeze(0)
        states = self._states(input, hx, batched)
        weights = (self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        # the layer's recurrence over a sequence of one step, (1, N, input_size)
        _, finals = self.layer._recurrence(self, input.unsqueeze(0), states, *weights,
                                           steps=PaddedSteps())
        if not batched:
            finals = tuple(state.squeeze(0) for state in finals)
        return finals if len(finals) > 1 else finals[0]

    def _states(self, input, hx, batched):
        """hx as a list of states, each (N, H): zeros, or hx's after checking its form."""
        names = self.layer.state_names
        if hx is None:
            state = zeros((input.shape[0], self.hidden_size), dtype=input.dtype,
                          device=input.device)
            return [state] * len(names)
        states = [hx] if isinstance(hx, Tensor) and len(names) == 1 else hx
        if not (isinstance(states, (tuple, list)) and len(states) == len(names)
                and all(isinstance(state, Tensor) for state in states)):
            form = f"({', '.join(names)})" if len(names) > 1 else "a tensor"
            raise TypeError(f"{self!r}: expected hx to be {form}, got {type(hx).__name__}")
        expected = (input.shape[0], self.hidden_size) if batched else (self.hidden_size,)
        for name, state in zip(names, states):
            if tuple(state.shape) != expected:
                raise ValueError(
                    f"{self!r}: expected {name} of shape {expected} for input of shape "
                    f"{tuple(input.shape) if batched else tuple(input.shape[1:])}, got "
                    f"{tuple(state.shape)}"
                )
        return list(states) if batched else [state.unsqueeze(0) for state in states]

    def extra_repr(self):
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")


class RNNCell(RNNCellBase):
    """h' = φ(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh), φ = tanh (default) or relu."""

    layer = RNN

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        if nonlinearity not in NONLINEARITIES:
            raise ValueError(
                f"RNNCell({input_size}, {hidden_size}): nonlinearity must be 'tanh' or "
                f"'relu', got {nonlinearity!r}"
            )
        super().__init__(input_size, hidden_size, bias, device, dtype)
        self.nonlinearity = nonlinearity

    def extra_repr(self):
        relu = ", nonlinearity='relu'" if self.nonlinearity == "relu" else ""
        return super().extra_repr() + relu


class LSTMCell(RNNCellBase):
    """forward(input, (h, c)=None) -> (h', c')."""

    layer = LSTM


class GRUCell(RNNCellBase):
    """forward(input, h=None) -> h'."""

    layer = GRU
