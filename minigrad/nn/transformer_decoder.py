"""The Transformer decoder (Vaswani et al. 2017 §3.1), with PyTorch's names.

One decoder layer is three sub-layers, each wrapped in a residual connection and LayerNorm
(transformer_sublayer.py): masked self-attention over the target so far, cross-attention
whose queries come from the target and whose keys and values are the encoder's output
`memory`, and the feed-forward network. Post-norm (PyTorch's default):

    x = norm1(x + SA(x, tgt_mask));  x = norm2(x + CA(x, memory));  x = norm3(x + FF(x))

Pre-norm normalises each sub-layer's input instead; `memory` enters cross-attention as it is.
"""

import copy

from minigrad.nn.attention import MultiheadAttention
from minigrad.nn.containers import ModuleList
from minigrad.nn.dropout import Dropout
from minigrad.nn.module import Module
from minigrad.nn.normalization import LayerNorm
from minigrad.nn.transformer_sublayer import TransformerSublayers, check_sequences


class TransformerDecoderLayer(TransformerSublayers):
    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu",
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True):
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first)
        self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                                 batch_first=batch_first)
        self._add_feed_forward(d_model, dim_feedforward, dropout, activation, bias)
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)
        self.d_model, self.batch_first, self.norm_first = d_model, batch_first, norm_first

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        check_sequences(type(self).__name__, self.d_model, self.batch_first, tgt=tgt, memory=memory)
        x = self._residual(tgt, self.norm1, lambda x: self._self_attention(
            x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
        x = self._residual(x, self.norm2, lambda x: self._cross_attention(
            x, memory, memory_mask, memory_key_padding_mask, memory_is_causal))
        return self._residual(x, self.norm3, lambda x: self.dropout3(self._feed_forward(x)))

    def _cross_attention(self, x, memory, mask, key_padding_mask, is_causal):
        out, _ = self.multihead_attn(x, memory, memory, attn_mask=mask,
                                     key_padding_mask=key_padding_mask, need_weights=False,
                                     is_causal=is_causal)
        return self.dropout2(out)

class TransformerDecoder(Module):
    """`num_layers` independent copies of `decoder_layer`, each attending to the same
    `memory`, applied in turn, then `norm`."""

    def __init__(self, decoder_layer, num_layers, norm=None):
        super().__init__()
        self.layers = ModuleList(copy.deepcopy(decoder_layer) for _ in range(num_layers))
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False):
        # tgt_is_causal only promises that tgt_mask is the causal mask; PyTorch guesses it
        # when None, and applying both gives the same scores, so None is simply "no promise".
        x = tgt
        for layer in self.layers:
            x = layer(x, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                      tgt_key_padding_mask=tgt_key_padding_mask,
                      memory_key_padding_mask=memory_key_padding_mask,
                      tgt_is_causal=bool(tgt_is_causal), memory_is_causal=memory_is_causal)
        return x if self.norm is None else self.norm(x)
