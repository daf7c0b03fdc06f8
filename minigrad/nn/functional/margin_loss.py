"""Margin (hinge) losses, with the names and arguments of `torch.nn.functional`.

A margin loss is zero once the right answer wins by a margin, and grows linearly (or
quadratically) with the shortfall otherwise: max(0, margin − (score of right − score of
wrong)). They differ in what is compared: two scores (margin_ranking_loss), a distance and
a label (hinge_embedding_loss), two vectors' cosine (cosine_embedding_loss), two distances
from an anchor (triplet losses), or the true class against every other class (multi_margin
and multilabel_margin). soft_margin_loss and multilabel_soft_margin_loss replace the hinge
by the smooth log(1 + e^−z).

All are composed from ops, so their gradients follow from the ops' (the hinge is clamp or
relu: where PyTorch's hinge passes a gradient at exactly 0 it is clamp, ends included,
where it does not it is relu). reduction='mean' averages over samples, as in PyTorch; the
options after the deprecated size_average/reduce are keyword-only (see loss.py).
"""

from functools import partial

from minigrad.autograd import under_autocast
from minigrad.backend import array_module
from minigrad.nn.functional import loss_checks as checks
from minigrad.nn.functional.activation import logsigmoid
from minigrad.nn.functional.distance import pairwise_distance
from minigrad.nn.functional.loss import _reduce
from minigrad.ops import elementwise as ops
from minigrad.tensor import Tensor


@under_autocast("fp32")
def margin_ranking_loss(input1, input2, target, margin=0, *, reduction="mean"):
    """max(0, −y·(x1 − x2) + margin): y = 1 asks x1 to rank above x2 by the margin, y = −1
    below."""
    op = "margin_ranking_loss"
    checks.check_reduction(op, reduction)
    checks.check_alike(op, input1=input1, input2=input2, target=target)
    return _reduce(ops.clamp(-target * (input1 - input2) + margin, min=0.0), reduction)


@under_autocast("fp32")
def hinge_embedding_loss(input, target, margin=1.0, *, reduction="mean"):
    """x where y = 1, max(0, margin − x) where y = −1, for x a distance (small for similar
    pairs). As in PyTorch, a label that is neither 1 nor −1 gets both terms."""
    op = "hinge_embedding_loss"
    checks.check_reduction(op, reduction)
    checks.check_pair(op, input, target)
    apart = ops.where(target != 1, ops.clamp(margin - input, min=0.0), 0.0)
    close = ops.where(target != -1, input, 0.0)
    return _reduce(apart + close, reduction)


# PyTorch's cosine_embedding_loss adds this to both squared norms (not cosine_similarity's eps)
COSINE_EMBEDDING_EPS = 1e-12


@under_autocast("fp32")
def cosine_embedding_loss(input1, input2, target, margin=0, *, reduction="mean"):
    """1 − cos(x1, x2) where y = 1, max(0, cos(x1, x2) − margin) where y = −1.

    input1, input2: (N, D) or (D,); target (N,) or () of ±1. cos = Σ x1·x2 /
    √((Σ x1² + ε)(Σ x2² + ε)) along D with ε = 1e-12, PyTorch's formula for this loss.
    """
    op = "cosine_embedding_loss"
    checks.check_reduction(op, reduction)
    checks.check_alike(op, input1=input1, input2=input2)
    if input1.ndim not in (1, 2):
        raise ValueError(
            f"{op}: expected inputs (N, D) or (D,), got shape {tuple(input1.shape)}"
        )
    _check_label_shape(op, target, input1.shape[:-1], input1)
    dot = (input1 * input2).sum(dim=-1)
    squares1 = (input1 * input1).sum(dim=-1) + COSINE_EMBEDDING_EPS
    squares2 = (input2 * input2).sum(dim=-1) + COSINE_EMBEDDING_EPS
    cos = dot / (squares1 * squares2).sqrt()
    similar = ops.where(target == 1, 1 - cos, 0.0)
    dissimilar = ops.where(target == -1, ops.clamp(cos - margin, min=0.0), 0.0)
    return _reduce(similar + dissimilar, reduction)


@under_autocast("fp32")
def triplet_margin_loss(
    anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, *, reduction="mean"
):
    """max(0, d(a, p) − d(a, n) + margin) with d the p-norm pairwise_distance (eps added to
    the difference): the anchor should be nearer its positive than its negative by the
    margin. swap=True uses min(d(a, n), d(p, n)), the harder of the two negatives' distances.
    """
    distance = partial(pairwise_distance, p=p, eps=eps)
    return _triplet_loss("triplet_margin_loss", anchor, positive, negative, distance, margin,
                         swap, reduction)


def triplet_margin_with_distance_loss(
    anchor, positive, negative, *, distance_function=None, margin=1.0, swap=False,
    reduction="mean",
):
    """triplet_margin_loss with any distance: distance_function(x, y) gives one distance per
    sample (pairwise_distance when None); margin must be > 0."""
    op = "triplet_margin_with_distance_loss"
    if not margin > 0:
        raise ValueError(f"{op}: margin must be > 0, got {margin}")
    distance = pairwise_distance if distance_function is None else distance_function
    return _triplet_loss(op, anchor, positive, negative, distance, margin, swap, reduction)


def _triplet_loss(op, anchor, positive, negative, distance, margin, swap, reduction):
    checks.check_reduction(op, reduction)
    checks.check_alike(op, anchor=anchor, positive=positive, negative=negative)
    to_positive, to_negative = distance(anchor, positive), distance(anchor, negative)
    if swap:
        to_negative = ops.minimum(to_negative, distance(positive, negative))
    return _reduce(ops.clamp(to_positive - to_negative + margin, min=0.0), reduction)


@under_autocast("fp32")
def soft_margin_loss(input, target, *, reduction="mean"):
    """log(1 + e^(−y·x)) for labels y = ±1: a smooth hinge. Computed as softplus(−y·x)
    through the fused softplus, finite at ±1e4 where the composed log(1 + exp) overflows."""
    op = "soft_margin_loss"
    checks.check_reduction(op, reduction)
    checks.check_pair(op, input, target)
    return _reduce(ops.softplus(-target * input), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, *, reduction="mean"):
    """−(1/C) Σ_c w_c·[y_c·log σ(x_c) + (1 − y_c)·log σ(−x_c)] for each sample: binary
    cross-entropy of logits, one yes/no question per class, averaged over the C classes
    (the last dim). logsigmoid keeps it finite at ±1e4."""
    op = "multilabel_soft_margin_loss"
    checks.check_reduction(op, reduction)
    checks.check_pair(op, input, target)
    if input.ndim == 0:
        raise ValueError(f"{op}: input must have a class dimension, got a 0-d tensor")
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    class_weight = checks.broadcast_weight(op, "weight", weight, input)
    if class_weight is not None:
        loss = loss * Tensor._make(class_weight)
    return _reduce(loss.sum(dim=-1) / input.shape[-1], reduction)


@under_autocast("fp32")
def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, *, reduction="mean"):
    """(1/C) Σ_{i ≠ y} w_y · max(0, margin − x_y + x_i)^p for each sample: every other class
    should score at least `margin` below the true class y. input (N, C) or (C,), target
    class indices (N,) or (); p is 1 or 2."""
    op = "multi_margin_loss"
    checks.check_reduction(op, reduction)
    if p not in (1, 2):
        raise ValueError(f"{op}: p must be 1 or 2, got {p!r}")
    axis = _class_axis_of_a_batch_of_vectors(op, input)
    class_weight = checks.class_weight(op, weight, input, axis)
    indices = checks.class_indices(op, input, target, axis)
    xp = array_module(indices)
    true_class = xp.expand_dims(indices, axis)
    true_score = input.gather(axis, Tensor._make(true_class))
    shortfall = ops.relu(input - true_score + margin)
    if p == 2:
        shortfall = shortfall * shortfall
    other_class = xp.arange(input.shape[axis]) != true_class
    loss = ops.where(other_class, shortfall, 0.0)
    if class_weight is not None:
        loss = loss * Tensor._make(class_weight[true_class])
    return _reduce(loss.sum(dim=axis) / input.shape[axis], reduction)


@under_autocast("fp32")
def multilabel_margin_loss(input, target, *, reduction="mean"):
    """(1/C) Σ_{j ∈ Y} Σ_{i ∉ Y} max(0, 1 − (x_j − x_i)) for each sample: every class of the
    sample's label set Y should score at least 1 above every class outside it.

    target has the input's shape, (N, C) or (C,), and lists Y's class indices first, ended
    by the first −1 (what follows is ignored), as in PyTorch.
    """
    op = "multilabel_margin_loss"
    checks.check_reduction(op, reduction)
    axis = _class_axis_of_a_batch_of_vectors(op, input)
    is_label = _label_set_mask(op, input, target)
    xp = array_module(is_label)
    # pairs[..., j, i] = 1 − x_j + x_i, for j a label and i not
    pairs = ops.relu(1 - input.unsqueeze(-1) + input.unsqueeze(-2))
    counted = xp.expand_dims(is_label, -1) & ~xp.expand_dims(is_label, -2)
    loss = ops.where(counted, pairs, 0.0).sum(dim=(-2, -1)) / input.shape[axis]
    return _reduce(loss, reduction)


def _label_set_mask(op, input, target):
    """A bool array of the input's shape: True at the classes of each sample's label set."""
    checks.check_target_tensor(op, target, input)
    if target.dtype.kind not in "iu":
        raise TypeError(f"{op}: target must list class indices, an integer tensor, got dtype "
                        f"{target.dtype}")
    if target.shape != input.shape:
        raise ValueError(f"{op}: target must have the input's shape {tuple(input.shape)}, got "
                         f"{tuple(target.shape)}")
    t = target.data
    xp = array_module(t)
    classes = input.shape[-1]
    listed = xp.cumprod(t != -1, axis=-1).astype(bool)  # before the first −1
    if ((t[listed] < 0) | (t[listed] >= classes)).any():
        raise ValueError(
            f"{op}: target lists a class outside 0 to {classes - 1} before its first -1"
        )
    matches = (xp.expand_dims(t, -1) == xp.arange(classes)) & xp.expand_dims(listed, -1)
    return matches.any(axis=-2)


def _class_axis_of_a_batch_of_vectors(op, input):
    checks.check_input(op, input)
    if input.ndim not in (1, 2):
        raise ValueError(f"{op}: expected input (N, C) or (C,), got shape {tuple(input.shape)}")
    return input.ndim - 1


def _check_label_shape(op, target, shape, input):
    checks.check_target_tensor(op, target, input)
    if target.shape != tuple(shape):
        raise ValueError(
            f"{op}: target must have shape {tuple(shape)} (one label per pair), got "
            f"{tuple(target.shape)}"
        )
