"""Scaled dot-product attention as ONE op, with a backward that recomputes instead of storing.

    Attention(Q, K, V) = softmax(Q Kᵀ · scale + mask) V,      scale = 1/√d by default

Composed from matmul, softmax and matmul, autograd would keep the L×S score and probability
matrices of every head alive until backward: memory quadratic in sequence length. This op keeps
only Q, K, V, the output O and one number per query row, the log-sum-exp of its scores
(lse = log Σ_j e^(s_ij)). Backward rebuilds the probabilities exactly as P = e^(S - lse) and
applies the softmax-backward identity

    dV = Pᵀ dO,   dP = dO Vᵀ,   dS = P ∘ (dP − rowsum(dO ∘ O)),   dQ = dS K·scale,   dK = dSᵀ Q·scale

where rowsum(dO ∘ O) equals rowsum(P ∘ dP) (FlashAttention's trick). This is the reference the
GPU fused-attention kernel must match.

Masks follow PyTorch: a bool `attn_mask` marks positions that may be attended (True = keep), a
float mask is added to the scores; `is_causal` lets query i see keys j ≤ i. A query row whose
keys are all masked out returns zeros (and passes no gradient) instead of NaN.
"""

import math

import numpy as np

from minigrad.autograd import Function, unbroadcast, under_autocast
from minigrad.backend import array_module
from minigrad.checks import broadcast_error
from minigrad.random import generator
from minigrad.tensor import Tensor


def _scores(q, k, scale, additive_mask):
    s = (q @ k.swapaxes(-1, -2)) * scale
    return s if additive_mask is None else s + additive_mask


class ScaledDotProductAttention(Function):
    def forward(self, q, k, v, scale, additive_mask, dropout_keep):
        xp = array_module(q)
        s = _scores(q, k, scale, additive_mask)
        row_max = s.max(axis=-1, keepdims=True)
        row_max = xp.where(xp.isfinite(row_max), row_max, 0)  # fully masked row: no shift
        e = xp.exp(s - row_max)
        total = e.sum(axis=-1, keepdims=True)
        p = e / xp.where(total > 0, total, 1)
        # a fully masked row gets lse = 0: its scores are all -inf, so e^(s - 0) recomputes
        # its probabilities as exactly 0 in backward
        self.lse = xp.log(xp.where(total > 0, total, 1)) + row_max
        if dropout_keep is not None:
            p = p * dropout_keep
        out = p @ v
        self.q, self.k, self.v, self.out = q, k, v, out
        self.scale, self.additive_mask, self.dropout_keep = scale, additive_mask, dropout_keep
        return out

    def backward(self, g):
        xp = array_module(g)
        q, k, v = self.q, self.k, self.v
        s = _scores(q, k, self.scale, self.additive_mask)
        p = xp.exp(s - self.lse)  # the forward's probabilities, recomputed
        dropped = p if self.dropout_keep is None else p * self.dropout_keep
        dv = dropped.swapaxes(-1, -2) @ g
        dp = g @ v.swapaxes(-1, -2)
        if self.dropout_keep is not None:
            dp = dp * self.dropout_keep
        d = (g * self.out).sum(axis=-1, keepdims=True)
        ds = p * (dp - d)
        dq = (ds @ k) * self.scale
        dk = (ds.swapaxes(-1, -2) @ q) * self.scale
        return unbroadcast(dq, q.shape), unbroadcast(dk, k.shape), unbroadcast(dv, v.shape)


def _additive_mask(xp, dtype, attn_mask, is_causal, query_len, key_len):
    """One float mask (0 = keep, -inf = drop) from a bool/float mask and/or causality."""
    mask = None
    if attn_mask is not None:
        m = attn_mask.data if isinstance(attn_mask, Tensor) else xp.asarray(attn_mask)
        if m.dtype == bool:
            mask = xp.where(m, dtype.type(0), dtype.type(-math.inf))
        else:
            mask = m.astype(dtype, copy=False)
    if is_causal:
        keep = xp.tril(xp.ones((query_len, key_len), dtype=bool))
        causal = xp.where(keep, dtype.type(0), dtype.type(-math.inf))
        mask = causal if mask is None else mask + causal
    return mask


@under_autocast("lower_precision_fp")
def scaled_dot_product_attention(
    query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None
):
    """softmax(Q Kᵀ·scale + mask) V for query (..., L, E), key (..., S, E), value (..., S, Ev).

    Same arguments and semantics as torch.nn.functional.scaled_dot_product_attention.
    """
    for name, t in (("query", query), ("key", key), ("value", value)):
        if t.ndim < 2:
            raise ValueError(
                f"scaled_dot_product_attention: {name} needs shape (..., length, features), "
                f"got {tuple(t.shape)}"
            )
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise ValueError(
            "scaled_dot_product_attention: query (..., L, E), key (..., S, E) and value "
            f"(..., S, Ev) do not fit: got {tuple(query.shape)}, {tuple(key.shape)}, "
            f"{tuple(value.shape)}"
        )
    if not 0.0 <= dropout_p < 1.0:
        raise ValueError(f"scaled_dot_product_attention: dropout_p must be in [0, 1), got {dropout_p}")
    xp = array_module(query.data)
    query_len, key_len = query.shape[-2], key.shape[-2]
    scores_shape = np.broadcast_shapes(query.shape[:-2], key.shape[:-2]) + (query_len, key_len)
    mask = _additive_mask(xp, query.dtype, attn_mask, is_causal, query_len, key_len)
    if mask is not None:
        error = broadcast_error("scaled_dot_product_attention (attn_mask vs scores)", mask.shape, scores_shape)
        if error is not None:
            raise error
    scale = 1 / math.sqrt(query.shape[-1]) if scale is None else float(scale)
    padding = _fused_kernel_padding(query, key, value, attn_mask, dropout_p)
    if padding is not False:
        return FusedAttentionGPU.apply(query, key, value, scale=scale, causal=is_causal,
                                       key_padding_mask=padding)
    keep = None
    if dropout_p > 0:
        draws = generator().random(scores_shape, dtype="float32")
        keep = xp.asarray((draws >= dropout_p) / (1 - dropout_p), dtype=query.dtype)
    return ScaledDotProductAttention.apply(
        query, key, value, scale=scale, additive_mask=mask, dropout_keep=keep
    )


# ---- on the GPU: the hand-written fused kernels of kernels/ ----------------------------------

FUSED_MAX_HEAD_DIM = 64  # the kernels keep a query row's accumulator in registers


class FusedAttentionGPU(Function):
    """The same op computed by kernels/attention (FlashAttention-style: scores are never
    stored in memory, not even in forward). It takes PyTorch's key-padding form of the mask,
    (B, S) bool with True at padding, and causality as a flag."""

    def forward(self, q, k, v, scale, causal, key_padding_mask):
        from kernels import dispatch  # the CPU never imports kernels/ (nor CuPy)

        out, lse = dispatch.attention_forward(q, k, v, scale, causal, key_padding_mask)
        self.saved = q, k, v, out, lse
        self.options = scale, causal, key_padding_mask
        return out

    def backward(self, g):
        from kernels import dispatch

        return dispatch.attention_backward(*self.saved, g, *self.options)


def _fused_kernel_padding(query, key, value, attn_mask, dropout_p):
    """The key-padding mask for the fused GPU kernel (None: no mask), or False when the
    kernel cannot compute this call and the reference op above must.

    The kernel handles float32 CuPy (B, H, L, D) inputs with D ≤ 64 and equal key and value
    widths, no dropout, and a mask that only hides padding keys: bool "keep", shaped (B, 1, 1, S).
    """
    if query.device != "cuda" or dropout_p > 0:
        return False
    shapes_fit = (
        query.ndim == key.ndim == value.ndim == 4
        and query.shape[:2] == key.shape[:2] == value.shape[:2]
        and value.shape[-1] == query.shape[-1] <= FUSED_MAX_HEAD_DIM
        and query.dtype == key.dtype == value.dtype == np.float32
    )
    if not shapes_fit:
        return False
    if attn_mask is None:
        return None
    mask = attn_mask.data if isinstance(attn_mask, Tensor) else attn_mask
    batch, key_len = query.shape[0], key.shape[-2]
    if getattr(mask, "dtype", None) != bool or tuple(mask.shape) != (batch, 1, 1, key_len):
        return False
    return ~mask.reshape(batch, key_len)
