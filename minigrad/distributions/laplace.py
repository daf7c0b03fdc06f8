"""Laplace(loc, scale):  p(x) = e^(−|x − μ|/b) / (2b).

rsample  μ − b·sign(u)·ln(1 − |u|), u ~ U(−1, 1)     cdf   ½ − ½·sign(x − μ)·(e^(−|x − μ|/b) − 1)
entropy  1 + ln 2b                                   icdf  μ − b·sign(p − ½)·ln(1 − 2|p − ½|)
"""

import numpy as np

import minigrad as mg
from minigrad.distributions.location_scale import LocationScale


class Laplace(LocationScale):
    @property
    def stddev(self):
        return 2**0.5 * self.scale

    @property
    def variance(self):
        return 2 * self.scale**2

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        u = mg.rand(shape, dtype=self.loc.dtype, device=self.loc.device) * 2 - 1
        u = u.clamp(min=float(np.finfo(u.dtype).eps) - 1)  # −1 itself would give ln 0
        return self.loc - self.scale * u.sign() * (-u.abs()).log1p()

    def log_prob(self, value):
        self._validate_sample(value)
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def cdf(self, value):
        self._validate_sample(value)
        offset = value - self.loc
        return 0.5 - 0.5 * offset.sign() * (-offset.abs() / self.scale).expm1()

    def icdf(self, value):
        term = value - 0.5
        return self.loc - self.scale * term.sign() * (-2 * term.abs()).log1p()

    def entropy(self):
        return 1 + (2 * self.scale).log()
