"""Binomial(total_count n, probs p or logits l): successes k in n trials.

    log_prob(k) = ln C(n, k) + k·l − n·softplus(l),
    ln C(n, k) = lgamma(n + 1) − lgamma(k + 1) − lgamma(n − k + 1)

(k ln p + (n − k) ln(1 − p) written in the logits, stable at p near 0 or 1.)
mean np, variance np(1 − p), mode ⌊(n + 1)p⌋ (at most n). The entropy sums −P ln P over
k = 0..n and needs one n for the whole batch, as PyTorch's.
"""

from typing import ClassVar

import minigrad as mg
from minigrad.backend import to_device, to_numpy
from minigrad.distributions import constraints
from minigrad.distributions.distribution import (
    Distribution,
    binary_probs_and_logits,
    broadcast_all,
    probs_or_logits,
)
from minigrad.ops.elementwise import softplus
from minigrad.ops.gamma_functions import lgamma
from minigrad.random import generator


class Binomial(Distribution):
    arg_constraints: ClassVar[dict] = {
        "total_count": constraints.nonnegative_integer,
        "probs": constraints.unit_interval,
        "logits": constraints.real,
    }

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        given, kind = probs_or_logits("Binomial", probs, logits)
        self.total_count, given = broadcast_all(total_count, given)
        self.total_count = self.total_count.to(given.dtype)
        self.probs, self.logits = binary_probs_and_logits(given, kind)
        super().__init__(given.shape, validate_args=validate_args)

    @property
    def support(self):
        return constraints.integer_interval(0, self.total_count)

    @property
    def mean(self):
        return self.total_count * self.probs

    @property
    def mode(self):
        return mg.minimum(((self.total_count + 1) * self.probs).floor(), self.total_count)

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        n = to_numpy(self.total_count.data).astype("int64")
        draws = generator().binomial(n, to_numpy(self.probs.data), size=shape)
        return mg.Tensor._make(to_device(draws.astype(self.probs.dtype), self.probs.device))

    def log_prob(self, value):
        self._validate_sample(value)
        n, logits = self.total_count, self.logits
        log_choose = lgamma(n + 1) - lgamma(value + 1) - lgamma(n - value + 1)
        return log_choose + value * logits - n * softplus(logits)

    def entropy(self):
        n = int(self.total_count.max().item())
        if n != int(self.total_count.min().item()):
            raise NotImplementedError(
                "Binomial.entropy: total_count must be the same for the whole batch"
            )
        counts = mg.arange(n + 1, dtype=self.probs.dtype, device=self.probs.device)
        counts = counts.reshape(-1, *([1] * len(self._batch_shape)))
        log_p = self.log_prob(counts)
        return -(log_p.exp() * log_p).sum(0)
