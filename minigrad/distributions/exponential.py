"""Exponential(rate):  p(x) = λ e^(−λx) for x ≥ 0.

rsample  −ln(1 − u)/λ, u ~ U[0, 1)      cdf   1 − e^(−λx)
entropy  1 − ln λ                        icdf  −ln(1 − p)/λ
"""

from typing import ClassVar

import minigrad as mg
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Distribution, broadcast_all


class Exponential(Distribution):
    arg_constraints: ClassVar[dict] = {"rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(self.rate.shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.rate.reciprocal()

    @property
    def mode(self):
        return mg.zeros_like(self.rate)

    @property
    def stddev(self):
        return self.rate.reciprocal()

    @property
    def variance(self):
        return self.rate**-2

    def rsample(self, sample_shape=()):
        u = mg.rand(
            self._extended_shape(sample_shape), dtype=self.rate.dtype, device=self.rate.device
        )
        return -(-u).log1p() / self.rate

    def log_prob(self, value):
        self._validate_sample(value)
        return self.rate.log() - self.rate * value

    def cdf(self, value):
        self._validate_sample(value)
        return -(-self.rate * value).expm1()

    def icdf(self, value):
        return -(-value).log1p() / self.rate

    def entropy(self):
        return 1 - self.rate.log()
