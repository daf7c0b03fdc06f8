"""In-place ops with PyTorch's names (`add_`, `clamp_`, `uniform_`, ...): they change a
tensor's own numbers, return the tensor, and record no graph.

They are for tensors that need no gradient, and for optimizer steps and initialisation under
`no_grad()`. Changing a tensor that requires grad while a graph is recorded is refused: the
graph may have kept those very numbers for its backward, which would then be silently wrong.
(PyTorch refuses it for leaves and counts versions for the rest; minigrad refuses both.)

Each arithmetic op writes through the array module's `out=`, so no array is allocated for the
result, with `casting="same_kind"`: a float result cannot go into an integer tensor (as in
PyTorch) while float64 into float32 can, so a tensor keeps its dtype. The other operands
broadcast to the tensor's shape; the tensor never grows to theirs.

The random fills draw from the one seeded generator (`minigrad.random`) on the CPU, in
float64, and write the numbers into the tensor's own array (its dtype and device kept), so a
seeded run fills the same numbers on 'cpu' and 'cuda'. `nn.init` fills through them.
"""

import numpy as np

from minigrad.autograd import is_grad_enabled
from minigrad.backend import array_module, to_device, to_numpy
from minigrad.checks import broadcast_error, check_floating
from minigrad.random import generator
from minigrad.tensor import Tensor


def check_writable(op, tensor):
    if tensor.requires_grad and is_grad_enabled():
        raise RuntimeError(
            f"{op}: in-place change of a tensor that requires grad; "
            "wrap it in `with mg.no_grad():` (as an optimizer step does)"
        )


def check_fits(op, tensor, *shapes):
    """The operands' shapes must broadcast to the tensor's own shape."""
    error = broadcast_error(op, tensor.shape, *shapes)
    if error is not None:
        raise error
    shape = np.broadcast_shapes(tensor.shape, *shapes)
    if shape != tensor.shape:
        raise ValueError(
            f"{op}: the result would have shape {shape}, but the tensor changed in place has "
            f"shape {tuple(tensor.shape)}"
        )


def apply(op, ufunc, tensor, *operands):
    """tensor = ufunc(tensor, *operands), written into the tensor's own array."""
    check_writable(op, tensor)
    operands = [_array(x, tensor) for x in operands]
    check_fits(op, tensor, *[getattr(x, "shape", ()) for x in operands])
    try:
        ufunc(tensor.data, *operands, out=tensor.data, casting="same_kind")
    except (TypeError, ValueError) as error:  # a float into an int tensor, 2 ** -1 in ints, ...
        given = [str(x.dtype) if hasattr(x, "dtype") else type(x).__name__ for x in operands]
        others = f" with {', '.join(given)}" if given else ""
        kind = TypeError if isinstance(error, TypeError) else ValueError
        raise kind(f"{op}: a tensor of dtype {tensor.dtype}{others}: {error}") from None
    return tensor


def _array(value, like):
    """A tensor's array; a number as it is (numpy keeps a number from widening the dtype);
    anything else as an array on `like`'s device."""
    if isinstance(value, Tensor):
        return value.data
    if isinstance(value, (bool, int, float)):
        return value
    return Tensor(value, device=like.device).data


def _scaled(value, factor, like):
    """value · factor, either a number or a tensor (skipped for the common factor 1)."""
    if isinstance(factor, (int, float)) and factor == 1:
        return value
    return _array(value, like) * _array(factor, like)


# ---- arithmetic --------------------------------------------------------------------------
def add_(tensor, other, alpha=1):
    """tensor += alpha · other."""
    return apply("add_", np.add, tensor, _scaled(other, alpha, tensor))


def sub_(tensor, other, alpha=1):
    """tensor -= alpha · other."""
    return apply("sub_", np.subtract, tensor, _scaled(other, alpha, tensor))


def div_(tensor, other, *, rounding_mode=None):
    """tensor /= other; with rounding_mode 'trunc' or 'floor' the quotient rounded toward 0
    or −inf, which an integer tensor can take (a true quotient it cannot, as in PyTorch)."""
    if rounding_mode is None:
        return apply("div_", np.true_divide, tensor, other)
    from minigrad.ops.rounding import rounded_divide

    check_writable("div_", tensor)
    quotient = rounded_divide("div_", tensor, other, rounding_mode)
    return apply("div_", _take_second, tensor, quotient.data)


def _take_second(_, value, out, casting):
    """A ufunc-shaped copy of `value` into `out`, so `apply` checks the shape and dtype."""
    array_module(out).copyto(out, value, casting=casting)


def addcmul_(tensor, tensor1, tensor2, value=1):
    """tensor += value · tensor1 · tensor2 (Adam's moment updates are written with it)."""
    check_fits("addcmul_", tensor, tensor1.shape, tensor2.shape)
    return apply("addcmul_", np.add, tensor, _scaled(tensor1.data * tensor2.data, value, tensor))


def addcdiv_(tensor, tensor1, tensor2, value=1):
    """tensor += value · tensor1 / tensor2."""
    if tensor1.dtype.kind != "f" and tensor2.dtype.kind != "f":
        raise TypeError(
            f"addcdiv_: tensor1 and tensor2 are both integer ({tensor1.dtype}, "
            f"{tensor2.dtype}); convert one to float first (as PyTorch asks)"
        )
    check_fits("addcdiv_", tensor, tensor1.shape, tensor2.shape)
    return apply("addcdiv_", np.add, tensor, _scaled(tensor1.data / tensor2.data, value, tensor))


def lerp_(tensor, end, weight):
    """tensor += weight · (end − tensor): a step of `weight` of the way towards `end`."""
    step = _array(end, tensor) - tensor.data
    return apply("lerp_", np.add, tensor, _scaled(step, weight, tensor))


def clamp_(tensor, min=None, max=None):
    """Each number limited to [min, max] (max wins where min > max, as in PyTorch)."""
    if min is None and max is None:
        raise ValueError("clamp_: at least one of min and max must be given")
    if min is not None:
        apply("clamp_", np.maximum, tensor, min)
    if max is not None:
        apply("clamp_", np.minimum, tensor, max)
    return tensor


def masked_fill_(tensor, mask, value):
    """`value` wherever `mask` (a bool tensor that broadcasts to the tensor) is true; the value
    is converted to the tensor's dtype, as PyTorch does."""
    from minigrad.ops.indexing import check_masked_fill

    check_writable("masked_fill_", tensor)
    check_masked_fill("masked_fill_", tensor, mask, value)
    xp = array_module(tensor.data)
    fill = xp.asarray(value.data if isinstance(value, Tensor) else value, dtype=tensor.dtype)
    xp.copyto(tensor.data, fill, where=mask.data)
    return tensor


# ---- random fills ------------------------------------------------------------------------
def uniform_(tensor, from_=0.0, to=1.0):
    """Numbers drawn uniformly from [from_, to)."""
    if from_ > to:
        raise ValueError(f"uniform_: from_={from_} is greater than to={to}")
    return _fill_drawn("uniform_", tensor, lambda shape: generator().uniform(from_, to, shape))


def normal_(tensor, mean=0.0, std=1.0):
    """Numbers drawn from the normal distribution N(mean, std²)."""
    if std < 0:
        raise ValueError(f"normal_: std must be at least 0, got {std}")
    return _fill_drawn("normal_", tensor, lambda shape: generator().normal(mean, std, shape))


def exponential_(tensor, lambd=1.0):
    """Numbers drawn from the exponential distribution with density λ·e^(−λx), x ≥ 0."""
    if not lambd > 0:
        raise ValueError(f"exponential_: lambd must be greater than 0, got {lambd}")
    scale = 1 / lambd  # numpy's parameter is the mean, 1/λ
    return _fill_drawn("exponential_", tensor, lambda shape: generator().exponential(scale, shape))


def cauchy_(tensor, median=0.0, sigma=1.0):
    """Numbers drawn from the Cauchy distribution, density 1 / (πσ(1 + ((x − median)/σ)²))."""
    if not sigma > 0:
        raise ValueError(f"cauchy_: sigma must be greater than 0, got {sigma}")
    return _fill_drawn(
        "cauchy_", tensor, lambda shape: median + sigma * generator().standard_cauchy(shape)
    )


def log_normal_(tensor, mean=1.0, std=2.0):
    """Numbers e^z with z drawn from N(mean, std²): `mean` and `std` are those of the log."""
    if not std > 0:
        raise ValueError(f"log_normal_: std must be greater than 0, got {std}")
    return _fill_drawn("log_normal_", tensor, lambda shape: generator().lognormal(mean, std, shape))


def geometric_(tensor, p):
    """The number of Bernoulli(p) trials up to and including the first success (1, 2, ...).
    Any dtype, as in PyTorch."""
    if not 0 < p < 1:
        raise ValueError(f"geometric_: p must lie in (0, 1), got {p}")
    check_writable("geometric_", tensor)
    return _write(tensor, generator().geometric(p, tensor.shape))


def random_(tensor, from_=0, to=None):
    """Whole numbers drawn uniformly from [from_, to − 1]. A single number is `to`, as in
    PyTorch's `random_(to)`. Without `to` the top is the dtype's largest value, or for
    floats 2^(mantissa bits + 1), the end of the range where every whole number is exact."""
    check_writable("random_", tensor)
    if to is None and from_ != 0:
        from_, to = 0, from_
    dtype = np.dtype(tensor.dtype)
    if to is None:
        top = 2 ** (np.finfo(dtype).nmant + 1) if dtype.kind == "f" else _largest(dtype)
    elif from_ >= to:
        raise ValueError(f"random_: from_ must be less than to, got from_={from_}, to={to}")
    else:
        top = to - 1
    if dtype.kind != "f" and not _smallest(dtype) <= from_ <= top <= _largest(dtype):
        raise ValueError(f"random_: the range [{from_}, {top}] does not fit in {dtype}")
    drawn = generator().integers(from_, top, tensor.shape, dtype=np.int64, endpoint=True)
    return _write(tensor, drawn)


def _largest(dtype):
    return 1 if dtype.kind == "b" else np.iinfo(dtype).max


def _smallest(dtype):
    return 0 if dtype.kind == "b" else np.iinfo(dtype).min


def bernoulli_(tensor, p=0.5):
    """1 with probability p, else 0; `p` a number or a tensor of probabilities that broadcasts
    to the tensor. Any dtype, as in PyTorch."""
    check_writable("bernoulli_", tensor)
    probability = to_numpy(p.data) if isinstance(p, Tensor) else np.asarray(p)
    if probability.size and not ((probability >= 0) & (probability <= 1)).all():
        raise ValueError(f"bernoulli_: p must lie in [0, 1], got {p}")
    check_fits("bernoulli_", tensor, probability.shape)
    return _write(tensor, generator().random(tensor.shape) < probability)


def _fill_drawn(op, tensor, draw):
    check_floating(op, tensor)
    check_writable(op, tensor)
    return _write(tensor, draw(tensor.shape))


def _write(tensor, values):
    """Put host numbers into the tensor's own array: its dtype and device stay."""
    values = np.asarray(values).astype(tensor.dtype, copy=False)
    tensor.data[...] = to_device(values, tensor.device)
    return tensor
