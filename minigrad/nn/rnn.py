"""`LSTM`: a stack of long short-term memory layers over a sequence.

Each layer k reads a sequence and returns its hidden state h_t at every step; layer k+1 reads
that sequence (after dropout, when training with dropout > 0). One step of one layer:

    i, f, g, o = σ, σ, tanh, σ of  x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh
    c_t = f ⊙ c_{t-1} + i ⊙ g,     h_t = o ⊙ tanh(c_t)

The parameters are PyTorch's, per layer k: `weight_ih_l{k}` (4H, input), `weight_hh_l{k}`
(4H, H), `bias_ih_l{k}` and `bias_hh_l{k}` (4H), with the rows of the four gates stacked in
the order i, f, g, o, all initialised U(-1/√H, 1/√H). So a PyTorch LSTM's state dict loads
as it is. The time loop and its backward are in `minigrad.ops.lstm`.
"""

import math

from minigrad.checks import check_floating
from minigrad.creation import empty, zeros
from minigrad.nn import functional as F
from minigrad.nn import init
from minigrad.nn.functional.dropout import check_probability
from minigrad.nn.module import Module, Parameter
from minigrad.ops.movement import stack
from minigrad.ops.lstm import lstm_recurrence


class LSTM(Module):
    """forward(input, (h_0, c_0)=None) -> output, (h_n, c_n).

    input (L, N, input_size), or (N, L, input_size) with batch_first=True, or (L, input_size)
    for one unbatched sequence; output has the same layout with hidden_size features: h_t of
    the last layer at every step. h_0, c_0, h_n, c_n are (num_layers, N, hidden_size) (no N
    when unbatched) whatever batch_first says; h_0 and c_0 default to zeros.
    """

    def __init__(
        self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
        dropout=0.0, device=None, dtype=None,
    ):
        super().__init__()
        if hidden_size < 1 or num_layers < 1:
            raise ValueError(
                f"LSTM: hidden_size and num_layers must be at least 1, got {hidden_size} "
                f"and {num_layers}"
            )
        check_probability("LSTM dropout", dropout)
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, dropout
        gate_rows = 4 * hidden_size
        for k in range(num_layers):
            layer_input = input_size if k == 0 else hidden_size
            shapes = {f"weight_ih_l{k}": (gate_rows, layer_input),
                      f"weight_hh_l{k}": (gate_rows, hidden_size)}
            if bias:
                shapes.update({f"bias_ih_l{k}": (gate_rows,), f"bias_hh_l{k}": (gate_rows,)})
            for name, shape in shapes.items():
                setattr(self, name, Parameter(empty(shape, device=device, dtype=dtype)))
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def forward(self, input, hx=None):
        self._check_input(input)
        batched = input.ndim == 3
        if not batched:
            input = input.unsqueeze(1)
        elif self.batch_first:
            input = input.transpose(0, 1)
        h_0, c_0 = self._initial_state(input, hx, batched)

        layer_output, last_states = input, []
        for k in range(self.num_layers):
            if k > 0:
                layer_output = F.dropout(layer_output, self.dropout, self.training)
            states = self._run_layer(k, layer_output, h_0[k], c_0[k])
            layer_output = states[0]
            last_states.append(states[:, -1])  # (h, c) after the last step
        final = stack(last_states, dim=1)  # (2, num_layers, N, H): h_n and c_n
        h_n, c_n = final[0], final[1]

        if not batched:
            return layer_output.squeeze(1), (h_n.squeeze(1), c_n.squeeze(1))
        if self.batch_first:
            layer_output = layer_output.transpose(0, 1)
        return layer_output, (h_n, c_n)

    def _run_layer(self, k, sequence, h_0, c_0):
        """States (2, L, N, H) of layer k: every h_t ([0]) and every c_t ([1])."""
        # the input's share of the gates, for all time steps in one matmul; both biases are
        # constant over time, so they join it (added once to a (4H,) vector, not to every step)
        bias = None
        if self.bias:
            bias = getattr(self, f"bias_ih_l{k}") + getattr(self, f"bias_hh_l{k}")
        x_proj = F.linear(sequence, getattr(self, f"weight_ih_l{k}"), bias)
        return lstm_recurrence(x_proj, h_0, c_0, getattr(self, f"weight_hh_l{k}"))

    def _check_input(self, input):
        if input.ndim not in (2, 3) or input.shape[-1] != self.input_size or input.shape[0] == 0:
            layout = "(N, L, input_size)" if self.batch_first else "(L, N, input_size)"
            raise ValueError(
                f"{self!r}: expected input {layout} or unbatched (L, input_size) with "
                f"input_size={self.input_size} and L >= 1, got shape {tuple(input.shape)}"
            )
        check_floating("LSTM", input)

    def _initial_state(self, input, hx, batched):
        """h_0 and c_0 as (num_layers, N, H): zeros, or the given ones checked."""
        batch = input.shape[1]
        shape = (self.num_layers, batch, self.hidden_size)
        if hx is None:
            state = zeros(shape, dtype=input.dtype, device=input.device)
            return state, state
        expected = shape if batched else (self.num_layers, self.hidden_size)
        h_0, c_0 = hx
        for name, t in (("h_0", h_0), ("c_0", c_0)):
            if tuple(t.shape) != expected:
                raise ValueError(
                    f"{self!r}: expected {name} of shape {expected} (num_layers, "
                    f"{'N, ' if batched else ''}hidden_size), got {tuple(t.shape)}"
                )
        return (h_0, c_0) if batched else (h_0.unsqueeze(1), c_0.unsqueeze(1))

    def extra_repr(self):
        options = [f"{self.input_size}, {self.hidden_size}"]
        if self.num_layers != 1:
            options.append(f"num_layers={self.num_layers}")
        if not self.bias:
            options.append("bias=False")
        if self.batch_first:
            options.append("batch_first=True")
        if self.dropout:
            options.append(f"dropout={self.dropout}")
        return ", ".join(options)
