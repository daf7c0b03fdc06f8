"""Gamma(concentration α, rate β):  p(x) = βᵅ x^(α−1) e^(−βx) / Γ(α) for x > 0.

    log_prob = α ln β + (α − 1) ln x − βx − lgamma α
    entropy  = α − ln β + lgamma α + (1 − α) ψ(α)

Samples come from numpy's gamma sampler on minigrad's seeded generator, without a gradient:
PyTorch's rsample differentiates the sampler implicitly (dx/dα from the CDF), which minigrad
does not have, so `Gamma.rsample` raises NotImplementedError. (Likewise Beta and Dirichlet.)
"""

from typing import ClassVar

import numpy as np

import minigrad as mg
from minigrad.backend import to_device, to_numpy
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Distribution, broadcast_all
from minigrad.ops.gamma_functions import digamma, lgamma
from minigrad.random import generator


def standard_gamma(concentration, shape):
    """Gamma(α, 1) draws of `shape` (concentration broadcast to it) on the host generator,
    moved to concentration's device; clamped to the smallest normal number, as PyTorch, so
    that a tiny α does not give 0 (whose log is −inf)."""
    alpha = np.broadcast_to(to_numpy(concentration.data), shape)
    draws = generator().standard_gamma(alpha).astype(concentration.dtype)
    draws = np.maximum(draws, np.finfo(draws.dtype).tiny)
    return mg.Tensor._make(to_device(draws, concentration.device))


class Gamma(Distribution):
    arg_constraints: ClassVar[dict] = {
        "concentration": constraints.positive,
        "rate": constraints.positive,
    }
    support = constraints.nonnegative

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(self.concentration.shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate**2

    def rsample(self, sample_shape=()):
        raise NotImplementedError(
            "Gamma.rsample: minigrad has no reparameterised gamma sampler; use sample()"
        )

    def sample(self, sample_shape=()):
        with mg.no_grad():
            return (
                standard_gamma(self.concentration, self._extended_shape(sample_shape)) / self.rate
            )

    def log_prob(self, value):
        self._validate_sample(value)
        a, b = self.concentration, self.rate
        return a.xlogy(b) + (a - 1).xlogy(value) - b * value - lgamma(a)

    def entropy(self):
        a = self.concentration
        return a - self.rate.log() + lgamma(a) + (1 - a) * digamma(a)
