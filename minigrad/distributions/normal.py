"""Normal(loc, scale):  p(x) = exp(−(x − μ)²/(2σ²)) / (σ√(2π)).

rsample  μ + σ·ε, ε ~ N(0, 1)            cdf   ½(1 + erf((x − μ)/(σ√2)))
entropy  ½ + ½ ln 2π + ln σ               icdf  μ + σ√2 · erfinv(2p − 1)
"""

import math

import minigrad as mg
from minigrad.distributions.location_scale import LocationScale


class Normal(LocationScale):
    @property
    def stddev(self):
        return self.scale

    @property
    def variance(self):
        return self.scale**2

    def rsample(self, sample_shape=()):
        noise = mg.randn(
            self._extended_shape(sample_shape), dtype=self.loc.dtype, device=self.loc.device
        )
        return self.loc + noise * self.scale

    def log_prob(self, value):
        self._validate_sample(value)
        return (
            -((value - self.loc) ** 2) / (2 * self.variance)
            - self.scale.log()
            - 0.5 * math.log(2 * math.pi)
        )

    def cdf(self, value):
        self._validate_sample(value)
        return 0.5 * (1 + ((value - self.loc) / (self.scale * math.sqrt(2))).erf())

    def icdf(self, value):
        return self.loc + self.scale * math.sqrt(2) * (2 * value - 1).erfinv()

    def entropy(self):
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()
