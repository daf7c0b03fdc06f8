"""Poisson(rate λ): counts k = 0, 1, 2, ... with P(k) = λᵏ e^(−λ) / k!.

    log_prob(k) = k ln λ − λ − lgamma(k + 1)     mean = variance = λ,  mode ⌊λ⌋

PyTorch's Poisson has no entropy (an infinite sum); neither has this one.
"""

from typing import ClassVar

import minigrad as mg
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Distribution, broadcast_all
from minigrad.ops.gamma_functions import lgamma


class Poisson(Distribution):
    arg_constraints: ClassVar[dict] = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(self.rate.shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.rate

    @property
    def mode(self):
        return self.rate.floor()

    @property
    def variance(self):
        return self.rate

    def sample(self, sample_shape=()):
        with mg.no_grad():
            return mg.poisson(self.rate.expand(*self._extended_shape(sample_shape)))

    def log_prob(self, value):
        self._validate_sample(value)
        return value.xlogy(self.rate) - self.rate - lgamma(value + 1)
