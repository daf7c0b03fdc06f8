"""The GRU recurrence over a whole sequence, with backpropagation through time written out.

One GRU step (gate order r, z, n, as in PyTorch's weights), for hidden size H:

    p_t = x_t W_ihᵀ + b_ih,   q_t = h_{t-1} W_hhᵀ + b_hh      both (N, 3H): r, z, n slices
    r = σ(p_r + q_r)            the reset gate: how much of the old state the candidate sees
    z = σ(p_z + q_z)            the update gate: how much of the old state is kept
    n = tanh(p_n + r ⊙ q_n)     the candidate (PyTorch's form: r scales W_hn h + b_hn)
    h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}  =  n + z ⊙ (h_{t-1} − n)

b_hh cannot join p_t as the LSTM's does: r multiplies its n slice. p_t does not depend on the
recurrence, so the caller computes it for all steps with one matmul; this op runs the loop
over t, as one graph node (see `ops.lstm` for why fused). Backward, step t:

    dh_t = g[t] + dh_{t+1} ⊙ z_{t+1} + dq_{t+1} W_hh      from the output and from step t+1
    da_n = dh_t ⊙ (1 − z) ⊙ (1 − n²)
    da_z = dh_t ⊙ (h_{t-1} − n) ⊙ z(1 − z)
    da_r = da_n ⊙ q_n ⊙ r(1 − r)
    dp_t = (da_r, da_z, da_n)       dq_t = (da_r, da_z, da_n ⊙ r)
    dW_hh = Σ_t dq_tᵀ h_{t-1}       db_hh = Σ_t dq_t
"""

from minigrad.autograd import Function
from minigrad.backend import array_module


def _split_gates(gates):
    """The r, z, n slices (views) of an (N, 3H) array."""
    hidden = gates.shape[-1] // 3
    return gates[:, :hidden], gates[:, hidden : 2 * hidden], gates[:, 2 * hidden :]


def _sigmoid_in_place(a):
    """a ← σ(a) = ½ + ½·tanh(a/2): no overflow for large |a| (1/(1 + e^-a) warns)."""
    a *= 0.5
    array_module(a).tanh(a, out=a)
    a *= 0.5
    a += 0.5


class GRURecurrence(Function):
    """Every h_t (L, N, H) from x_proj (L, N, 3H), h0 (N, H), w_hh (3H, H) and b_hh (3H,)
    (left out when the layer has no bias)."""

    def forward(self, x_proj, h0, w_hh, b_hh=None):
        xp = array_module(x_proj)
        hidden = h0.shape[-1]
        self.h0, self.w_hh, self.has_bias = h0, w_hh, b_hh is not None
        # multiplied L times: laid out contiguously once (see LSTMRecurrence)
        w_hh_t = xp.ascontiguousarray(w_hh.T)
        self.gates = xp.empty_like(x_proj)  # r, z, n of every step
        self.q_n = xp.empty(x_proj.shape[:2] + (hidden,), x_proj.dtype)  # dr needs W_hn h + b_hn
        self.hs = xp.empty_like(self.q_n)
        h = h0
        for t in range(len(x_proj)):
            q = h @ w_hh_t
            if b_hh is not None:
                q += b_hh
            gates = self.gates[t]
            reset_and_update = gates[:, : 2 * hidden]
            xp.add(x_proj[t, :, : 2 * hidden], q[:, : 2 * hidden], out=reset_and_update)
            _sigmoid_in_place(reset_and_update)
            r, z, n = _split_gates(gates)
            self.q_n[t] = q[:, 2 * hidden :]
            xp.multiply(r, self.q_n[t], out=n)
            n += x_proj[t, :, 2 * hidden :]
            xp.tanh(n, out=n)
            h_t = self.hs[t]
            xp.subtract(h, n, out=h_t)
            h_t *= z
            h_t += n
            h = h_t
        return self.hs

    def backward(self, grad):
        xp = array_module(grad)
        hs = self.hs
        d_proj = xp.empty_like(self.gates)
        d_q = xp.empty_like(self.gates)
        dh = xp.zeros_like(self.h0)
        hidden = hs.shape[-1]
        for t in reversed(range(len(hs))):
            previous = hs[t - 1] if t > 0 else self.h0
            r, z, n = _split_gates(self.gates[t])
            da_r, da_z, da_n = _split_gates(d_proj[t])
            dh = dh + grad[t]
            xp.multiply(dh * (1 - z), 1 - n * n, out=da_n)
            xp.multiply(dh * (previous - n), z * (1 - z), out=da_z)
            xp.multiply(da_n * self.q_n[t], r * (1 - r), out=da_r)
            d_q[t] = d_proj[t]
            d_q[t, :, 2 * hidden :] *= r
            dh = dh * z + d_q[t] @ self.w_hh
        h_prev = xp.concatenate([self.h0[None], hs[:-1]])
        d_q_rows = d_q.reshape(-1, 3 * hidden)
        d_w_hh = d_q_rows.T @ h_prev.reshape(-1, hidden)
        if not self.has_bias:
            return d_proj, dh, d_w_hh
        return d_proj, dh, d_w_hh, d_q_rows.sum(axis=0)


def gru_recurrence(x_proj, h0, w_hh, b_hh=None):
    """Tensor (L, N, H) of every h_t; see the module docstring."""
    if b_hh is None:
        return GRURecurrence.apply(x_proj, h0, w_hh)
    return GRURecurrence.apply(x_proj, h0, w_hh, b_hh)
