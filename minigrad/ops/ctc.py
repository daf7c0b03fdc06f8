"""Connectionist temporal classification: −log p(target | per-step class log-probabilities),
summed over every alignment of the target to the T input steps (Graves et al. 2006).

An alignment reads one class per step; merging repeats and then dropping blanks must give
the target. The sum runs over the extended target l' = (blank, l_1, blank, l_2, ..., l_L,
blank) of length S' = 2L + 1, where position s at step t can be reached from s (stay), s − 1
(advance) or s − 2 (skip a blank, allowed only between two different labels). In log space,
with y_t(c) the input log-probability of class c at step t:

    α_0(0) = y_0(blank),  α_0(1) = y_0(l_1),  α_0(s) = −∞ for s ≥ 2
    α_t(s) = logsumexp(α_{t−1}(s), α_{t−1}(s−1), α_{t−1}(s−2) if allowed) + y_t(l'_s)
    log p = logsumexp(α_{T−1}(S'−1), α_{T−1}(S'−2))

and β the same recursion run backwards from the last step (each of α and β includes y_t of
its own step). The probability that an alignment passes through position s at step t is
exp(α_t(s) + β_t(s) − y_t(l'_s) − log p), so

    d(−log p) / d y_t(c) = −Σ_{s: l'_s = c} exp(α_t(s) + β_t(s) − y_t(c) − log p)

the expected number of visits to class c at step t, negated. Fused because the composed
version would record T·S' logsumexp nodes in the graph (one per step and position) and walk
them all back, where here β is one more loop of the same shape and the gradient one formula.
Every step is vectorised over the batch; samples with fewer steps or labels are padded, and
the padding is kept at log 0 = −∞ by masks.
"""

import numpy as np

from minigrad.autograd import Function
from minigrad.backend import array_module

NEG_INF = -np.inf


class CTCNegativeLogLikelihood(Function):
    """−log p(target_n | log_probs[:, n]) for each sample n: a (N,) output.

    log_probs (T, N, C); targets (N, L) class indices padded past each target_lengths[n];
    input_lengths, target_lengths (N,) integer arrays on the device of log_probs.
    zero_infinity: an impossible alignment (loss +∞) gives 0 and a zero gradient.
    """

    def forward(self, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
        xp = array_module(log_probs)
        steps, batch, _ = log_probs.shape
        extended = _extended_targets(xp, targets, blank)  # (N, S')
        positions = xp.arange(extended.shape[1])
        self.valid = positions <= 2 * target_lengths[:, None]  # (N, S')
        self.skip_allowed = _skip_allowed(xp, extended, blank)
        # y_t(l'_s) for every step, sample and position: (T, N, S')
        self.emitted = xp.take_along_axis(
            log_probs, xp.broadcast_to(extended, (steps,) + extended.shape), axis=2
        )
        self.emitted = xp.where(self.valid, self.emitted, NEG_INF)
        # the last blank and the last label of each target: where every alignment ends
        end = 2 * target_lengths[:, None]
        self.last_two = (positions == end) | (positions == end - 1)
        self.log_alpha = self._alpha(xp)
        final = self.log_alpha[input_lengths - 1, xp.arange(batch)]  # α_{T_n − 1}, (N, S')
        nll = -_logsumexp(xp, xp.where(self.last_two, final, NEG_INF))
        self.infinite = ~xp.isfinite(nll)
        self.zero_infinity = zero_infinity
        self.log_probs, self.extended, self.nll = log_probs, extended, nll
        self.input_lengths = input_lengths
        return xp.where(self.infinite, 0, nll).astype(log_probs.dtype) if zero_infinity else nll

    def _alpha(self, xp):
        emitted, skip_allowed = self.emitted, self.skip_allowed
        alpha = xp.full(emitted.shape, NEG_INF, dtype=emitted.dtype)
        alpha[0, :, :2] = emitted[0, :, :2]
        for t in range(1, emitted.shape[0]):
            previous = alpha[t - 1]
            reach = xp.logaddexp(previous, _shifted(xp, previous, 1))
            reach = xp.where(skip_allowed, xp.logaddexp(reach, _shifted(xp, previous, 2)), reach)
            alpha[t] = reach + emitted[t]
        return alpha

    def _beta(self, xp):
        """β_t(s), started at each sample's own last step T_n − 1 from its last two
        positions, −∞ at every step after that."""
        emitted = self.emitted
        steps, batch, width = emitted.shape
        beta = xp.full(emitted.shape, NEG_INF, dtype=emitted.dtype)
        # the skip from s + 2 back to s is allowed where it was from s to s + 2
        skip_from_ahead = _shifted(xp, self.skip_allowed, -2, fill=False)
        start = xp.where(self.last_two, 0.0, NEG_INF)
        following = xp.full((batch, width), NEG_INF, dtype=emitted.dtype)
        for t in range(steps - 1, -1, -1):
            reach = xp.logaddexp(following, _shifted(xp, following, -1))
            reach = xp.where(skip_from_ahead, xp.logaddexp(reach, _shifted(xp, following, -2)),
                             reach)
            starts_here = (self.input_lengths - 1 == t)[:, None]
            beta[t] = xp.where(starts_here, start, reach) + emitted[t]
            following = beta[t]
        return beta

    def backward(self, g):
        xp = array_module(g)
        # the probability of passing through position s at step t, exp(α + β − y − log p),
        # each term ≤ 1 (no shift by a common max: y_t(l'_s) differs by thousands between
        # positions when logits do, and the small ones would underflow); 0 at the padding,
        # where the exponent is −∞ − (−∞)
        with np.errstate(invalid="ignore"):
            log_visit = self.log_alpha + self._beta(xp) - self.emitted + self.nll[:, None]
        visit = xp.where(xp.isfinite(log_visit), xp.exp(log_visit), 0)
        classes = self.log_probs.shape[2]
        one_hot = (self.extended[:, :, None] == xp.arange(classes)).astype(g.dtype)  # (N, S', C)
        posterior = xp.matmul(visit.transpose(1, 0, 2), one_hot).transpose(1, 0, 2)  # (T, N, C)
        grad = -posterior * g[:, None]
        # an impossible target (loss +∞) has no gradient: nan as in PyTorch, or 0 when
        # zero_infinity asked for that
        grad = xp.where(self.infinite[:, None], 0 if self.zero_infinity else np.nan, grad)
        return grad.astype(self.log_probs.dtype, copy=False)


def _logsumexp(xp, values):
    """log Σ e^values along the last dim, shifted by the max (−∞ for a row of −∞)."""
    peak = values.max(axis=-1, keepdims=True)
    peak = xp.where(xp.isfinite(peak), peak, 0)
    with np.errstate(divide="ignore"):  # log 0 = −∞: no alignment reaches the end
        return xp.log(xp.exp(values - peak).sum(axis=-1)) + peak[..., 0]


def _extended_targets(xp, targets, blank):
    """(blank, l_1, blank, l_2, ..., l_L, blank) for each row of targets (N, L)."""
    batch, length = targets.shape
    extended = xp.full((batch, 2 * length + 1), blank, dtype=targets.dtype)
    extended[:, 1::2] = targets
    return extended


def _skip_allowed(xp, extended, blank):
    """Whether position s can be reached from s − 2: a label different from the one before
    the blank in between."""
    allowed = (extended != blank) & (extended != _shifted(xp, extended, 2, fill=blank))
    allowed[:, :2] = False
    return allowed


def _shifted(xp, values, offset, fill=NEG_INF):
    """values moved `offset` positions along the last dim (right for positive offsets),
    filled with `fill` where nothing moved in: out[..., s] = values[..., s − offset]."""
    out = xp.full(values.shape, fill, dtype=values.dtype)
    if offset > 0:
        out[..., offset:] = values[..., :-offset]
    else:
        out[..., :offset] = values[..., -offset:]
    return out
