"""The three losses whose backward is written by hand, and why each one is fused.

Most losses are composed from ops (mse_loss is sub, mul and mean), so their gradients need no
proof of their own. These three are not, because the composed version breaks at the very
inputs a training run produces:

* cross-entropy of logits: log(softmax(x)) takes log 0 = -inf once one logit leads the others
  by ~104 in float32 (e^-104 rounds to 0).
* binary cross-entropy of logits: σ(x) rounds to exactly 1 in float32 for x > 17, so
  log(1 - σ(x)) is log 0 = -inf.
* binary cross-entropy of probabilities: PyTorch clamps each log at -100 so the loss of
  a probability of exactly 0 or 1 stays finite; composed, the clamp's gradient 0 meets log's
  1/0 and gives 0 · inf = nan.

Each Function computes the unreduced loss (one number per sample). Class weights, sample
weights and the reduction ('mean', 'sum') are then composed on top in `loss.py`.
"""

import numpy as np

from minigrad.autograd import Function
from minigrad.backend import array_module


class SoftmaxCrossEntropy(Function):
    """loss = -Σ_c q_c · log softmax(x)_c along `axis`, for a target distribution q.

    `cross_entropy` builds q: the one-hot target, mixed with the uniform distribution for
    label smoothing, times the class weights, and zero for ignored samples (or the given
    probabilities themselves).

        dx = g · (softmax(x) · Σ_c q_c - q)     which is g · (softmax(x) - q) when Σ_c q_c = 1
        dq = -g · log softmax(x)

    Fused for stability and speed: log softmax is computed as x - max - log Σ e^(x - max),
    finite for logits of ±1e4, and the backward is one subtraction, where the composed graph
    (exp, sum, div, log, mul, sum) would keep and walk back through six (N, C) arrays.
    """

    autocast_policy = "fp32"

    def forward(self, x, q, axis):
        xp = array_module(x)
        shifted = x - x.max(axis=axis, keepdims=True)
        self.log_p = shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
        self.q, self.axis = q, axis
        # a class masked out with a logit of -inf has q = 0 there: its term is 0, not 0·(-inf)
        return -(q * xp.where(q == 0, 0, self.log_p)).sum(axis=axis)

    def backward(self, g):
        xp = array_module(g)
        g = xp.expand_dims(g, self.axis)
        dx = dq = None
        if self.needs_input_grad[0]:
            q_total = self.q.sum(axis=self.axis, keepdims=True)
            dx = g * (xp.exp(self.log_p) * q_total - self.q)
        if self.needs_input_grad[1]:
            dq = -g * self.log_p
        return dx, dq


class BinaryCrossEntropyWithLogits(Function):
    """loss = p·y·softplus(-x) + (1 - y)·softplus(x), with softplus(z) = log(1 + e^z).

    This is -[p·y·log σ(x) + (1 - y)·log(1 - σ(x))], because log σ(x) = -softplus(-x) and
    log(1 - σ(x)) = -softplus(x); p is `pos_weight` (1 when not given). For p = 1 it is the
    familiar max(x, 0) - x·y + log(1 + e^-|x|). softplus is numpy's logaddexp(0, z), which
    never overflows, so the loss is finite at x = ±1e4.

        dx = g · (σ(x)·(p·y + 1 - y) - p·y)     which is g · (σ(x) - y) for p = 1
        dy = g · (p·softplus(-x) - softplus(x))
    """

    autocast_policy = "fp32"

    def forward(self, x, y, pos_weight):
        xp = array_module(x)
        self.y, self.pos_weight = y, pos_weight
        self.softplus_neg = xp.logaddexp(0, -x)  # -log σ(x)
        self.softplus_pos = xp.logaddexp(0, x)  # -log(1 - σ(x))
        self.weighted_y = y if pos_weight is None else pos_weight * y
        return self.weighted_y * self.softplus_neg + (1 - self.y) * self.softplus_pos

    def backward(self, g):
        xp = array_module(g)
        dx = dy = None
        if self.needs_input_grad[0]:
            sigmoid = xp.exp(-self.softplus_neg)
            dx = g * (sigmoid * (self.weighted_y + 1 - self.y) - self.weighted_y)
        if self.needs_input_grad[1]:
            p = 1 if self.pos_weight is None else self.pos_weight
            dy = g * (p * self.softplus_neg - self.softplus_pos)
        return dx, dy


class BinaryCrossEntropy(Function):
    """loss = -[y·log x + (1 - y)·log(1 - x)], each log clamped to ≥ -100 as in PyTorch.

        dx = g · (x - y) / max(x·(1 - x), 1e-12)
        dy = g · (log(1 - x) - log x)            (the clamped logs)

    The 1e-12 floor is PyTorch's too: it keeps dx finite for x of exactly 0 or 1.
    """

    autocast_policy = "banned"

    def forward(self, x, y):
        xp = array_module(x)
        with np.errstate(divide="ignore"):  # log 0 = -inf is expected: it is clamped next
            self.log_x = xp.maximum(xp.log(x), -100)
            self.log_1mx = xp.maximum(xp.log(1 - x), -100)
        self.x, self.y = x, y
        return -(y * self.log_x + (1 - y) * self.log_1mx)

    def backward(self, g):
        x, y = self.x, self.y
        dx = dy = None
        if self.needs_input_grad[0]:
            dx = g * (x - y) / array_module(x).maximum(x * (1 - x), 1e-12)
        if self.needs_input_grad[1]:
            dy = g * (self.log_1mx - self.log_x)
        return dx, dy

