"""What the kernels must compute, written with minigrad's own ops in float64.

The references are the textbook definitions (a convolution as a sum over kernel taps of
shifted slices, attention as softmax(scale · q kᵀ) v), and their gradients come from
minigrad's autograd, whose every op is checked against finite differences. They share no
code and no formula with the kernels (which use implicit GEMM and the log-sum-exp identity
D = rowsum(dO ∘ O)), so agreement means something.
"""

import numpy as np

import minigrad as mg
import minigrad.nn.functional as F


def conv2d(x, w, stride, padding, dilation):
    """y[n, o, i, j] = Σ_{c, a, b} w[o, c, a, b] · x_pad[n, c, i·s_h + a·d_h, j·s_w + b·d_w]
    for minigrad tensors; padding ((top, bottom), (left, right))."""
    (top, bottom), (left, right) = padding
    x_pad = F.pad(x, (left, right, top, bottom))
    kh, kw = w.shape[2:]
    h_out = (x_pad.shape[2] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    w_out = (x_pad.shape[3] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    y = None
    for a in range(kh):
        for b in range(kw):
            rows = slice(a * dilation[0], a * dilation[0] + stride[0] * (h_out - 1) + 1, stride[0])
            cols = slice(b * dilation[1], b * dilation[1] + stride[1] * (w_out - 1) + 1, stride[1])
            shifted = x_pad[:, :, rows, cols].permute(0, 2, 3, 1)  # (N, H_out, W_out, C)
            term = (shifted @ w[:, :, a, b].T).permute(0, 3, 1, 2)  # (N, C_out, H_out, W_out)
            y = term if y is None else y + term
    return y


def conv2d_with_grads(x, w, grad_y, stride, padding, dilation):
    """The reference y and its gradients (dx, dw) for output gradient grad_y (numpy in/out)."""
    x_t = mg.tensor(x, dtype=mg.float64, requires_grad=True)
    w_t = mg.tensor(w, dtype=mg.float64, requires_grad=True)
    y = conv2d(x_t, w_t, stride, padding, dilation)
    y.backward(grad_y.astype(np.float64))
    return y.numpy(), x_t.grad.numpy(), w_t.grad.numpy()


def hidden_keys(q_len, k_len, causal, key_padding_mask):
    """bool (B or 1, 1, Lq, Lk): True where key j is hidden from query i."""
    hidden = np.zeros((1, 1, q_len, k_len), dtype=bool)
    if causal:
        hidden |= np.triu(np.ones((q_len, k_len), dtype=bool), k=1)
    if key_padding_mask is not None:
        hidden = hidden | key_padding_mask[:, None, None, :]
    return hidden


def attention_with_grads(q, k, v, grad_out, scale, causal, key_padding_mask):
    """Reference (out, lse, dq, dk, dv), numpy in and out. Queries that see no key get out = 0
    and lse = -inf, the kernels' convention."""
    q_t, k_t, v_t = (mg.tensor(a, dtype=mg.float64, requires_grad=True) for a in (q, k, v))
    hidden = hidden_keys(q.shape[2], k.shape[2], causal, key_padding_mask)
    sees_a_key = ~hidden.all(axis=-1, keepdims=True)
    scores = (q_t @ k_t.mT) * scale
    scores = mg.where(mg.tensor(np.broadcast_to(hidden, scores.shape)), float("-inf"), scores)
    # rows that see nothing get finite scores and then weight 0, so no NaN reaches the grads
    scores = mg.where(mg.tensor(np.broadcast_to(sees_a_key, scores.shape)), scores, 0.0)
    weights = scores.softmax(dim=-1) * mg.tensor(sees_a_key.astype(np.float64))
    out = weights @ v_t
    out.backward(grad_out.astype(np.float64))
    lse = np.where(sees_a_key[..., 0], scores.logsumexp(dim=-1).numpy(), -np.inf)
    return out.numpy(), lse, q_t.grad.numpy(), k_t.grad.numpy(), v_t.grad.numpy()
