"""The LSTM recurrence over a whole sequence, with backpropagation through time written out.

One LSTM step (gate order i, f, g, o, as in PyTorch's weights), for hidden size H:

    a_t = p_t + h_{t-1} W_hhᵀ                  p_t = x_t W_ihᵀ + b_ih + b_hh, shape (N, 4H)
    i = σ(a_i)   f = σ(a_f)   g = tanh(a_g)   o = σ(a_o)        (the four H-wide slices of a_t)
    c_t = f ⊙ c_{t-1} + i ⊙ g                  the cell: forget some, write some
    h_t = o ⊙ tanh(c_t)                        the output: read some

p_t does not depend on the recurrence, so the caller computes it for all steps with one
matmul (and its gradient is ordinary matmul backward). This op runs the loop over t.

Why one fused op rather than a graph of matmul, slice, sigmoid, tanh and mul per step: that
graph has a dozen nodes per time step, each slice's backward allocates a full-size zero
array, and Python overhead dominates on small hidden sizes. Written as one loop forward and
one loop backward, the gradient flow through time is also there to read:

    dh_t = g_h[t] + (da_{t+1}) W_hh            from the output at t and from step t+1
    dc_t = g_c[t] + dc_{t+1} ⊙ f_{t+1} + dh_t ⊙ o ⊙ (1 - tanh²c_t)
    da_i = dc_t ⊙ g ⊙ i(1-i)      da_f = dc_t ⊙ c_{t-1} ⊙ f(1-f)
    da_g = dc_t ⊙ i ⊙ (1-g²)      da_o = dh_t ⊙ tanh(c_t) ⊙ o(1-o)
    dW_hh = Σ_t da_tᵀ h_{t-1}      dp_t = da_t      dh_0, dc_0 = what flows out of step 1

With a projection (PyTorch's proj_size P < H), the state that the next step reads is
h_t = m_t W_hrᵀ (P wide), m_t = o ⊙ tanh(c_t), and W_hh is (4H, P). The op then returns m_t in
place of h_t (the caller projects all steps with one matmul for the outputs), and inside the
loop the part of dh_t that comes from step t+1 goes back through the projection:
dm_t += (da_{t+1} W_hh) W_hr, dW_hr = Σ_t (da_{t+1} W_hh)ᵀ m_t.
"""

import numpy as np

from minigrad.autograd import Function
from minigrad.backend import array_module
from minigrad.ops.recurrence_steps import previous_rows, previous_states, step_bounds


def gate_constants(xp, hidden, dtype):
    """(scale, offset), each (4H,): every gate is offset + scale·tanh(scale·a).

    With σ(a) = ½ + ½·tanh(a/2), the σ gates i, f, o have scale ½ and offset ½ and the tanh
    gate g has scale 1 and offset 0, so one tanh call computes all four gates. The same
    constants give every gate's slope: d(gate)/da = scale² − (gate − offset)², which is
    σ(1 − σ) for i, f, o and 1 − g² for g.
    """
    half, one, zero = xp.full(hidden, 0.5, dtype), xp.ones(hidden, dtype), xp.zeros(hidden, dtype)
    return xp.concatenate([half, half, one, half]), xp.concatenate([half, half, zero, half])


def _split_gates(gates):
    """The i, f, g, o slices (views) of an (N, 4H) array."""
    hidden = gates.shape[-1] // 4
    return (gates[:, :hidden], gates[:, hidden : 2 * hidden], gates[:, 2 * hidden : 3 * hidden],
            gates[:, 3 * hidden :])


class LSTMRecurrence(Function):
    """Every (h_t, c_t) from x_proj (L, N, 4H), h0, c0 (N, H) and w_hh (4H, H); or, with
    a projection w_hr (P, H), from h0 (N, P) and w_hh (4H, P), every (o ⊙ tanh(c_t), c_t).

    Returns an array (2, L, N, H): [0] holds h_1..h_L, [1] holds c_1..c_L. Given
    `batch_sizes`, x_proj is a packed sequence's rows (Σ lengths, 4H) instead, and the result
    (2, Σ lengths, H) holds each sequence's states up to its own end (see
    `ops.recurrence_steps`).

    At LSTM sizes a numpy call costs more than its arithmetic, so each step makes few: the
    results go straight into the arrays that keep them (`out=`, in-place updates), and the
    cell's elementwise part (`cell_forward`, `cell_backward`) is one compiled loop on the CPU.
    """

    def forward(self, x_proj, h0, c0, w_hh, w_hr=None, batch_sizes=None):
        xp = array_module(x_proj)
        hidden = c0.shape[-1]
        self.h0, self.c0, self.w_hh, self.w_hr = h0, c0, w_hh, w_hr
        self.bounds = step_bounds(x_proj, batch_sizes)
        self.shape = x_proj.shape
        x_proj = x_proj.reshape(-1, 4 * hidden)
        self.scale, self.offset = gate_constants(xp, hidden, x_proj.dtype)
        # scale·a_t = scale·x_proj_t + h_{t-1} (scale·W_hh)ᵀ: scaling the inputs once saves a
        # pass per step (and scales of ½ and 1 are exact, so the numbers are the same). The
        # transposed weights are laid out contiguously once: numpy's matmul with a transposed
        # view is twice as slow at these sizes, and the loop multiplies by them L times
        x_scaled = x_proj * self.scale
        w_scaled_t = xp.ascontiguousarray((w_hh * self.scale[:, None]).T)
        step, _ = _cell_implementation(x_proj)
        self.gates = xp.empty_like(x_proj)  # i, f, g, o after their nonlinearities
        self.states = xp.empty((2, len(x_proj), hidden), dtype=x_proj.dtype)
        # the h_t that the next step reads: o ⊙ tanh(c_t) itself, or its projection
        self.hs = self.states[0]
        if w_hr is not None:
            self.hs = xp.empty((len(x_proj), len(w_hr)), dtype=x_proj.dtype)
            w_hr_t = xp.ascontiguousarray(w_hr.T)
        h, c = h0, c0
        for start, stop in self.bounds:
            if len(h) > stop - start:  # sequences that have ended drop out: the last rows
                h, c = h[: stop - start], c[: stop - start]
            gates = self.gates[start:stop]
            m_t, c_t = self.states[0, start:stop], self.states[1, start:stop]
            xp.matmul(h, w_scaled_t, out=gates)
            gates += x_scaled[start:stop]
            xp.tanh(gates, out=gates)  # tanh(scale·a_t)
            step(gates, self.scale, self.offset, c, c_t)
            xp.tanh(c_t, out=m_t)
            m_t *= gates[:, 3 * hidden :]  # m_t = o ⊙ tanh(c_t)
            h = m_t
            if w_hr is not None:
                h = xp.matmul(m_t, w_hr_t, out=self.hs[start:stop])
            c = c_t
        return self.states.reshape((2,) + self.shape[:-1] + (hidden,))

    def backward(self, grad):
        xp = array_module(grad)
        hidden = self.c0.shape[-1]
        grad = xp.ascontiguousarray(grad).reshape(2, -1, hidden)
        ms, cs = self.states
        tanh_cs = xp.tanh(cs)
        tanh_slopes = 1 - tanh_cs * tanh_cs
        _, step_back = _cell_implementation(grad)
        d_proj = xp.empty_like(self.gates)
        projected = self.w_hr is not None
        d_hs = xp.empty_like(self.hs) if projected else None  # dL/dh_t through step t+1
        # what flows back into each sequence's state; rows of sequences that end before the
        # step being visited stay zero until their last step is reached
        dh, dc = xp.zeros_like(self.h0), xp.zeros_like(self.c0)
        for t in reversed(range(len(self.bounds))):
            start, stop = self.bounds[t]
            dh_t, dc_t, da = dh, dc, d_proj[start:stop]
            if len(dh) > stop - start:  # the sequences that have reached step t
                dh_t, dc_t = dh[: stop - start], dc[: stop - start]
            dm_t = dh_t
            if projected:  # h_t = m_t W_hrᵀ: dm_t = dh_t W_hr
                d_hs[start:stop] = dh_t
                dm_t = dh_t @ self.w_hr
            step_back(dm_t, grad[0, start:stop], dc_t, grad[1, start:stop],
                      self.gates[start:stop], tanh_cs[start:stop], tanh_slopes[start:stop],
                      self.scale, self.offset, previous_rows(self.c0, cs, self.bounds, t), da)
            xp.matmul(da, self.w_hh, out=dh_t)
        d_w_hh = d_proj.T @ previous_states(self.h0, self.hs, self.bounds)
        grads = (d_proj.reshape(self.shape), dh, dc, d_w_hh)
        return grads + (d_hs.T @ ms,) if projected else grads


def cell_forward(gates, scale, offset, c_prev, c):
    """One step forward through the cell (numpy or CuPy), in place. `gates` (N, 4H) holds
    tanh(scale·a_t) and is left holding offset + scale·tanh(scale·a_t), the gates i, f, g, o
    (see gate_constants); c (N, H) gets c_t = f ⊙ c_prev + i ⊙ g."""
    gates *= scale
    gates += offset
    i, f, g, _ = _split_gates(gates)
    array_module(c).multiply(f, c_prev, out=c)
    c += i * g


def cell_backward(dh_next, grad_h, dc, grad_c, gates, tanh_c, tanh_slope, scale, offset, c_prev,
                  da):
    """One step back through the cell (numpy or CuPy), all arrays (N, H) or (N, 4H) at step t:

        dh = dh_next + grad_h                    dh_next = da_{t+1} W_hh, from step t+1
        dc_t = dc + grad_c + dh ⊙ o ⊙ tanh_slope   dc = dc_{t+1} ⊙ f_{t+1}, tanh_slope = 1 − tanh²c_t
        da ← (dc_t ⊙ g, dc_t ⊙ c_prev, dc_t ⊙ i, dh ⊙ tanh c_t) ⊙ (the gates' slopes,
             scale² − (gate − offset)², see gate_constants)
        dc ← dc_t ⊙ f                            (in place: what step t−1 receives)
    """
    xp = array_module(da)
    i, f, g, o = _split_gates(gates)
    dh = dh_next + grad_h
    dc_t = dh * o
    dc_t *= tanh_slope
    dc_t += grad_c
    dc_t += dc
    da_i, da_f, da_g, da_o = _split_gates(da)
    xp.multiply(dc_t, g, out=da_i)  # dL/d(gate value); the slopes follow below
    xp.multiply(dc_t, c_prev, out=da_f)
    xp.multiply(dc_t, i, out=da_g)
    xp.multiply(dh, tanh_c, out=da_o)
    da *= scale * scale - (gates - offset) ** 2
    xp.multiply(dc_t, f, out=dc)


def _cell_implementation(array):
    """(forward, backward) of one step: compiled loops on the CPU (one call per step instead
    of several; at LSTM sizes each numpy call costs more than its arithmetic), the
    numpy/CuPy lines above on the GPU."""
    if isinstance(array, np.ndarray):
        from minigrad.ops import cpu_kernels  # numba loads on first use, not on import

        return cpu_kernels.lstm_cell_forward, cpu_kernels.lstm_cell_backward
    return cell_forward, cell_backward


def lstm_recurrence(x_proj, h0, c0, w_hh, batch_sizes=None, w_hr=None):
    """Tensor (2, L, N, H) of every h_t ([0]) and c_t ([1]), or (2, Σ lengths, H) for the
    rows of a packed sequence with these `batch_sizes`; see the module docstring. With a
    projection w_hr (P, H), [0] holds o ⊙ tanh(c_t), which W_hr projects to h_t (P)."""
    if w_hr is None:
        return LSTMRecurrence.apply(x_proj, h0, c0, w_hh, batch_sizes=batch_sizes)
    return LSTMRecurrence.apply(x_proj, h0, c0, w_hh, w_hr, batch_sizes=batch_sizes)
