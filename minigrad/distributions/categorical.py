"""Categorical(probs or logits): one of K categories, the last dim of the parameter.

probs are normalised to sum to 1 (any non-negative weights do), logits to log-probabilities
(logits − logsumexp(logits)). Samples are int64 indices, drawn by inverting the cumulative
probabilities at a uniform number from minigrad's seeded generator.

    log_prob(k) = logits[k]          entropy = −Σₖ pₖ ln pₖ   (0·ln 0 = 0)
"""

import math
from typing import ClassVar

import numpy as np

import minigrad as mg
from minigrad.distributions import constraints
from minigrad.distributions.distribution import (
    Distribution,
    probs_or_logits,
    probs_to_logits,
)


class Categorical(Distribution):
    arg_constraints: ClassVar[dict] = {
        "probs": constraints.simplex,
        "logits": constraints.real_vector,
    }

    def __init__(self, probs=None, logits=None, validate_args=None):
        given, kind = probs_or_logits(type(self).__name__, probs, logits)
        if not isinstance(given, mg.Tensor) or given.ndim < 1:
            raise ValueError(f"{type(self).__name__}: {kind} must be a tensor of at least 1 dim")
        if kind == "probs":
            if bool((given < 0).any()):
                raise ValueError(f"{type(self).__name__}: probs must be non-negative")
            self.probs = given / given.sum(-1, keepdim=True)
            self.logits = probs_to_logits(self.probs)
        else:
            self.logits = given - given.logsumexp(-1, keepdim=True)
            self.probs = self.logits.softmax(-1)
        self._num_events = given.shape[-1]
        super().__init__(given.shape[:-1], validate_args=validate_args)

    @property
    def param_shape(self):
        return self.probs.shape

    @property
    def support(self):
        return constraints.integer_less_than(self._num_events)

    @property
    def mean(self):
        return mg.full(
            self._batch_shape, math.nan, dtype=self.probs.dtype, device=self.probs.device
        )

    variance = mean

    @property
    def mode(self):
        return self.probs.argmax(-1)

    def sample(self, sample_shape=()):
        with mg.no_grad():
            shape = self._extended_shape(sample_shape)
            u = mg.rand(*shape, 1, dtype=self.probs.dtype, device=self.probs.device)
            below = (self.probs.cumsum(-1) <= u).long().sum(-1)
            return below.clamp(max=self._num_events - 1)  # u above a rounded total of 1

    def log_prob(self, value):
        self._validate_sample(value)
        index = value.long().unsqueeze(-1)
        shape = mg.broadcast_shapes(index.shape[:-1], self.logits.shape[:-1])
        index = index.expand(*shape, 1)
        return self.logits.expand(*shape, self._num_events).gather(-1, index).squeeze(-1)

    def entropy(self):
        # where p = 0 PyTorch's clamped logit is finite, so p·logit is 0 rather than 0·(−inf)
        smallest = float(np.finfo(self.logits.dtype).min)
        return -(self.logits.clamp(min=smallest) * self.probs).sum(-1)


class OneHotCategorical(Distribution):
    """Categorical whose values are one-hot vectors of length K (event_shape (K,))."""

    arg_constraints: ClassVar[dict] = Categorical.arg_constraints
    support = constraints.one_hot

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._categorical = Categorical(probs, logits, validate_args)
        batch_shape = self._categorical.batch_shape
        event_shape = self._categorical.param_shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=False)
        self._validate_args = self._categorical._validate_args

    @property
    def probs(self):
        return self._categorical.probs

    @property
    def logits(self):
        return self._categorical.logits

    @property
    def mean(self):
        return self.probs

    @property
    def mode(self):
        return self._one_hot(self._categorical.mode)

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    def _one_hot(self, index):
        categories = mg.arange(self._event_shape[0], device=index.device)
        return (index.unsqueeze(-1) == categories).to(self.probs.dtype)

    def sample(self, sample_shape=()):
        return self._one_hot(self._categorical.sample(sample_shape))

    def log_prob(self, value):
        self._validate_sample(value)
        return self._categorical.log_prob(value.argmax(-1))

    def entropy(self):
        return self._categorical.entropy()
