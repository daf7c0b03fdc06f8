"""`Distribution`, the base of every family: shapes, argument checks and the methods each
family fills in, with PyTorch's names.

A distribution holds a batch of independent ones (`batch_shape`, from broadcasting its
parameters), each over values of `event_shape` (() for a number, (k,) for a vector).
`sample(sample_shape)` gives sample_shape + batch_shape + event_shape. `rsample` draws the same
way but through a differentiable path from the parameters (the reparameterisation trick:
x = loc + scale·ε with ε ~ N(0, 1) fixed), so a loss of the samples trains the parameters;
`sample` is rsample without the graph where a family has one.

With validation on (the default, as in PyTorch when Python runs without -O) a parameter
outside `arg_constraints` or a value outside `support` raises ValueError.
"""

from typing import ClassVar

import numpy as np

import minigrad as mg
from minigrad.autograd import no_grad


class Distribution:
    has_rsample = False
    arg_constraints: ClassVar[dict] = {}
    support = None
    _validate_default = True

    @staticmethod
    def set_default_validate_args(value):
        if value not in (True, False):
            raise ValueError(f"set_default_validate_args: expected True or False, got {value!r}")
        Distribution._validate_default = value

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape, self._event_shape = tuple(batch_shape), tuple(event_shape)
        self._validate_args = self._validate_default if validate_args is None else validate_args
        if self._validate_args:
            for name, constraint in self.arg_constraints.items():
                if name in self.__dict__:  # the parameters given (or derived from them)
                    self._check(constraint, getattr(self, name), f"parameter {name}")

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def event_shape(self):
        return self._event_shape

    # ---- drawing -------------------------------------------------------------------------
    def sample(self, sample_shape=()):
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()):
        raise NotImplementedError(f"{type(self).__name__} has no rsample (no reparameterised path)")

    def _extended_shape(self, sample_shape=()):
        return tuple(sample_shape) + self._batch_shape + self._event_shape

    # ---- what each family defines --------------------------------------------------------
    def log_prob(self, value):
        raise NotImplementedError(f"{type(self).__name__}.log_prob")

    def cdf(self, value):
        raise NotImplementedError(f"{type(self).__name__}.cdf")

    def icdf(self, value):
        raise NotImplementedError(f"{type(self).__name__}.icdf")

    def entropy(self):
        raise NotImplementedError(f"{type(self).__name__}.entropy")

    @property
    def mean(self):
        raise NotImplementedError(f"{type(self).__name__}.mean")

    @property
    def mode(self):
        raise NotImplementedError(f"{type(self).__name__}.mode")

    @property
    def variance(self):
        raise NotImplementedError(f"{type(self).__name__}.variance")

    @property
    def stddev(self):
        return self.variance.sqrt()

    # ---- checks --------------------------------------------------------------------------
    def _validate_sample(self, value):
        """value is a tensor whose shape broadcasts with batch_shape + event_shape and whose
        numbers lie in the support (when validation is on)."""
        if not isinstance(value, mg.Tensor):
            raise TypeError(
                f"{type(self).__name__}: the value must be a tensor, got {type(value).__name__}"
            )
        if not self._validate_args:
            return
        expected = self._batch_shape + self._event_shape
        try:
            mg.broadcast_shapes(value.shape, expected)
        except ValueError:
            raise ValueError(
                f"{type(self).__name__}: a value of shape {tuple(value.shape)} does not broadcast "
                f"with batch_shape + event_shape = {expected}"
            ) from None
        self._check(self.support, value, "value")

    def _check(self, constraint, value, what):
        if not bool(constraint.check(value).all()):
            raise ValueError(
                f"{type(self).__name__}: {what} (shape {tuple(value.shape)}) must be "
                f"{constraint}, but some entries are not"
            )

    def __repr__(self):
        params = ", ".join(
            f"{name}: {tuple(getattr(self, name).shape)}"
            for name in self.arg_constraints
            if name in self.__dict__
        )
        return f"{type(self).__name__}({params})"


class lazy_property:
    """A property computed on first use and then kept; assigning the attribute (a parameter
    given to the constructor) bypasses it."""

    def __init__(self, compute):
        self.compute = compute
        self.__doc__ = compute.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = self.compute(instance)
        instance.__dict__[self.compute.__name__] = value
        return value


def broadcast_all(*values):
    """The parameters as tensors of one shape: numbers become tensors of the tensors' dtype and
    device (the default float when all are numbers), then all are broadcast together."""
    tensors = [v for v in values if isinstance(v, mg.Tensor)]
    for v in values:
        if not isinstance(v, (mg.Tensor, int, float)):
            raise TypeError(f"expected tensors or numbers as parameters, got {type(v).__name__}")
    like = tensors[0] if tensors else None
    as_tensors = [
        v
        if isinstance(v, mg.Tensor)
        else mg.tensor(
            float(v),
            dtype=like.dtype if like is not None else None,
            device=like.device if like is not None else None,
        )
        for v in values
    ]
    return mg.broadcast_tensors(*as_tensors)


def probs_to_logits(probs, is_binary=False):
    """log-odds (binary) or log-probabilities, with probs clamped to [eps, 1 − eps] so that
    0 and 1 give large finite logits, as PyTorch."""
    eps = float(np.finfo(probs.dtype).eps)
    clamped = probs.clamp(eps, 1 - eps)
    return clamped.log() - (-clamped).log1p() if is_binary else clamped.log()


def probs_or_logits(name, probs, logits):
    """The one of probs/logits that was given; both or neither is an error (as PyTorch)."""
    if (probs is None) == (logits is None):
        raise ValueError(f"{name}: pass either probs or logits, not both and not neither")
    return (probs, "probs") if probs is not None else (logits, "logits")


def binary_probs_and_logits(given, kind):
    """(probs, logits) of a two-outcome parameter given as one of them (kind "probs" or
    "logits"): the other is σ(logits), or the log-odds of the clamped probs."""
    if kind == "probs":
        return given, probs_to_logits(given, is_binary=True)
    return given.sigmoid(), given
