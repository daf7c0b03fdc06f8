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
from minigrad.ops.recurrence_steps import previous_rows, previous_states, step_bounds


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
    (left out when the layer has no bias). Given `batch_sizes`, x_proj is a packed sequence's
    rows (Σ lengths, 3H) and the result (Σ lengths, H) (see `ops.recurrence_steps`)."""

    def forward(self, x_proj, h0, w_hh, b_hh=None, batch_sizes=None):
        xp = array_module(x_proj)
        hidden = h0.shape[-1]
        self.h0, self.w_hh, self.has_bias = h0, w_hh, b_hh is not None
        self.bounds, self.shape = step_bounds(x_proj, batch_sizes), x_proj.shape
        x_proj = x_proj.reshape(-1, 3 * hidden)
        # multiplied L times: laid out contiguously once (see LSTMRecurrence)
        w_hh_t = xp.ascontiguousarray(w_hh.T)
        self.gates = xp.empty_like(x_proj)  # r, z, n of every step
        self.q_n = xp.empty((len(x_proj), hidden), x_proj.dtype)  # dr needs W_hn h + b_hn
        self.hs = xp.empty_like(self.q_n)
        h = h0
        for start, stop in self.bounds:
            if len(h) > stop - start:  # sequences that have ended drop out: the last rows
                h = h[: stop - start]
            q = h @ w_hh_t
            if b_hh is not None:
                q += b_hh
            gates, x_t = self.gates[start:stop], x_proj[start:stop]
            reset_and_update = gates[:, : 2 * hidden]
            xp.add(x_t[:, : 2 * hidden], q[:, : 2 * hidden], out=reset_and_update)
            _sigmoid_in_place(reset_and_update)
            r, z, n = _split_gates(gates)
            q_n = self.q_n[start:stop]
            q_n[...] = q[:, 2 * hidden :]
            xp.multiply(r, q_n, out=n)
            n += x_t[:, 2 * hidden :]
            xp.tanh(n, out=n)
            h_t = self.hs[start:stop]
            xp.subtract(h, n, out=h_t)
            h_t *= z
            h_t += n
            h = h_t
        return self.hs.reshape(self.shape[:-1] + (hidden,))

    def backward(self, grad):
        xp = array_module(grad)
        hs = self.hs
        hidden = hs.shape[-1]
        grad = grad.reshape(-1, hidden)
        d_proj = xp.empty_like(self.gates)
        d_q = xp.empty_like(self.gates)
        # rows of sequences that end before the step being visited stay zero (see LSTM's)
        dh = xp.zeros_like(self.h0)
        for t in reversed(range(len(self.bounds))):
            start, stop = self.bounds[t]
            batch = stop - start
            previous = previous_rows(self.h0, hs, self.bounds, t)
            r, z, n = _split_gates(self.gates[start:stop])
            da_r, da_z, da_n = _split_gates(d_proj[start:stop])
            dh_t = dh[:batch] + grad[start:stop]
            xp.multiply(dh_t * (1 - z), 1 - n * n, out=da_n)
            xp.multiply(dh_t * (previous - n), z * (1 - z), out=da_z)
            xp.multiply(da_n * self.q_n[start:stop], r * (1 - r), out=da_r)
            dq_t = d_q[start:stop]
            dq_t[...] = d_proj[start:stop]
            dq_t[:, 2 * hidden :] *= r
            dh[:batch] = dh_t * z + dq_t @ self.w_hh
        d_w_hh = d_q.T @ previous_states(self.h0, hs, self.bounds)
        d_proj = d_proj.reshape(self.shape)
        if not self.has_bias:
            return d_proj, dh, d_w_hh
        return d_proj, dh, d_w_hh, d_q.sum(axis=0)


def gru_recurrence(x_proj, h0, w_hh, b_hh=None, batch_sizes=None):
    """Tensor (L, N, H) of every h_t, or (Σ lengths, H) for the rows of a packed sequence
    with these `batch_sizes`; see the module docstring."""
    if b_hh is None:
        return GRURecurrence.apply(x_proj, h0, w_hh, batch_sizes=batch_sizes)
    return GRURecurrence.apply(x_proj, h0, w_hh, b_hh, batch_sizes=batch_sizes)
