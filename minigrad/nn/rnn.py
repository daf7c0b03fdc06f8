"""Recurrent layers as in PyTorch: `RNN`, `LSTM` and `GRU`.

Each is a stack of layers, optionally bidirectional, over a sequence; what they share (layers,
directions, batch_first, dropout, initial states, PyTorch's parameter names) is `RNNBase`.
Here is only what differs: one step of one layer, whose time loop and its backward are a
fused op in `minigrad.ops` (`rnn`, `lstm`, `gru`). With p_t = x_t W_ihᵀ + b_ih, the input's
share, computed for all steps at once:

    RNN   h_t = φ(p_t + b_hh + h_{t-1} W_hhᵀ)                    φ = tanh or relu
    LSTM  i, f, g, o = σ, σ, tanh, σ of  p_t + b_hh + h_{t-1} W_hhᵀ    (rows i, f, g, o)
          c_t = f ⊙ c_{t-1} + i ⊙ g,     h_t = o ⊙ tanh(c_t)
    GRU   r, z = σ of  p_t + h_{t-1} W_hhᵀ + b_hh                     (rows r, z, n)
          n = tanh(p_n + r ⊙ (h_{t-1} W_hnᵀ + b_hn)),     h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
"""

from minigrad.nn import functional as F
from minigrad.nn.rnn_base import RNNBase, joint_bias
from minigrad.ops.gru import gru_recurrence
from minigrad.ops.lstm import lstm_recurrence
from minigrad.ops.rnn import NONLINEARITIES, rnn_recurrence


class RNN(RNNBase):
    """forward(input, h_0=None) -> output, h_n (see RNNBase for the shapes).

    The plain (Elman) recurrent layer, with nonlinearity 'tanh' (the default) or 'relu'.
    """

    gates = 1

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None):
        if nonlinearity not in NONLINEARITIES:
            raise ValueError(
                f"RNN({input_size}, {hidden_size}): nonlinearity must be 'tanh' or 'relu', "
                f"got {nonlinearity!r}"
            )
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device, dtype)
        self.nonlinearity = nonlinearity

    def _recurrence(self, sequence, initial, w_ih, w_hh, b_ih, b_hh, *, steps):
        x_proj = F.linear(sequence, w_ih, joint_bias(b_ih, b_hh))
        hs = rnn_recurrence(x_proj, initial[0], w_hh, self.nonlinearity, steps.batch_sizes)
        return hs, (steps.last(hs),)

    def extra_repr(self):
        # PyTorch leaves the nonlinearity out; it is shown here so 'relu' layers can be told apart
        relu = ", nonlinearity='relu'" if self.nonlinearity == "relu" else ""
        return super().extra_repr() + relu


class LSTM(RNNBase):
    """forward(input, (h_0, c_0)=None) -> output, (h_n, c_n) (see RNNBase for the shapes).

    proj_size P > 0 projects every h_t to P features (h_t = W_hr (o ⊙ tanh(c_t)), PyTorch's
    `weight_hr_l{k}` (P, H)): the output, h_0 and h_n are then P wide, c stays H wide."""

    gates = 4
    state_names = ("h_0", "c_0")

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        if not 0 <= proj_size < hidden_size:
            raise ValueError(
                f"LSTM({input_size}, {hidden_size}): proj_size must be at least 0 (no "
                f"projection) and smaller than hidden_size, got {proj_size}"
            )
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device, dtype, proj_size=proj_size)

    def _weights(self, k, suffix):
        return super()._weights(k, suffix) + (getattr(self, f"weight_hr_l{k}{suffix}", None),)

    def _recurrence(self, sequence, initial, w_ih, w_hh, b_ih, b_hh, w_hr=None, *, steps):
        x_proj = F.linear(sequence, w_ih, joint_bias(b_ih, b_hh))
        # every h_t (without projection; with one, o ⊙ tanh(c_t)) and every c_t
        states = lstm_recurrence(x_proj, *initial, w_hh, steps.batch_sizes, w_hr)
        if w_hr is None:
            return states[0], (steps.last(states, 0), steps.last(states, 1))
        hs = F.linear(states[0], w_hr)  # h_t = W_hr (o ⊙ tanh(c_t)), proj_size wide
        return hs, (steps.last(hs), steps.last(states, 1))


class GRU(RNNBase):
    """forward(input, h_0=None) -> output, h_n (see RNNBase for the shapes)."""

    gates = 3

    def _recurrence(self, sequence, initial, w_ih, w_hh, b_ih, b_hh, *, steps):
        x_proj = F.linear(sequence, w_ih, b_ih)
        hs = gru_recurrence(x_proj, initial[0], w_hh, b_hh, steps.batch_sizes)
        return hs, (steps.last(hs),)
