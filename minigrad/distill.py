"""Knowledge distillation: train a small student to imitate a large teacher's soft outputs
(Hinton, Vinyals & Dean, "Distilling the Knowledge in a Neural Network", 2015).

With temperature T, the teacher's logits v and the student's logits z give two distributions

    p = softmax(v / T)        the teacher's soft targets
    q = softmax(z / T)        the student's softened prediction

and the student minimises

    loss = α · T² · KL(p ‖ q) + (1 − α) · cross_entropy(z, y).

T > 1 flattens p, so the small probabilities the teacher gives to wrong classes ("this 3 looks
a little like an 8") become large enough to learn from: they say how the teacher generalises,
which a one-hot label cannot.

WHY T². The soft term's gradient is ∂KL/∂z_i = (q_i − p_i) / T, and for large T
(mean-zero logits, C classes) q_i − p_i ≈ (z_i − v_i) / (C·T), so the gradient shrinks like
1/T². Multiplying by T² keeps the soft term's gradients the size of the hard term's at any T,
so α means the same mix whatever temperature is chosen.

The teacher's logits are constants: the loss detaches them, so no gradient reaches the
teacher. Samples without a label (target entry `ignore_index`, or target=None for a whole
unlabelled batch) contribute the soft term only: the teacher labels what nobody labelled.
"""

from minigrad.nn.functional import cross_entropy, kl_div, log_softmax
from minigrad.nn.functional.loss_checks import check_input
from minigrad.nn.utils import check_finite

OP = "distillation_loss"


def distillation_loss(student_logits, teacher_logits, target=None, temperature=4.0, alpha=0.5,
                      *, ignore_index=-100):
    """α · T² · KL(softmax(teacher/T) ‖ softmax(student/T)) + (1 − α) · CE(student, target).

    student_logits, teacher_logits  (N, C) tensors of one dtype and device.
    target      (N,) class indices; entries equal to `ignore_index` mark unlabelled samples,
                and None means no sample is labelled. The hard term averages over the
                labelled samples and is left out when there are none.
    temperature T > 0;  alpha α in [0, 1]: the weight of the soft term.
    """
    temperature, alpha = float(temperature), float(alpha)  # Python floats keep float32 float32
    _check_arguments(student_logits, teacher_logits, target, temperature, alpha)
    log_q = log_softmax(student_logits / temperature, dim=1)
    log_p = log_softmax(teacher_logits.detach() / temperature, dim=1)
    loss = kl_div(log_q, log_p, reduction="batchmean", log_target=True) * (
        alpha * temperature**2
    )
    if alpha < 1.0 and _has_labels(target, ignore_index):
        hard = cross_entropy(student_logits, target, ignore_index=ignore_index)
        loss = loss + hard * (1.0 - alpha)
    return loss


def _has_labels(target, ignore_index):
    return target is not None and bool((target.data != ignore_index).any())


def _check_arguments(student_logits, teacher_logits, target, temperature, alpha):
    check_input(OP, student_logits)
    check_input(OP, teacher_logits)
    if student_logits.ndim != 2:
        raise ValueError(
            f"{OP}: logits must have shape (N, C), got student {tuple(student_logits.shape)}"
        )
    if teacher_logits.shape != student_logits.shape:
        raise ValueError(
            f"{OP}: teacher logits {tuple(teacher_logits.shape)} and student logits "
            f"{tuple(student_logits.shape)} must have the same shape (N, C)"
        )
    if teacher_logits.dtype != student_logits.dtype:
        raise TypeError(
            f"{OP}: student logits are {student_logits.dtype} but teacher logits "
            f"{teacher_logits.dtype}; convert one (teacher_logits.to(student_logits.dtype))"
        )
    if teacher_logits.device != student_logits.device:
        raise RuntimeError(
            f"{OP}: student logits are on {student_logits.device} but teacher logits on "
            f"{teacher_logits.device}; move them to one device with .to(device)"
        )
    if target is not None and tuple(target.shape) != tuple(student_logits.shape[:1]):
        raise ValueError(
            f"{OP}: target must have shape (N,) = {tuple(student_logits.shape[:1])} for logits "
            f"{tuple(student_logits.shape)}, got {tuple(target.shape)}"
        )
    if target is not None and target.dtype.kind not in "iu":
        raise TypeError(
            f"{OP}: target must hold class indices, an integer tensor, got {target.dtype}"
        )
    if not temperature > 0.0:
        raise ValueError(f"{OP}: temperature must be > 0, got {temperature}")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"{OP}: alpha must be in [0, 1], got {alpha}")


def distill_epoch(student, loader, optimizer, temperature=4.0, alpha=0.5, epoch=0):
    """One pass of distillation over `loader`; returns the mean loss per sample.

    `loader` yields (x, teacher_logits, target) batches. The teacher's logits are computed
    once beforehand, with the teacher in eval mode and under no_grad: a frozen teacher gives
    the same logits for an image every epoch, and running it at every step would cost more
    than training a small student (recompute them per batch only when inputs are augmented).
    """
    student.train()
    total, count = 0.0, 0
    for step, (x, teacher_logits, target) in enumerate(loader):
        optimizer.zero_grad()
        loss = distillation_loss(student(x), teacher_logits, target, temperature, alpha)
        value = check_finite(loss, step=f"{epoch}.{step}")
        loss.backward()
        optimizer.step()
        total, count = total + value * len(x), count + len(x)
    return total / count
