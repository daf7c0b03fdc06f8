"""Beta(concentration1 a, concentration0 b) on [0, 1]: the Dirichlet over (x, 1 − x) with
concentration (a, b), which supplies log_prob, entropy, mode and the samples (without gradient;
see gamma.py).

    p(x) = x^(a−1) (1 − x)^(b−1) / B(a, b),  mean a/(a + b),  variance ab / ((a + b)²(a + b + 1))
"""

from typing import ClassVar

import minigrad as mg
from minigrad.distributions import constraints
from minigrad.distributions.dirichlet import Dirichlet
from minigrad.distributions.distribution import Distribution, broadcast_all


class Beta(Distribution):
    arg_constraints: ClassVar[dict] = {
        "concentration1": constraints.positive,
        "concentration0": constraints.positive,
    }
    support = constraints.unit_interval

    def __init__(self, concentration1, concentration0, validate_args=None):
        a, b = broadcast_all(concentration1, concentration0)
        self._dirichlet = Dirichlet(mg.stack([a, b], -1), validate_args=validate_args)
        super().__init__(a.shape, validate_args=validate_args)

    @property
    def concentration1(self):
        return self._dirichlet.concentration[..., 0]

    @property
    def concentration0(self):
        return self._dirichlet.concentration[..., 1]

    @property
    def mean(self):
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self):
        return self._dirichlet.mode[..., 0]

    @property
    def variance(self):
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total**2 * (total + 1))

    def sample(self, sample_shape=()):
        return self._dirichlet.sample(sample_shape)[..., 0]

    def log_prob(self, value):
        self._validate_sample(value)
        return self._dirichlet.log_prob(mg.stack([value, 1 - value], -1))

    def entropy(self):
        return self._dirichlet.entropy()
