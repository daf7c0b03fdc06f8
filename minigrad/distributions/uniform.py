"""Uniform(low, high): density 1/(high − low) on [low, high) (PyTorch's support check lets
high itself through, where log_prob is −inf).

rsample  low + (high − low)·u, u ~ U[0, 1)    cdf   (x − low)/(high − low), clamped to [0, 1]
entropy  ln(high − low)                        icdf  low + p·(high − low)
"""

import math
from typing import ClassVar

import minigrad as mg
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Distribution, broadcast_all


class Uniform(Distribution):
    arg_constraints: ClassVar[dict] = {"low": constraints.real, "high": constraints.real}
    has_rsample = True

    def __init__(self, low, high, validate_args=None):
        self.low, self.high = broadcast_all(low, high)
        super().__init__(self.low.shape, validate_args=validate_args)
        if self._validate_args and not bool((self.low < self.high).all()):
            raise ValueError(
                f"Uniform: low must be below high everywhere (shape {tuple(self.low.shape)})"
            )

    @property
    def support(self):
        return constraints.interval(self.low, self.high)  # high itself passes, with density 0

    @property
    def mean(self):
        return (self.high + self.low) / 2

    @property
    def mode(self):
        return self.high * math.nan  # every point is a mode; PyTorch says nan

    @property
    def variance(self):
        return (self.high - self.low) ** 2 / 12

    def rsample(self, sample_shape=()):
        u = mg.rand(
            self._extended_shape(sample_shape), dtype=self.low.dtype, device=self.low.device
        )
        return self.low + u * (self.high - self.low)

    def log_prob(self, value):
        """−ln(high − low) inside, −inf outside (reached only with validate_args=False)."""
        self._validate_sample(value)
        inside = (value >= self.low) & (value < self.high)
        return mg.where(inside, -(self.high - self.low).log(), -math.inf)

    def cdf(self, value):
        self._validate_sample(value)
        return ((value - self.low) / (self.high - self.low)).clamp(0, 1)

    def icdf(self, value):
        return self.low + value * (self.high - self.low)

    def entropy(self):
        return (self.high - self.low).log()
