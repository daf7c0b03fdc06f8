"""Loss functions, with the names and arguments of `torch.nn.functional`.

A loss compares a prediction with a target and gives the number that training minimises.
Each function here first computes the loss of every sample (every element for the
elementwise losses), then reduces it:

    reduction='none'   the per-sample losses, one per sample
    reduction='sum'    their sum
    reduction='mean'   their mean; for class-index targets with class weights, a weighted
                       mean: Σ_n w[y_n]·loss_n / Σ_n w[y_n] over the samples not ignored

Composed from ops (their gradients follow from the ops'): nll_loss, mse_loss, l1_loss,
smooth_l1_loss, huber_loss, kl_div. Fused, with a hand-written backward (fused_loss.py says
why): cross_entropy, binary_cross_entropy, binary_cross_entropy_with_logits.

Class weights, sample weights and pos_weight are constants: no gradient flows to them.
PyTorch's deprecated `size_average` and `reduce` arguments are left out, and the arguments
that follow them in PyTorch are keyword-only here, so a call that passes them by position
fails loudly instead of binding to the wrong argument.
"""

from minigrad.autograd import under_autocast
from minigrad.backend import array_module
from minigrad.nn.functional import loss_checks as checks
from minigrad.nn.functional.fused_loss import (
    BinaryCrossEntropy,
    BinaryCrossEntropyWithLogits,
    SoftmaxCrossEntropy,
)
from minigrad.ops.elementwise import where
from minigrad.tensor import Tensor


@under_autocast("fp32")
def cross_entropy(
    input, target, weight=None, *, ignore_index=-100, reduction="mean", label_smoothing=0.0
):
    """-Σ_c q_c · log softmax(input)_c for each sample, q the target distribution.

    input   logits of shape (N, C), (N, C, d1, ...) or (C,) for a single sample.
    target  class indices: an integer tensor of shape (N,), (N, d1, ...) or (); entries equal
            to `ignore_index` add nothing to the loss (nor to the mean's denominator);
            or class probabilities: a float tensor of the input's shape.
    weight  (C,): weight of each class.
    label_smoothing ε: the target distribution becomes (1 - ε)·target + ε/C, a mix with the
            uniform distribution that keeps the model from pushing logits to ±infinity.

    With class probabilities, 'mean' divides by the number of samples (N·d1·...).
    """
    op = "cross_entropy"
    checks.check_reduction(op, reduction)
    axis = checks.class_axis(op, input)
    class_weight = checks.class_weight(op, weight, input, axis)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{op}: label_smoothing must be in [0, 1], got {label_smoothing}")
    checks.check_target_tensor(op, target, input)
    if target.dtype.kind == "f":
        q = _probability_target(op, input, target, axis, class_weight, label_smoothing)
        return _reduce(SoftmaxCrossEntropy.apply(input, q, axis=axis), reduction)
    indices = checks.class_indices(op, input, target, axis, ignore_index)
    q, sample_weight = _class_index_target(input, indices, axis, class_weight, ignore_index,
                                           label_smoothing)
    loss = SoftmaxCrossEntropy.apply(input, Tensor._make(q), axis=axis)
    return _reduce(loss, reduction, total_weight=sample_weight.sum())


def _probability_target(op, input, target, axis, class_weight, label_smoothing):
    """q = ((1 - ε)·target + ε/C) · weight, composed so a gradient can reach the target."""
    if target.shape != input.shape:
        raise ValueError(
            f"{op}: a float target holds class probabilities and must have the input's shape "
            f"{tuple(input.shape)}, got {tuple(target.shape)} (for class indices pass an "
            "integer tensor: target.long())"
        )
    if target.dtype != input.dtype:
        raise TypeError(f"{op}: input is {input.dtype} but target is {target.dtype}")
    q = target
    if label_smoothing:
        q = q * (1.0 - label_smoothing) + label_smoothing / input.shape[axis]
    if class_weight is not None:
        q = q * Tensor._make(class_weight.reshape(_along(axis, input.ndim)))
    return q


def _class_index_target(input, indices, axis, class_weight, ignore_index, label_smoothing):
    """The target distribution q for class indices, and each sample's weight w[y_n].

    q_c = (1 - ε)·w[y_n]·[c = y_n] + (ε/C)·w_c, and 0 for an ignored sample. This is
    PyTorch's label smoothing: (1 - ε) times the weighted loss of the true class plus ε/C times
    the weighted losses of all classes.
    """
    xp = array_module(input.data)
    classes = input.shape[axis]
    kept, safe_indices, sample_weight = _sample_weights(indices, class_weight, ignore_index,
                                                        input.dtype)
    class_ids = xp.arange(classes).reshape(_along(axis, input.ndim))
    one_hot = xp.expand_dims(safe_indices, axis) == class_ids
    q = one_hot * xp.expand_dims(sample_weight * (1.0 - label_smoothing), axis)
    if label_smoothing:
        weights = xp.ones(classes, input.dtype) if class_weight is None else class_weight
        spread = (label_smoothing / classes) * weights.reshape(_along(axis, input.ndim))
        q = q + spread * xp.expand_dims(kept, axis)
    return q, sample_weight


def _sample_weights(indices, class_weight, ignore_index, dtype):
    """(kept, indices with ignored ones set to class 0 so they can index, w[y_n] or 1 where
    kept and 0 where ignored)."""
    xp = array_module(indices)
    kept = indices != ignore_index
    safe_indices = xp.where(kept, indices, 0)
    weight = xp.ones(indices.shape, dtype) if class_weight is None else class_weight[safe_indices]
    return kept, safe_indices, weight * kept


def _along(axis, ndim):
    """The shape that lays a (C,) vector along `axis` of an ndim-dimensional array."""
    return tuple(-1 if i == axis else 1 for i in range(ndim))


@under_autocast("fp32")
def nll_loss(input, target, weight=None, *, ignore_index=-100, reduction="mean"):
    """-w[y_n] · input[n, y_n]: the negative log-likelihood of the true class.

    input holds log-probabilities (log_softmax's output), shaped like cross_entropy's input;
    target holds class indices. cross_entropy(x, y) = nll_loss(log_softmax(x, 1), y).
    """
    op = "nll_loss"
    checks.check_reduction(op, reduction)
    axis = checks.class_axis(op, input)
    class_weight = checks.class_weight(op, weight, input, axis)
    indices = checks.class_indices(op, input, target, axis, ignore_index)
    _, safe_indices, sample_weight = _sample_weights(indices, class_weight, ignore_index,
                                                     input.dtype)
    picked = input[_true_class_index(safe_indices, axis)]
    loss = -picked * Tensor._make(sample_weight)
    return _reduce(loss, reduction, total_weight=sample_weight.sum())


def _true_class_index(indices, axis):
    """The index that picks input[n, y[n, d..], d..] for every n and d.. at once."""
    xp = array_module(indices)
    ndim = indices.ndim
    grids = [xp.arange(n).reshape(_along(i, ndim)) for i, n in enumerate(indices.shape)]
    grids.insert(axis, indices)
    return tuple(grids)


def _reduce(loss, reduction, total_weight=None):
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        if total_weight is None:
            return loss.mean()
        return loss.sum() / Tensor._make(total_weight)
    return loss


@under_autocast("fp32")
def mse_loss(input, target, *, reduction="mean"):
    """(input - target)²: the mean squared error."""
    checks.check_reduction("mse_loss", reduction)
    checks.check_pair("mse_loss", input, target)
    difference = input - target
    return _reduce(difference * difference, reduction)


@under_autocast("fp32")
def l1_loss(input, target, *, reduction="mean"):
    """|input - target|: the mean absolute error (gradient sign(input - target), 0 at 0)."""
    checks.check_reduction("l1_loss", reduction)
    checks.check_pair("l1_loss", input, target)
    return _reduce((input - target).abs(), reduction)


@under_autocast("fp32")
def smooth_l1_loss(input, target, *, reduction="mean", beta=1.0):
    """0.5·d²/β where d = |input - target| < β, else d - 0.5·β.

    Quadratic near 0 (a gradient that shrinks as the error does), linear far away (outliers
    pull no harder than a fixed amount). β = 0 is l1_loss.
    """
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be ≥ 0, got {beta}")
    return _smooth_l1("smooth_l1_loss", input, target, reduction, beta)


@under_autocast("fp32")
def huber_loss(input, target, reduction="mean", delta=1.0):
    """0.5·d² where d = |input - target| < δ, else δ·(d - 0.5·δ): δ times smooth_l1_loss."""
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be > 0, got {delta}")
    return _smooth_l1("huber_loss", input, target, reduction, delta) * delta


def _smooth_l1(op, input, target, reduction, beta):
    checks.check_reduction(op, reduction)
    checks.check_pair(op, input, target)
    d = (input - target).abs()
    if beta == 0:
        return _reduce(d, reduction)
    return _reduce(where(d < beta, d * d * (0.5 / beta), d - 0.5 * beta), reduction)


@under_autocast("banned")
def binary_cross_entropy(input, target, weight=None, *, reduction="mean"):
    """-w·[y·log x + (1 - y)·log(1 - x)] for probabilities x (each log clamped at -100)."""
    op = "binary_cross_entropy"
    checks.check_reduction(op, reduction)
    checks.check_pair(op, input, target)
    checks.check_probabilities(op, input)
    sample_weight = checks.broadcast_weight(op, "weight", weight, input)
    return _weigh_and_reduce(BinaryCrossEntropy.apply(input, target), sample_weight, reduction)


@under_autocast("fp32")
def binary_cross_entropy_with_logits(
    input, target, weight=None, *, reduction="mean", pos_weight=None
):
    """binary_cross_entropy(sigmoid(input), target), computed stably from the logits.

    pos_weight (broadcast along the last dim: one per class) multiplies the loss of the
    positive targets: > 1 raises recall, < 1 raises precision.
    """
    op = "binary_cross_entropy_with_logits"
    checks.check_reduction(op, reduction)
    checks.check_pair(op, input, target)
    sample_weight = checks.broadcast_weight(op, "weight", weight, input)
    pos_weight = checks.broadcast_weight(op, "pos_weight", pos_weight, input)
    loss = BinaryCrossEntropyWithLogits.apply(input, target, pos_weight=pos_weight)
    return _weigh_and_reduce(loss, sample_weight, reduction)


def _weigh_and_reduce(loss, sample_weight, reduction):
    if sample_weight is not None:
        loss = loss * Tensor._make(sample_weight)
    return _reduce(loss, reduction)


@under_autocast("fp32")
def kl_div(input, target, *, reduction="mean", log_target=False):
    """Σ target·(log target - input): the KL divergence KL(target ‖ p) with input = log p.

    input holds log-probabilities; target probabilities (or log-probabilities when
    log_target=True). Terms with target = 0 are 0 (0·log 0 = 0). reduction='batchmean'
    divides the sum by the batch size N, which is the true mean KL divergence per sample;
    'mean' divides by the number of elements, as PyTorch does.
    """
    op = "kl_div"
    checks.check_reduction(op, reduction, checks.REDUCTIONS + ("batchmean",))
    checks.check_pair(op, input, target)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        positive = target > 0
        safe_target = where(positive, target, 1.0)  # log 1 = 0, so no -inf (nor nan gradient)
        loss = target * safe_target.log() - target * input
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.ndim else 1)
    return _reduce(loss, reduction)
