"""`F.ctc_loss`: the CTC loss of PyTorch, for sequence labelling without a given alignment
(speech, handwriting): the network emits one class distribution per input step, and the loss
sums over every way of reading the target from them (ops/ctc.py has the recursion).
"""

import numpy as np

from minigrad.backend import to_device, to_numpy
from minigrad.nn.functional import loss_checks as checks
from minigrad.ops.ctc import CTCNegativeLogLikelihood
from minigrad.tensor import Tensor


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    """−log p(target | log_probs), per sample, then reduced.

    log_probs       (T, N, C) log-probabilities (log_softmax's output), or (T, C) for one
                    sample.
    targets         class indices: (N, S) padded, each row read up to its target length, or
                    1-d, the targets of all samples one after another.
    input_lengths   (N,) steps of each sample (≤ T); target_lengths (N,) labels of each.
    blank           the class that means "no label".
    reduction       'mean': each loss divided by its target length (at least 1), then the
                    mean over the batch, as PyTorch; 'sum' and 'none' as usual.
    zero_infinity   a target that no alignment can produce (too long for its input) gives
                    a loss and gradient of 0 instead of +∞ and nan.

    Departure from PyTorch: the gradient with respect to log_probs is the true derivative,
    minus the expected visits of each class. PyTorch returns that plus softmax(log_probs),
    the gradient with respect to the logits under log_softmax; after a log_softmax (what
    PyTorch requires of the input) the two give the same gradient to the logits.
    """
    op = "ctc_loss"
    checks.check_reduction(op, reduction)
    checks.check_input(op, log_probs)
    if log_probs.ndim not in (2, 3):
        raise ValueError(
            f"{op}: log_probs must be (T, N, C) or (T, C), got shape {tuple(log_probs.shape)}"
        )
    batched = log_probs.ndim == 3
    if not batched:
        log_probs = log_probs.unsqueeze(1)
    steps, batch, classes = log_probs.shape
    if not 0 <= blank < classes:
        raise ValueError(f"{op}: blank must be a class index in 0 to {classes - 1}, got {blank}")
    input_lengths = _lengths(op, "input_lengths", input_lengths, batch, 1, steps)
    padded, target_lengths = _padded_targets(op, targets, target_lengths, batch, classes, blank,
                                             batched)
    device = log_probs.device
    loss = CTCNegativeLogLikelihood.apply(
        log_probs, targets=to_device(padded, device),
        input_lengths=to_device(input_lengths, device),
        target_lengths=to_device(target_lengths, device), blank=blank,
        zero_infinity=zero_infinity,
    )
    if not batched:
        loss = loss.reshape(())
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    per_label = np.maximum(target_lengths, 1).astype(log_probs.dtype).reshape(loss.shape)
    return (loss / Tensor._make(to_device(per_label, log_probs.device))).mean()


def _lengths(op, name, lengths, batch, low, high):
    """Lengths (a tensor, list or number) as a host int64 array of shape (batch,), each in
    [low, high]."""
    values = to_numpy(lengths.data) if isinstance(lengths, Tensor) else np.asarray(lengths)
    if values.dtype.kind not in "iu":
        raise TypeError(f"{op}: {name} must hold integers, got dtype {values.dtype}")
    values = values.astype(np.int64).reshape(-1)
    if values.shape != (batch,):
        raise ValueError(f"{op}: {name} must have one length per sample ({batch}), got "
                         f"{values.size}")
    if values.size and (values.min() < low or values.max() > high):
        raise ValueError(f"{op}: {name} must be in {low} to {high}, got values from "
                         f"{values.min()} to {values.max()}")
    return values


def _padded_targets(op, targets, target_lengths, batch, classes, blank, batched):
    """(targets as a host (N, max length) array with blank past each length, the lengths)."""
    if not isinstance(targets, Tensor) or targets.dtype.kind not in "iu":
        got = targets.dtype if isinstance(targets, Tensor) else type(targets).__name__
        raise TypeError(f"{op}: targets must be an integer tensor of class indices, got {got}")
    values = to_numpy(targets.data).astype(np.int64)
    if not batched and values.ndim != 1:
        raise ValueError(f"{op}: one sample's targets must be 1-d, got shape {values.shape}")
    if not batched or values.ndim == 1:
        total = values.size if not batched else None
        lengths = _lengths(op, "target_lengths", target_lengths, batch, 0,
                           total if total is not None else values.size)
        if batched and lengths.sum() != values.size:
            raise ValueError(f"{op}: 1-d targets hold {values.size} labels but target_lengths "
                             f"add up to {lengths.sum()}")
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        rows = [values[start:start + length] for start, length in zip(starts, lengths)]
    else:
        if values.ndim != 2 or values.shape[0] != batch:
            raise ValueError(f"{op}: targets must be (N, S) with N = {batch}, or 1-d, got "
                             f"shape {values.shape}")
        lengths = _lengths(op, "target_lengths", target_lengths, batch, 0, values.shape[1])
        rows = [row[:length] for row, length in zip(values, lengths)]
    padded = np.full((batch, max(lengths.max(initial=0), 1)), blank, np.int64)
    for row, labels in zip(padded, rows):
        row[:labels.size] = labels
    listed = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    if listed.size and (listed.min() < 0 or listed.max() >= classes):
        raise ValueError(f"{op}: targets must be class indices in 0 to {classes - 1}, got "
                         f"values from {listed.min()} to {listed.max()}")
    return padded, lengths
