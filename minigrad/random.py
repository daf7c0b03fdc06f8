"""The one random number generator behind every random tensor, initialisation and shuffle.

`manual_seed(s)` resets it, so a script that seeds once at the top is reproducible. Numbers are
drawn on the CPU and then moved to the tensor's device, so a seeded run draws the same
numbers on 'cpu' and 'cuda'.
"""

import numpy as np

from minigrad import dtypes
from minigrad.backend import normalize_device, to_device, to_numpy
from minigrad.tensor import Tensor

_generator = np.random.default_rng()


def manual_seed(seed):
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def generator():
    """The current numpy Generator (for code that needs raw random arrays)."""
    return _generator


# ---- sampling from distributions given by tensors -------------------------------------------
# Drawn on the host from the generator above and moved to the input's device; the results
# carry no gradient (as in PyTorch, whose samplers are not differentiable).


def _on_device_of(array, like):
    return Tensor._make(to_device(array, like.device))


def _float_input(op, input):
    if not isinstance(input, Tensor) or input.dtype.kind != "f":
        what = input.dtype if isinstance(input, Tensor) else type(input).__name__
        raise TypeError(f"{op}: expected a floating-point tensor, got {what}")


def _host_values(op, input, low=0.0, high=None):
    """input's numbers on the host, checked to lie in [low, high]."""
    values = to_numpy(input.data)
    if values.size and (values.min() < low or (high is not None and values.max() > high)):
        bounds = f"[{low}, {high}]" if high is not None else f">= {low}"
        raise ValueError(
            f"{op}: values must be {bounds}, got {values.min()} to {values.max()}"
        )
    return values


def bernoulli(input, p=None):
    """torch.bernoulli: 1 with probability input (or p), else 0, in input's dtype.

    A uniform u in [0, 1) is below p with probability p."""
    _float_input("bernoulli", input)
    probability = _host_values("bernoulli", input, 0.0, 1.0) if p is None else p
    if p is not None and not 0 <= p <= 1:
        raise ValueError(f"bernoulli: p must be in [0, 1], got {p}")
    uniform = _generator.random(input.shape)
    return _on_device_of((uniform < probability).astype(input.dtype), input)


def poisson(input):
    """torch.poisson: a Poisson(λ) count for each rate λ in input, in input's dtype."""
    _float_input("poisson", input)
    rates = _host_values("poisson", input, 0.0)
    return _on_device_of(_generator.poisson(rates).astype(input.dtype), input)


def normal(mean, std=1.0, size=None, dtype=None, device=None):
    """torch.normal: samples of N(mean, std²), one per element of the broadcast mean and std
    (tensors or numbers); with two numbers, `size` gives the shape. float dtype of the
    tensor argument (the default float for numbers)."""
    tensors = [t for t in (mean, std) if isinstance(t, Tensor)]
    if not tensors and size is None:
        raise ValueError("normal: with a number for both mean and std, pass size=")
    if tensors and size is not None:
        raise ValueError("normal: size= is only for a number mean and std (tensors set the shape)")
    for t in tensors:
        _float_input("normal", t)
    loc, scale = (to_numpy(v.data) if isinstance(v, Tensor) else v for v in (mean, std))
    if np.any(np.asarray(scale) < 0):
        raise ValueError(f"normal: std must be non-negative, got min {np.min(scale)}")
    shape = np.broadcast_shapes(np.shape(loc), np.shape(scale)) if tensors else tuple(size)
    dtype = dtypes.as_dtype(dtype) or (tensors[0].dtype if tensors else dtypes.default_float)
    samples = loc + scale * _generator.standard_normal(shape)
    device = tensors[0].device if tensors else normalize_device(device)
    return Tensor._make(to_device(np.asarray(samples, dtype=dtype), device))


def multinomial(input, num_samples, replacement=False):
    """torch.multinomial: num_samples category indices drawn with probabilities proportional
    to the non-negative weights in input (1-D, or 2-D with one distribution per row); without
    replacement each category is drawn at most once. int64."""
    _float_input("multinomial", input)
    if input.ndim not in (1, 2):
        raise ValueError(f"multinomial: expected 1-D or 2-D weights, got shape {tuple(input.shape)}")
    weights = _host_values("multinomial", input, 0.0).reshape(-1, input.shape[-1])
    categories = weights.shape[1]
    if num_samples <= 0 or (not replacement and num_samples > categories):
        raise ValueError(
            f"multinomial: num_samples must be positive and, without replacement, at most the "
            f"{categories} categories, got {num_samples}"
        )
    totals = weights.sum(axis=1, dtype=np.float64)
    if not np.all(totals > 0):
        raise ValueError("multinomial: every distribution needs a positive sum of weights")
    if not replacement and np.any((weights > 0).sum(axis=1) < num_samples):
        raise ValueError(
            f"multinomial: fewer than {num_samples} categories have non-zero weight in a row"
        )
    weights = weights.astype(np.float64)
    if replacement:
        rows = [_generator.choice(categories, num_samples, p=w / t) for w, t in zip(weights, totals)]
        samples = np.stack(rows)
    else:
        # an exponential race: category i finishes at E_i / w_i (E_i ~ Exp(1)); the order of
        # finishing is a draw without replacement with probabilities ∝ the remaining
        # weights, for every row at once. Zero weights never finish.
        finish = np.full(weights.shape, np.inf)
        np.divide(_generator.exponential(size=weights.shape), weights, out=finish, where=weights > 0)
        samples = np.argsort(finish, axis=1, kind="stable")[:, :num_samples]
    samples = samples.astype(np.int64)
    return _on_device_of(samples.reshape(input.shape[:-1] + (num_samples,)), input)
