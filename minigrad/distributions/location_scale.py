"""The base of Normal and Laplace: one symmetric, single-peaked shape, shifted by loc and
stretched by scale, so its mean and its mode are both loc and each sample is loc + scale·noise
(hence rsample)."""

from typing import ClassVar

from minigrad.distributions import constraints
from minigrad.distributions.distribution import Distribution, broadcast_all


class LocationScale(Distribution):
    arg_constraints: ClassVar[dict] = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc
