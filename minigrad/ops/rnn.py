"""The plain (Elman) RNN recurrence over a whole sequence, with backpropagation through time.

One step, for hidden size H and φ = tanh or relu:

    h_t = φ(p_t + h_{t-1} W_hhᵀ)              p_t = x_t W_ihᵀ + b_ih + b_hh, shape (N, H)

p_t does not depend on the recurrence, so the caller computes it for all steps with one
matmul. This op runs the loop over t, as one graph node (see `ops.lstm` for why fused).
Backward, with a_t = p_t + h_{t-1} W_hhᵀ the value before φ:

    dh_t = g[t] + da_{t+1} W_hh                from the output at t and from step t+1
    da_t = dh_t ⊙ φ'(a_t)          φ' read from h_t: 1 − h_t² (tanh), [h_t > 0] (relu)
    dp_t = da_t      dW_hh = Σ_t da_tᵀ h_{t-1}      dh_0 = da_1 W_hh
"""

from minigrad.autograd import Function
from minigrad.backend import array_module
from minigrad.ops.recurrence_steps import previous_states, step_bounds

NONLINEARITIES = ("tanh", "relu")


class RNNRecurrence(Function):
    """Every h_t (L, N, H) from x_proj (L, N, H), h0 (N, H) and w_hh (H, H). Given
    `batch_sizes`, x_proj is a packed sequence's rows (Σ lengths, H), and so is the result
    (see `ops.recurrence_steps`)."""

    def forward(self, x_proj, h0, w_hh, nonlinearity, batch_sizes=None):
        xp = array_module(x_proj)
        self.h0, self.w_hh, self.nonlinearity = h0, w_hh, nonlinearity
        self.bounds, self.shape = step_bounds(x_proj, batch_sizes), x_proj.shape
        x_proj = x_proj.reshape(-1, w_hh.shape[0])
        # multiplied L times: laid out contiguously once (see LSTMRecurrence)
        w_hh_t = xp.ascontiguousarray(w_hh.T)
        self.hs = xp.empty_like(x_proj)
        h = h0
        for start, stop in self.bounds:
            if len(h) > stop - start:  # sequences that have ended drop out: the last rows
                h = h[: stop - start]
            h_t = self.hs[start:stop]
            xp.matmul(h, w_hh_t, out=h_t)
            h_t += x_proj[start:stop]
            if nonlinearity == "tanh":
                xp.tanh(h_t, out=h_t)
            else:
                xp.maximum(h_t, 0, out=h_t)
            h = h_t
        return self.hs.reshape(self.shape)

    def backward(self, grad):
        xp = array_module(grad)
        hs = self.hs
        grad = grad.reshape(hs.shape)
        slopes = 1 - hs * hs if self.nonlinearity == "tanh" else (hs > 0).astype(hs.dtype)
        d_proj = xp.empty_like(hs)
        # rows of sequences that end before the step being visited stay zero (see LSTM's)
        dh = xp.zeros_like(self.h0)
        for start, stop in reversed(self.bounds):
            batch = stop - start
            xp.multiply(dh[:batch] + grad[start:stop], slopes[start:stop], out=d_proj[start:stop])
            xp.matmul(d_proj[start:stop], self.w_hh, out=dh[:batch])
        d_w_hh = d_proj.T @ previous_states(self.h0, hs, self.bounds)
        return d_proj.reshape(self.shape), dh, d_w_hh


def rnn_recurrence(x_proj, h0, w_hh, nonlinearity="tanh", batch_sizes=None):
    """Tensor (L, N, H) of every h_t, or (Σ lengths, H) for the rows of a packed sequence
    with these `batch_sizes`; see the module docstring."""
    return RNNRecurrence.apply(x_proj, h0, w_hh, nonlinearity=nonlinearity,
                               batch_sizes=batch_sizes)
