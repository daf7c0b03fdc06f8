"""Multi-head attention with torch.nn.MultiheadAttention's parameters, masks and outputs.

Each of the h heads attends in its own d/h-dimensional subspace:

    head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V),    out = concat(head_1..head_h) W^O

The three input projections are stored stacked as `in_proj_weight` (3d × d) and
`in_proj_bias`, the output projection as the Linear `out_proj`, exactly as PyTorch names them,
so PyTorch weights load. The attention itself is `F.scaled_dot_product_attention`.

Mask conventions are PyTorch's, and they differ: in `key_padding_mask` and a bool `attn_mask`
given HERE, True means "do not attend" (a padding position); in scaled_dot_product_attention a
bool mask's True means "attend". This module converts.
"""

import math

import numpy as np

from minigrad.autograd import no_grad
from minigrad.creation import empty, tensor, zeros
from minigrad.nn import functional as F
from minigrad.nn import init
from minigrad.nn.linear import Linear
from minigrad.nn.module import Module, Parameter
from minigrad.ops.attention import scaled_dot_product_attention
from minigrad.ops.elementwise import where
from minigrad.tensor import Tensor


class MultiheadAttention(Module):
    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, batch_first=False):
        super().__init__()
        if embed_dim % num_heads:
            raise ValueError(
                f"MultiheadAttention: embed_dim {embed_dim} is not divisible by num_heads {num_heads}"
            )
        self.embed_dim, self.num_heads = embed_dim, num_heads
        self.head_dim = embed_dim // num_heads
        self.dropout, self.batch_first = dropout, batch_first
        self.in_proj_weight = Parameter(empty(3 * embed_dim, embed_dim))
        if bias:
            self.in_proj_bias = Parameter(zeros(3 * embed_dim))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias)
        init.xavier_uniform_(self.in_proj_weight)
        if bias:
            init.zeros_(self.out_proj.bias)

    def extra_repr(self):
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, batch_first={self.batch_first}"

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True,
                attn_mask=None, average_attn_weights=True, is_causal=False):
        self_attention = query is key and key is value
        if not self.batch_first:  # (L, N, E) -> (N, L, E)
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        self._check_shapes(query, key, value)
        batch, query_len, _ = query.shape
        q, k, v = self._project(query, key, value, self_attention)
        keep = _keep_mask(key_padding_mask, attn_mask, batch, self.num_heads)
        out = scaled_dot_product_attention(
            q, k, v, attn_mask=keep, dropout_p=self.dropout if self.training else 0.0,
            is_causal=is_causal,
        )
        out = out.transpose(1, 2).reshape(batch, query_len, self.embed_dim)
        out = self.out_proj(out)
        if not self.batch_first:
            out = out.transpose(0, 1)
        weights = self._weights(q, k, keep, is_causal, average_attn_weights) if need_weights else None
        return out, weights

    def _check_shapes(self, query, key, value):
        if query.ndim != 3 or query.shape[-1] != self.embed_dim:
            order = "(N, L, E)" if self.batch_first else "(L, N, E)"
            raise ValueError(
                f"MultiheadAttention: query must be {order} with E={self.embed_dim}, got "
                f"{tuple(query.shape)}"
            )
        if key.shape != value.shape[:-1] + (key.shape[-1],) or key.shape[0] != query.shape[0]:
            raise ValueError(
                f"MultiheadAttention: key {tuple(key.shape)} and value {tuple(value.shape)} "
                f"do not fit query {tuple(query.shape)}"
            )

    def _project(self, query, key, value, self_attention):
        """Each of q, k, v through its third of in_proj, split into heads: (N, h, L, d/h).

        In self-attention (query, key and value were the same tensor) one product with the
        whole (3d × d) in_proj does all three projections, as PyTorch does: one matrix
        product and one graph node instead of three of each."""
        if self_attention:
            n, length, _ = query.shape
            qkv = F.linear(query, self.in_proj_weight, self.in_proj_bias)
            heads = qkv.reshape(n, length, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
            return heads[0], heads[1], heads[2]
        e = self.embed_dim
        projected = []
        for i, x in enumerate((query, key, value)):
            part = slice(i * e, (i + 1) * e)
            bias = None if self.in_proj_bias is None else self.in_proj_bias[part]
            y = F.linear(x, self.in_proj_weight[part], bias)
            n, length, _ = y.shape
            projected.append(y.reshape(n, length, self.num_heads, self.head_dim).transpose(1, 2))
        return projected

    def _weights(self, q, k, keep, is_causal, average):
        """The attention probabilities, for inspection (no gradient flows through them)."""
        with no_grad():
            scores = (q @ k.mT) * (1 / math.sqrt(self.head_dim))
            if keep is not None:
                scores = where(keep, scores, -math.inf) if keep.dtype == bool else scores + keep
            if is_causal:
                length, keys = scores.shape[-2:]
                causal = tensor(np.tril(np.ones((length, keys), bool)), device=scores.device)
                scores = where(causal, scores, -math.inf)
            weights = scores.softmax(-1)
            return weights.mean(1) if average else weights


def _keep_mask(key_padding_mask, attn_mask, batch, heads):
    """PyTorch's "True = ignore" masks as one bool "True = keep" mask, (N, h, L, S)-broadcastable.

    A float attn_mask (added to the scores) is passed through unchanged when there is no
    padding mask.
    """
    keep = None
    if key_padding_mask is not None:
        pad = key_padding_mask.data if isinstance(key_padding_mask, Tensor) else np.asarray(key_padding_mask)
        keep = Tensor._make(~pad.astype(bool)[:, None, None, :])
    if attn_mask is None:
        return keep
    mask = attn_mask if isinstance(attn_mask, Tensor) else tensor(attn_mask)
    if mask.ndim == 3:  # (N·h, L, S) -> (N, h, L, S)
        mask = mask.reshape(batch, heads, *mask.shape[1:])
    if mask.dtype == bool:
        allowed = Tensor._make(~mask.data)
        return allowed if keep is None else allowed & keep
    if keep is None:
        return mask
    return where(keep, mask, -math.inf)
