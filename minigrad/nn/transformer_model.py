"""nn.Transformer: an encoder stack and a decoder stack (Vaswani et al. 2017, Figure 1), with
torch.nn.Transformer's arguments, submodule names and initialisation.

The encoder reads the whole source; the decoder reads the target shifted right, under a causal
mask (`generate_square_subsequent_mask`), and attends to the encoder's output at every layer.
"""

import math

from minigrad.creation import full
from minigrad.nn import init
from minigrad.nn.module import Module
from minigrad.nn.normalization import LayerNorm
from minigrad.nn.transformer import TransformerEncoder, TransformerEncoderLayer
from minigrad.nn.transformer_decoder import TransformerDecoder, TransformerDecoderLayer
from minigrad.nn.transformer_sublayer import check_sequences


class Transformer(Module):
    def __init__(self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6,
                 dim_feedforward=2048, dropout=0.1, activation="relu", custom_encoder=None,
                 custom_decoder=None, layer_norm_eps=1e-5, batch_first=False, norm_first=False,
                 bias=True):
        super().__init__()
        layer_args = dict(dim_feedforward=dim_feedforward, dropout=dropout, activation=activation,
                          layer_norm_eps=layer_norm_eps, batch_first=batch_first,
                          norm_first=norm_first, bias=bias)
        self.encoder = custom_encoder if custom_encoder is not None else TransformerEncoder(
            TransformerEncoderLayer(d_model, nhead, **layer_args), num_encoder_layers,
            norm=LayerNorm(d_model, eps=layer_norm_eps))
        self.decoder = custom_decoder if custom_decoder is not None else TransformerDecoder(
            TransformerDecoderLayer(d_model, nhead, **layer_args), num_decoder_layers,
            norm=LayerNorm(d_model, eps=layer_norm_eps))
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first
        self._reset_parameters()

    def _reset_parameters(self):
        """Xavier-uniform for every matrix, as PyTorch's Transformer does (its layers alone
        would keep Linear's default init)."""
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p)

    def forward(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None,
                src_key_padding_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
                memory_is_causal=False):
        check_sequences(type(self).__name__, self.d_model, self.batch_first, src=src, tgt=tgt)
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask,
                              is_causal=bool(src_is_causal))
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz, device=None, dtype=None):
        """(sz, sz) float mask: 0 where position i may see j (j <= i), -inf above the diagonal."""
        return full((sz, sz), -math.inf, dtype=dtype, device=device).triu(1)
