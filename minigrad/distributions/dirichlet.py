"""Dirichlet(concentration α) over the simplex of K = α.shape[-1] probabilities:
p(x) = Πₖ xₖ^(αₖ−1) / B(α), with ln B(α) = Σₖ lgamma αₖ − lgamma α₀ and α₀ = Σₖ αₖ.

    log_prob = Σₖ (αₖ − 1) ln xₖ − ln B(α)
    entropy  = ln B(α) + (α₀ − K) ψ(α₀) − Σₖ (αₖ − 1) ψ(αₖ)
    mean αₖ/α₀,   variance αₖ(α₀ − αₖ) / (α₀²(α₀ + 1))

Samples are K independent Gamma(αₖ, 1) draws divided by their sum, without a gradient (see
gamma.py).
"""

from typing import ClassVar

import minigrad as mg
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Distribution
from minigrad.distributions.gamma import standard_gamma
from minigrad.ops.gamma_functions import digamma, lgamma


def log_beta_function(concentration):
    """ln B(α) over the last dim."""
    return lgamma(concentration).sum(-1) - lgamma(concentration.sum(-1))


class Dirichlet(Distribution):
    arg_constraints: ClassVar[dict] = {"concentration": constraints.positive}
    support = constraints.simplex

    def __init__(self, concentration, validate_args=None):
        if not isinstance(concentration, mg.Tensor) or concentration.ndim < 1:
            raise ValueError("Dirichlet: concentration must be a tensor of at least 1 dim")
        self.concentration = concentration
        shape = concentration.shape
        super().__init__(shape[:-1], shape[-1:], validate_args=validate_args)

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, keepdim=True)

    @property
    def mode(self):
        """(αₖ − 1)/(α₀ − K) where every αₖ ≥ 1. Where all αₖ < 1 the density is infinite at
        every corner of the simplex; PyTorch returns the first corner (its argmax of a row of
        0/0), and so does this."""
        shifted = (self.concentration - 1).clamp(min=0)
        total = shifted.sum(-1, keepdim=True)
        mode = shifted / mg.where(total > 0, total, 1.0)  # 0 only where all αₖ ≤ 1: no 0/0
        first_corner = (mg.arange(self._event_shape[0], device=mode.device) == 0).to(mode.dtype)
        all_below_one = (self.concentration < 1).all(-1, keepdim=True)
        return mg.where(all_below_one, first_corner, mode)

    @property
    def variance(self):
        total = self.concentration.sum(-1, keepdim=True)
        return self.concentration * (total - self.concentration) / (total**2 * (total + 1))

    def rsample(self, sample_shape=()):
        raise NotImplementedError(
            f"{type(self).__name__}.rsample: minigrad has no reparameterised gamma sampler; "
            "use sample()"
        )

    def sample(self, sample_shape=()):
        with mg.no_grad():
            gammas = standard_gamma(self.concentration, self._extended_shape(sample_shape))
            return gammas / gammas.sum(-1, keepdim=True)

    def log_prob(self, value):
        self._validate_sample(value)
        a = self.concentration
        return (a - 1).xlogy(value).sum(-1) - log_beta_function(a)

    def entropy(self):
        a = self.concentration
        total, k = a.sum(-1), a.shape[-1]
        return log_beta_function(a) + (total - k) * digamma(total) - ((a - 1) * digamma(a)).sum(-1)
