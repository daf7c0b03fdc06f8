"""`F.embedding_bag`: the sum, mean or max of bags of embedding rows, without the (bags ×
length × dim) tensor of `embedding` in between for sum and mean.

The ids come as a 2-D (B, L) tensor (each row one bag) or as one 1-D tensor cut into B bags
at `offsets` (bag b is input[offsets[b]:offsets[b + 1]]; the last runs to the end, or, with
include_last_offset, offsets holds B + 1 bounds). Ids equal to padding_idx are left out of
their bag (and of a mean's count). With the rows R = weight[ids] (n × D):

    sum, mean   out = M · R, where M[b, k] = 1 (sum; per_sample_weights[k] if given) or
                1/|bag b| (mean) when id k is in bag b, else 0
    max         out[b] = max over the rows of bag b, from a (B × longest bag × D) gather
                padded with −∞

Each is composed of indexing, matmul and amax, so the gradient needs no proof of its own
(weight's rows collect theirs through the indexing; per_sample_weights get theirs through the
product). An empty bag gives zeros, as in PyTorch.
"""

import math

import numpy as np

from minigrad.backend import to_numpy
from minigrad.creation import full, tensor
from minigrad.nn.functional.sparse import embedding
from minigrad.ops.elementwise import where
from minigrad.ops.movement import cat

MODES = ("sum", "mean", "max")


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2,
                  scale_grad_by_freq=False, mode="mean", sparse=False, per_sample_weights=None,
                  include_last_offset=False, padding_idx=None):
    """torch.nn.functional.embedding_bag -> (B, embedding_dim). max_norm, scale_grad_by_freq
    and sparse gradients are not supported (each raises a ValueError)."""
    op = "embedding_bag"
    if mode not in MODES:
        raise ValueError(f"{op}: mode must be one of {MODES}, got {mode!r}")
    for name, value, default in [("max_norm", max_norm, None),
                                 ("scale_grad_by_freq", scale_grad_by_freq, False),
                                 ("sparse", sparse, False)]:
        if value != default:
            raise ValueError(f"{op}: {name}={value!r} is not supported")
    ids, starts, ends = _bags(op, input, offsets, include_last_offset)
    keep = np.ones(ids.size, dtype=bool) if padding_idx is None else (
        ids != padding_idx % weight.shape[0])
    bag_of = np.repeat(np.arange(starts.size), ends - starts)
    rows = embedding(input.reshape(-1), weight)  # (n, D), the ids range-checked there
    if per_sample_weights is not None:
        rows = rows * _sample_weights(op, per_sample_weights, input, weight, mode).reshape(-1, 1)
    if mode == "max":
        return _bag_maxima(rows, bag_of[keep], np.flatnonzero(keep), starts.size)
    bags = np.zeros((starts.size, ids.size))
    bags[bag_of[keep], np.flatnonzero(keep)] = 1
    if mode == "mean":
        bags /= np.maximum(bags.sum(axis=1, keepdims=True), 1)
    return tensor(bags, dtype=weight.dtype, device=weight.device) @ rows


def _bags(op, input, offsets, include_last_offset):
    """(ids as a flat numpy array, each bag's start and end in it)."""
    if input.dtype.kind not in "iu":
        raise TypeError(f"{op}: input must hold integer ids, got dtype {input.dtype}")
    ids = to_numpy(input.data).reshape(-1)
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError(f"{op}: offsets must be None for a 2-D input (each row is a bag)")
        length = input.shape[1]
        starts = np.arange(input.shape[0]) * length
        return ids, starts, starts + length
    if input.ndim != 1 or offsets is None or offsets.ndim != 1 or offsets.dtype.kind not in "iu":
        raise ValueError(
            f"{op}: expected a 2-D input (B, L), or a 1-D input with 1-D integer offsets, got "
            f"input of shape {tuple(input.shape)} and offsets "
            f"{None if offsets is None else tuple(offsets.shape)}"
        )
    bounds = to_numpy(offsets.data).astype(np.int64)
    if not include_last_offset:
        bounds = np.append(bounds, ids.size)
    if bounds.size < 2 or bounds[0] != 0 or np.any(np.diff(bounds) < 0) or bounds[-1] > ids.size:
        raise ValueError(
            f"{op}: offsets must start at 0 and not decrease, up to the input's length "
            f"{ids.size}, got {to_numpy(offsets.data).tolist()}"
        )
    return ids, bounds[:-1], bounds[1:]


def _sample_weights(op, per_sample_weights, input, weight, mode):
    if mode != "sum":
        raise ValueError(f"{op}: per_sample_weights needs mode='sum', got mode={mode!r}")
    if per_sample_weights.shape != input.shape or per_sample_weights.dtype != weight.dtype:
        raise ValueError(
            f"{op}: per_sample_weights must have the input's shape {tuple(input.shape)} and the "
            f"weight's dtype {weight.dtype}, got {tuple(per_sample_weights.shape)} "
            f"{per_sample_weights.dtype}"
        )
    return per_sample_weights


def _bag_maxima(rows, bag_of, positions, bag_count):
    """(bag_count, D): each bag's largest rows, element by element; zeros for an empty bag."""
    sizes = np.bincount(bag_of, minlength=bag_count)
    longest = max(int(sizes.max(initial=0)), 1)
    table = np.full((bag_count, longest), rows.shape[0])  # row n: the −∞ padding
    slot = np.arange(bag_of.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    table[bag_of, slot] = positions
    padding = full((1, rows.shape[1]), -math.inf, dtype=rows.dtype, device=rows.device)
    gathered = cat([rows, padding])[tensor(table, device=rows.device)]
    has_rows = tensor((sizes > 0)[:, None], device=rows.device)
    return where(has_rows, gathered.amax(dim=1), 0.0)
