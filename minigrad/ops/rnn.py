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

NONLINEARITIES = ("tanh", "relu")


class RNNRecurrence(Function):
    """Every h_t (L, N, H) from x_proj (L, N, H), h0 (N, H) and w_hh (H, H)."""

    def forward(self, x_proj, h0, w_hh, nonlinearity):
        xp = array_module(x_proj)
        self.h0, self.w_hh, self.nonlinearity = h0, w_hh, nonlinearity
        # multiplied L times: laid out contiguously once (see LSTMRecurrence)
        w_hh_t = xp.ascontiguousarray(w_hh.T)
        self.hs = xp.empty_like(x_proj)
        h = h0
        for t in range(len(x_proj)):
            h_t = self.hs[t]
            xp.matmul(h, w_hh_t, out=h_t)
            h_t += x_proj[t]
            if nonlinearity == "tanh":
                xp.tanh(h_t, out=h_t)
            else:
                xp.maximum(h_t, 0, out=h_t)
            h = h_t
        return self.hs

    def backward(self, grad):
        xp = array_module(grad)
        hs = self.hs
        slopes = 1 - hs * hs if self.nonlinearity == "tanh" else (hs > 0).astype(hs.dtype)
        d_proj = xp.empty_like(hs)
        dh = xp.zeros_like(self.h0)
        for t in reversed(range(len(hs))):
            xp.multiply(dh + grad[t], slopes[t], out=d_proj[t])
            dh = d_proj[t] @ self.w_hh
        h_prev = xp.concatenate([self.h0[None], hs[:-1]])
        hidden = hs.shape[-1]
        d_w_hh = d_proj.reshape(-1, hidden).T @ h_prev.reshape(-1, hidden)
        return d_proj, dh, d_w_hh


def rnn_recurrence(x_proj, h0, w_hh, nonlinearity="tanh"):
    """Tensor (L, N, H) of every h_t; see the module docstring."""
    return RNNRecurrence.apply(x_proj, h0, w_hh, nonlinearity=nonlinearity)
