"""The Transformer encoder (Vaswani et al. 2017; seed 002 §3.3), with PyTorch's names.

One encoder layer is two sub-layers, each wrapped in a residual connection and LayerNorm
(transformer_sublayer.py):

    post-norm (norm_first=False, the original):  x = norm1(x + SA(x));  x = norm2(x + FF(x))
    pre-norm  (norm_first=True, trains stabler): x = x + SA(norm1(x));  x = x + FF(norm2(x))

SA is multi-head self-attention, FF the position-wise feed-forward network. Attention
itself has no notion of order, so positions are added to the token embeddings first: either
fixed sinusoids, PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(...), or a learned
embedding per position.
"""

import copy
import math

import numpy as np

from minigrad.backend import array_module
from minigrad.nn.attention import MultiheadAttention
from minigrad.nn.containers import ModuleList
from minigrad.nn.dropout import Dropout
from minigrad.nn.module import Module
from minigrad.nn.normalization import LayerNorm
from minigrad.nn.sparse import Embedding
from minigrad.nn.transformer_sublayer import TransformerSublayers, check_sequences
from minigrad.tensor import Tensor


class TransformerEncoderLayer(TransformerSublayers):
    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu",
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True):
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first)
        self._add_feed_forward(d_model, dim_feedforward, dropout, activation, bias)
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.d_model, self.batch_first, self.norm_first = d_model, batch_first, norm_first

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        check_sequences(type(self).__name__, self.d_model, self.batch_first, src=src)
        x = self._residual(src, self.norm1, lambda x: self._self_attention(
            x, src_mask, src_key_padding_mask, is_causal))
        return self._residual(x, self.norm2, lambda x: self.dropout2(self._feed_forward(x)))


class TransformerEncoder(Module):
    """`num_layers` independent copies of `encoder_layer`, applied in turn, then `norm`."""

    def __init__(self, encoder_layer, num_layers, norm=None):
        super().__init__()
        self.layers = ModuleList(copy.deepcopy(encoder_layer) for _ in range(num_layers))
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=False):
        x = src
        for layer in self.layers:
            x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask,
                      is_causal=is_causal)
        return x if self.norm is None else self.norm(x)


def sinusoidal_positions(max_len, d_model):
    """The fixed (max_len, d_model) float32 table of sines and cosines of Vaswani et al."""
    position = np.arange(max_len, dtype=np.float64)[:, None]
    frequency = np.exp(np.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
    table = np.zeros((max_len, d_model))
    table[:, 0::2] = np.sin(position * frequency)
    table[:, 1::2] = np.cos(position * frequency[: d_model // 2])
    return table.astype(np.float32)


class SinusoidalPositionalEncoding(Module):
    """Adds fixed sinusoidal positions to a (N, L, d) batch (a buffer: saved, not trained)."""

    def __init__(self, d_model, max_len=512):
        super().__init__()
        self.register_buffer("pe", Tensor(sinusoidal_positions(max_len, d_model)), persistent=False)

    def forward(self, x):
        return x + self.pe[: x.shape[1]]


class LearnedPositionalEmbedding(Module):
    """Adds a trained vector per position (BERT's choice) to a (N, L, d) batch."""

    def __init__(self, max_len, d_model):
        super().__init__()
        self.embedding = Embedding(max_len, d_model)

    def forward(self, x):
        if x.shape[1] > self.embedding.num_embeddings:
            raise ValueError(
                f"LearnedPositionalEmbedding: sequence of length {x.shape[1]} is longer than "
                f"max_len {self.embedding.num_embeddings}"
            )
        positions = Tensor._make(array_module(x.data).arange(x.shape[1]))
        return x + self.embedding(positions)
