"""Bernoulli(probs=p or logits=l = ln(p/(1 − p))): 1 with probability p, else 0.

From the logits, stably (softplus(l) = ln(1 + eˡ), exact at both ends):
    log_prob(x) = x·l − softplus(l)          entropy = softplus(l) − p·l
"""

import math
from typing import ClassVar

import minigrad as mg
from minigrad.distributions import constraints
from minigrad.distributions.distribution import (
    Distribution,
    binary_probs_and_logits,
    broadcast_all,
    probs_or_logits,
)
from minigrad.ops.elementwise import softplus


class Bernoulli(Distribution):
    arg_constraints: ClassVar[dict] = {
        "probs": constraints.unit_interval,
        "logits": constraints.real,
    }
    support = constraints.boolean

    def __init__(self, probs=None, logits=None, validate_args=None):
        given, kind = probs_or_logits("Bernoulli", probs, logits)
        (given,) = broadcast_all(given)
        self.probs, self.logits = binary_probs_and_logits(given, kind)
        super().__init__(given.shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.probs

    @property
    def mode(self):
        """1 where p > ½, 0 where p < ½, nan at ½ (a tie), as PyTorch."""
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return mg.where(self.probs == 0.5, math.nan, mode)

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        with mg.no_grad():
            return mg.bernoulli(self.probs.expand(*self._extended_shape(sample_shape)))

    def log_prob(self, value):
        self._validate_sample(value)
        return value * self.logits - softplus(self.logits)

    def entropy(self):
        return softplus(self.logits) - self.probs * self.logits
