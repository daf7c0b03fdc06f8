"""What every Transformer layer (encoder or decoder) is built from: sub-layers wrapped in a
residual connection and LayerNorm, the position-wise feed-forward network, and the check that
inputs are sequences of d_model-vectors.

    post-norm (norm_first=False, the original):  x = norm(x + sublayer(x))
    pre-norm  (norm_first=True, trains stabler): x = x + sublayer(norm(x))

FF(x) = linear2(dropout(activation(linear1(x)))). The sub-modules are set on the layer itself,
not on a child, so the state_dict names (`linear1.weight`, ...) are PyTorch's.
"""

from minigrad.nn.activation import GELU, ReLU
from minigrad.nn.dropout import Dropout
from minigrad.nn.linear import Linear
from minigrad.nn.module import Module

_ACTIVATIONS = {"relu": ReLU, "gelu": GELU}


class TransformerSublayers(Module):
    """Base of TransformerEncoderLayer and TransformerDecoderLayer: both have `self_attn`,
    `dropout1` and the feed-forward network under these names."""

    def _add_feed_forward(self, d_model, dim_feedforward, dropout, activation, bias):
        if isinstance(activation, str) and activation not in _ACTIVATIONS:
            raise ValueError(
                f"{type(self).__name__}: activation must be 'relu' or 'gelu' (or a callable), "
                f"got {activation!r}"
            )
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias)
        self.activation = _ACTIVATIONS[activation]() if isinstance(activation, str) else activation

    def _self_attention(self, x, mask, key_padding_mask, is_causal):
        out, _ = self.self_attn(x, x, x, attn_mask=mask, key_padding_mask=key_padding_mask,
                                need_weights=False, is_causal=is_causal)
        return self.dropout1(out)

    def _feed_forward(self, x):
        return self.linear2(self.dropout(self.activation(self.linear1(x))))

    def _residual(self, x, norm, sublayer):
        """x plus sublayer's output, normalised before the sublayer or after the sum."""
        if self.norm_first:
            return x + sublayer(norm(x))
        return norm(x + sublayer(x))


def check_sequences(owner, d_model, batch_first, **sequences):
    """Raise a ValueError naming `owner` unless every sequence is 3-D with d_model features and
    all share one batch size (dim 0 if batch_first, else dim 1, as in PyTorch)."""
    batch_dim = 0 if batch_first else 1
    shapes = {name: tuple(t.shape) for name, t in sequences.items()}
    fits = all(len(s) == 3 and s[-1] == d_model for s in shapes.values())
    if fits and len({s[batch_dim] for s in shapes.values()}) == 1:
        return
    layout = "(N, L, d_model)" if batch_first else "(L, N, d_model)"
    got = ", ".join(f"{name} {shape}" for name, shape in shapes.items())
    raise ValueError(
        f"{owner}: expected {layout} sequences with d_model={d_model} and one batch size N, "
        f"got {got}"
    )
