"""Independent(base_distribution, reinterpreted_batch_ndims): the rightmost n batch dims of a
distribution read as event dims, so that log_prob and entropy sum over them (a diagonal
Normal over vectors is Independent(Normal(loc, scale), 1))."""

from typing import ClassVar

from minigrad.distributions.distribution import Distribution


class Independent(Distribution):
    arg_constraints: ClassVar[dict] = {}

    def __init__(self, base_distribution, reinterpreted_batch_ndims, validate_args=None):
        n, shape = reinterpreted_batch_ndims, base_distribution.batch_shape
        if not 0 <= n <= len(shape):
            raise ValueError(
                f"Independent: reinterpreted_batch_ndims must be in [0, {len(shape)}] for a "
                f"base distribution of batch_shape {shape}, got {n}"
            )
        self.base_dist, self.reinterpreted_batch_ndims = base_distribution, n
        split = len(shape) - n
        super().__init__(
            shape[:split], shape[split:] + base_distribution.event_shape, validate_args
        )

    @property
    def has_rsample(self):
        return self.base_dist.has_rsample

    @property
    def support(self):
        return self.base_dist.support

    @property
    def mean(self):
        return self.base_dist.mean

    @property
    def mode(self):
        return self.base_dist.mode

    @property
    def variance(self):
        return self.base_dist.variance

    def sample(self, sample_shape=()):
        return self.base_dist.sample(sample_shape)

    def rsample(self, sample_shape=()):
        return self.base_dist.rsample(sample_shape)

    def _sum_reinterpreted(self, value):
        n = self.reinterpreted_batch_ndims
        return value.sum(tuple(range(-n, 0))) if n else value

    def log_prob(self, value):
        return self._sum_reinterpreted(self.base_dist.log_prob(value))

    def entropy(self):
        return self._sum_reinterpreted(self.base_dist.entropy())
