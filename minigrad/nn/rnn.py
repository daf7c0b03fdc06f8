"""Recurrent layers as in PyTorch: `LSTM`.

It is a stack of layers, optionally bidirectional, over a sequence; what they share (layers,
directions, batch_first, dropout, initial states, PyTorch's parameter names) is `RNNBase`.
Here is only what differs: one step of one layer, whose time loop and its backward are a
fused op in `minigrad.ops.lstm`. With p_t = x_t W_ihᵀ + b_ih, the input's
share, computed for all steps at once:

    LSTM  i, f, g, o = σ, σ, tanh, σ of  p_t + b_hh + h_{t-1} W_hhᵀ    (rows i, f, g, o)
          c_t = f ⊙ c_{t-1} + i ⊙ g,     h_t = o ⊙ tanh(c_t)
"""

from minigrad.nn import functional as F
from minigrad.nn.rnn_base import RNNBase, joint_bias
from minigrad.ops.lstm import lstm_recurrence


class LSTM(RNNBase):
    """forward(input, (h_0, c_0)=None) -> output, (h_n, c_n) (see RNNBase for the shapes)."""

    gates = 4
    state_names = ("h_0", "c_0")

    def _recurrence(self, sequence, initial, w_ih, w_hh, b_ih, b_hh):
        x_proj = F.linear(sequence, w_ih, joint_bias(b_ih, b_hh))
        states = lstm_recurrence(x_proj, *initial, w_hh)  # (2, L, N, H): every h_t and c_t
        return states[0], (states[0, -1], states[1, -1])

