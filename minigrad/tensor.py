"""`Tensor`: an n-dimensional array that remembers how it was computed.

A tensor holds
  data           the numbers: a numpy array on 'cpu', a CuPy array on 'cuda'
  requires_grad  whether gradients should flow back to it
  grad           after `backward()`, d(loss)/d(this tensor), a Tensor of the same shape
  _ctx           the `Function` that produced it (None for tensors made by the user: leaves);
                 PyTorch's name for it, `grad_fn`, reads it

Note for PyTorch users: `.data` here is the raw numpy/CuPy array, not a Tensor.

The methods below are thin: each forwards to an op in `minigrad.ops`, where forward and
backward of that op sit side by side. The method names and argument names (`dim`,
`keepdim`) are PyTorch's, so code written for PyTorch reads the same here.
"""

import weakref

import numpy as np

from minigrad import dtypes
from minigrad.conversion import ConversionShortcuts, parse_to_args
from minigrad.backend import (
    array_module,
    default_device,
    device_of,
    normalize_device,
    to_device,
    to_numpy,
)


def _to_array(data, dtype, device):
    """Turn user data into a backend array, with minigrad's dtype rules.

    Python numbers and lists become float32 (bools stay bool); numpy arrays keep their dtype;
    `dtype` overrides both. The result is always a fresh copy, as with `torch.tensor`.
    """
    if isinstance(data, Tensor):
        data = data.data
    if isinstance(data, np.generic):
        data = np.asarray(data)
    if isinstance(data, np.ndarray) or hasattr(data, "__cuda_array_interface__"):
        array = data
    else:
        array = np.asarray(data)
        if array.dtype.kind in "iuf" and dtype is None:
            array = array.astype(dtypes.default_float)
        elif array.dtype.kind not in "iufb":
            raise TypeError(
                f"tensor: cannot make a tensor from {type(data).__name__} "
                f"(numpy sees dtype {array.dtype})"
            )
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    device = normalize_device(device) if device is not None else device_of(array)
    array = to_device(array, device)
    return array_module(array).array(array, copy=True, order="C")


def _check_can_require_grad(dtype, op="tensor"):
    if not dtypes.is_floating(dtype):
        raise TypeError(
            f"{op}: only floating-point tensors can require gradients, got dtype {dtype}"
        )


class Tensor(ConversionShortcuts):
    __slots__ = ("data", "requires_grad", "grad", "_ctx", "_grad_hooks", "__weakref__")

    # numpy defers to Tensor in mixed expressions (ndarray + Tensor calls Tensor.__radd__)
    __array_ufunc__ = None
    __array_priority__ = 1000

    def __init__(self, data, dtype=None, requires_grad=False, device=None):
        dtype = dtypes.as_dtype(dtype)
        # anything not already on the GPU (numpy arrays, lists, numbers) goes to the default
        # device; a tensor or a CuPy array stays where it is
        on_gpu = hasattr(data, "__cuda_array_interface__")
        if device is None and not isinstance(data, Tensor) and not on_gpu:
            device = default_device()
        self.data = _to_array(data, dtype, device)
        if requires_grad:
            _check_can_require_grad(self.data.dtype)
        self.requires_grad = bool(requires_grad)
        self.grad = None
        self._ctx = None
        self._grad_hooks = None  # a leaf's hooks; a result's live on its Function (_ctx)

    @classmethod
    def _make(cls, data, requires_grad=False, ctx=None):
        """Wrap an op's result without copying or checking (the hot path of every op)."""
        t = cls.__new__(cls)
        t.data = np.asarray(data) if isinstance(data, np.generic) else data
        t.requires_grad = requires_grad
        t.grad = None
        t._ctx = ctx
        t._grad_hooks = None
        return t

    # ---- what it is -----------------------------------------------------------------------
    @property
    def shape(self):
        return self.data.shape

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def device(self):
        return device_of(self.data)

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def is_leaf(self):
        return self._ctx is None

    def dim(self):
        return self.data.ndim

    def size(self, dim=None):
        if dim is None:
            return self.data.shape
        from minigrad.checks import normalize_dim

        return self.data.shape[normalize_dim("size", dim, self.ndim)]

    def numel(self):
        return int(self.data.size)

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __repr__(self):
        body = np.array2string(to_numpy(self.data), separator=", ", prefix="tensor(")
        extras = []
        if self.dtype != dtypes.default_float:
            extras.append(f"dtype={self.dtype}")
        if self.device != "cpu":
            extras.append(f"device='{self.device}'")
        if self._ctx is not None:
            extras.append(f"grad_fn=<{self._ctx.name()}>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body] + extras) + ")"

    __hash__ = object.__hash__  # tensors are dict keys (optimizer state) despite __eq__

    # ---- getting the numbers out ---------------------------------------------------------
    def numpy(self):
        """The values as a numpy array (copied from the GPU when on 'cuda')."""
        return to_numpy(self.data)

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()
        return array if dtype is None else array.astype(dtype)

    def item(self):
        if self.data.size != 1:
            raise ValueError(f"item: tensor has {self.data.size} elements, expected 1")
        return self.data.reshape(()).item()

    def tolist(self):
        return self.numpy().tolist()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        if self.data.size != 1:
            raise ValueError(
                f"the truth value of a tensor with {self.data.size} elements is ambiguous"
            )
        return bool(self.item())

    def __index__(self):
        if self.dtype.kind not in "iu" or self.data.size != 1:
            raise TypeError("only integer tensors of one element can be used as an index")
        return int(self.item())

    # ---- autograd ------------------------------------------------------------------------
    def backward(self, gradient=None, retain_graph=False):
        """Compute d(self)/d(leaf) for every leaf that requires grad, into `leaf.grad`."""
        from minigrad import autograd

        if not self.requires_grad:
            raise RuntimeError(
                "backward: this tensor does not require grad and has no graph "
                "(was it computed under no_grad, or from tensors without requires_grad=True?)"
            )
        grad = autograd.initial_gradient("backward", self, gradient, "the tensor", "gradient")
        autograd.run_backward(self, grad, retain_graph=retain_graph)

    def _accumulate_grad(self, grad):
        if grad.dtype != self.dtype:
            grad = grad.astype(self.dtype)
        if self.grad is None:
            # a copy: the incoming array may be a read-only broadcast view or shared; in C
            # order, like the parameter, so optimizers can walk both in step
            self.grad = Tensor._make(array_module(grad).array(grad, copy=True, order="C"))
        else:
            self.grad.data += grad

    def retain_grad(self):
        """Keep `.grad` on this non-leaf tensor too (leaves always keep theirs)."""
        if self._ctx is not None:  # the graph links Functions, so the Function points back here
            self._ctx.retained_output = weakref.ref(self)  # weak: the graph keeps no tensor alive
        return self

    @property
    def retains_grad(self):
        """Whether retain_grad() was called on this non-leaf (False for leaves, as in PyTorch)."""
        if self._ctx is None or self._ctx.retained_output is None:
            return False
        return self._ctx.retained_output() is self

    @property
    def grad_fn(self):
        """The Function that made this tensor (None for a leaf), to look at the graph:
        `grad_fn.name()` and `grad_fn.next_functions` (see minigrad/autograd.py)."""
        return self._ctx

    def register_hook(self, hook):
        """Call `hook(grad)` with this tensor's gradient during every backward pass (and
        grad()): for a leaf, before it is added to `.grad`; for a result, as it flows through.
        A hook that returns a tensor replaces the gradient. Hooks run in the order they were
        registered; the returned handle's `.remove()` takes the hook off."""
        from minigrad.hooks import RemovableHandle

        if not self.requires_grad:
            raise RuntimeError(
                "register_hook: this tensor does not require grad, so no gradient will reach it"
            )
        owner = self if self._ctx is None else self._ctx
        if owner._grad_hooks is None:
            owner._grad_hooks = {}
        return RemovableHandle.add(owner._grad_hooks, hook)

    def requires_grad_(self, requires_grad=True):
        if requires_grad:
            _check_can_require_grad(self.dtype, "requires_grad_")
        self.requires_grad = requires_grad
        return self

    def detach(self):
        """The same numbers, cut from the graph (shares memory, like PyTorch)."""
        return Tensor._make(self.data)

    def detach_(self):
        """Cut this tensor itself from the graph: it becomes a leaf that requires no grad."""
        self._ctx, self.requires_grad = None, False
        return self

    def zero_(self):
        self.data[...] = 0
        return self

    def fill_(self, value):
        self.data[...] = value
        return self

    def copy_(self, source):
        self.data[...] = _to_array(source, self.dtype, self.device)
        return self

    def clone(self):
        return ops.movement.clone(self)

    # ---- dtype and device ----------------------------------------------------------------
    def to(self, *args, dtype=None, device=None):
        """`t.to('cuda')`, `t.to(mg.float16)`, `t.to(device=..., dtype=...)`: a converted copy
        (the tensor itself when nothing changes); gradients flow back through it."""
        device, dtype = parse_to_args(args, device, dtype)
        out = self
        if dtype is not None and dtype != self.dtype:
            out = ops.elementwise.cast(out, dtype)
        if device is not None and device != out.device:
            out = ops.movement.to_device(out, device)
        return out

    def long(self):
        return self.to(dtypes.int64)

    def int(self):
        return self.to(dtypes.int32)

    def bool(self):
        return self.to(dtypes.bool_)

    def type(self, dtype):
        return self.to(dtype)

    def type_as(self, other):
        return self.to(other.dtype)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        """Zeros with this tensor's dtype and device unless told otherwise."""
        return self._new(0, size, dtype, device, requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new(1, size, dtype, device, requires_grad)

    def _new(self, value, size, dtype, device, requires_grad):
        from minigrad.creation import full

        size = size[0] if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
        dtype, device = dtype or self.dtype, device or self.device
        return full(size, value, dtype=dtype, device=device, requires_grad=requires_grad)

    # ---- arithmetic (ops/elementwise.py) -------------------------------------------------
    def __add__(self, other):
        return ops.elementwise.add(self, other)

    def __radd__(self, other):
        return ops.elementwise.add(other, self)

    def __sub__(self, other):
        return ops.elementwise.sub(self, other)

    def __rsub__(self, other):
        return ops.elementwise.sub(other, self)

    def __mul__(self, other):
        return ops.elementwise.mul(self, other)

    def __rmul__(self, other):
        return ops.elementwise.mul(other, self)

    def __truediv__(self, other):
        return ops.elementwise.div(self, other)

    def __rtruediv__(self, other):
        return ops.elementwise.div(other, self)

    def __pow__(self, other):
        return ops.elementwise.pow(self, other)

    def __rpow__(self, other):
        return ops.elementwise.pow(other, self)

    def __neg__(self):
        return ops.elementwise.neg(self)

    def __pos__(self):
        return self

    def __matmul__(self, other):
        return ops.matmul.matmul(self, other)

    def __rmatmul__(self, other):
        return ops.matmul.matmul(other, self)

    # in-place arithmetic changes the numbers without recording a graph: it is for
    # optimizer updates under no_grad and for tensors that need no gradient (in_place.py)
    def __iadd__(self, other):
        return in_place.apply("+=", np.add, self, other)

    def __isub__(self, other):
        return in_place.apply("-=", np.subtract, self, other)

    def __imul__(self, other):
        return in_place.apply("*=", np.multiply, self, other)

    def __itruediv__(self, other):
        return in_place.apply("/=", np.true_divide, self, other)

    # ---- in-place ops with PyTorch's names: no graph (in_place.py) -----------------------
    def add_(self, other, alpha=1):
        return in_place.add_(self, other, alpha)

    def sub_(self, other, alpha=1):
        return in_place.sub_(self, other, alpha)

    def mul_(self, other):
        return in_place.apply("mul_", np.multiply, self, other)

    def div_(self, other, *, rounding_mode=None):
        return in_place.div_(self, other, rounding_mode=rounding_mode)

    def pow_(self, exponent):
        return in_place.apply("pow_", np.power, self, exponent)

    def sqrt_(self):
        return in_place.apply("sqrt_", np.sqrt, self)

    def exp_(self):
        return in_place.apply("exp_", np.exp, self)

    def neg_(self):
        return in_place.apply("neg_", np.negative, self)

    def abs_(self):
        return in_place.apply("abs_", np.absolute, self)

    def clamp_(self, min=None, max=None):
        return in_place.clamp_(self, min, max)

    clip_ = clamp_

    def masked_fill_(self, mask, value):
        return in_place.masked_fill_(self, mask, value)

    def addcmul_(self, tensor1, tensor2, value=1):
        return in_place.addcmul_(self, tensor1, tensor2, value)

    def addcdiv_(self, tensor1, tensor2, value=1):
        return in_place.addcdiv_(self, tensor1, tensor2, value)

    def lerp_(self, end, weight):
        return in_place.lerp_(self, end, weight)

    def uniform_(self, from_=0.0, to=1.0):
        return in_place.uniform_(self, from_, to)

    def normal_(self, mean=0.0, std=1.0):
        return in_place.normal_(self, mean, std)

    def bernoulli_(self, p=0.5):
        return in_place.bernoulli_(self, p)

    def exponential_(self, lambd=1.0):
        return in_place.exponential_(self, lambd)

    def cauchy_(self, median=0.0, sigma=1.0):
        return in_place.cauchy_(self, median, sigma)

    def log_normal_(self, mean=1.0, std=2.0):
        return in_place.log_normal_(self, mean, std)

    def geometric_(self, p):
        return in_place.geometric_(self, p)

    def random_(self, from_=0, to=None):
        return in_place.random_(self, from_, to)

    def add(self, other):
        return self + other

    def sub(self, other):
        return self - other

    def mul(self, other):
        return self * other

    def div(self, other, *, rounding_mode=None):
        return ops.elementwise.div(self, other, rounding_mode=rounding_mode)

    def true_divide(self, other):
        return self / other

    def neg(self):
        return -self

    def exp(self):
        return ops.elementwise.exp(self)

    def log(self):
        return ops.elementwise.log(self)

    def sqrt(self):
        return ops.elementwise.sqrt(self)

    def tanh(self):
        return ops.elementwise.tanh(self)

    def sigmoid(self):
        return ops.elementwise.sigmoid(self)

    def relu(self):
        return ops.elementwise.relu(self)

    def abs(self):
        return ops.elementwise.abs(self)

    def sin(self):
        return ops.elementwise.sin(self)

    def cos(self):
        return ops.elementwise.cos(self)

    def rsqrt(self):
        return ops.elementwise.rsqrt(self)

    def pow(self, exponent):
        return self**exponent

    def sign(self):
        return ops.elementwise.sign(self)

    def floor(self):
        return ops.elementwise.floor(self)

    def ceil(self):
        return ops.elementwise.ceil(self)

    def round(self, decimals=0):
        return ops.elementwise.round(self, decimals)

    def lerp(self, end, weight):
        return ops.elementwise.lerp(self, end, weight)

    def isnan(self):
        return ops.elementwise.isnan(self)

    def isfinite(self):
        return ops.elementwise.isfinite(self)

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        return ops.elementwise.nan_to_num(self, nan, posinf, neginf)

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return ops.elementwise.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return ops.elementwise.allclose(self, other, rtol, atol, equal_nan)

    def clamp(self, min=None, max=None):
        return ops.elementwise.clamp(self, min, max)

    clip = clamp

    def maximum(self, other):
        return ops.elementwise.maximum(self, other)

    def minimum(self, other):
        return ops.elementwise.minimum(self, other)

    def matmul(self, other):
        return self @ other

    def mm(self, other):
        return ops.matmul.mm(self, other)

    def bmm(self, other):
        return ops.matmul.bmm(self, other)

    def dot(self, other):
        return ops.matmul.dot(self, other)

    def outer(self, other):
        return ops.matmul.outer(self, other)

    # ---- comparisons: bool tensors, no gradient ------------------------------------------
    def __eq__(self, other):
        return ops.elementwise.compare("eq", self, other)

    def __ne__(self, other):
        return ops.elementwise.compare("ne", self, other)

    def __lt__(self, other):
        return ops.elementwise.compare("lt", self, other)

    def __le__(self, other):
        return ops.elementwise.compare("le", self, other)

    def __gt__(self, other):
        return ops.elementwise.compare("gt", self, other)

    def __ge__(self, other):
        return ops.elementwise.compare("ge", self, other)

    def __invert__(self):
        return ops.elementwise.invert(self)

    def __and__(self, other):
        return ops.elementwise.compare("and", self, other)

    def __or__(self, other):
        return ops.elementwise.compare("or", self, other)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    # ---- reductions (ops/reduce.py) ------------------------------------------------------
    def sum(self, dim=None, keepdim=False):
        return ops.reduce.sum(self, dim, keepdim)

    def mean(self, dim=None, keepdim=False):
        return ops.reduce.mean(self, dim, keepdim)

    def max(self, dim=None, keepdim=False):
        return ops.reduce.max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return ops.reduce.min(self, dim, keepdim)

    def amax(self, dim=None, keepdim=False):
        return ops.reduce.amax(self, dim, keepdim)

    def amin(self, dim=None, keepdim=False):
        return ops.reduce.amin(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return ops.reduce.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return ops.reduce.argmin(self, dim, keepdim)

    def var(self, dim=None, keepdim=False, correction=1, unbiased=None):
        return ops.reduce.var(self, dim, keepdim, correction, unbiased)

    def std(self, dim=None, keepdim=False, correction=1, unbiased=None):
        return ops.reduce.std(self, dim, keepdim, correction, unbiased)

    def logsumexp(self, dim, keepdim=False):
        return ops.reduce.logsumexp(self, dim, keepdim)

    def prod(self, dim=None, keepdim=False):
        return ops.reduce.prod(self, dim, keepdim)

    def norm(self, p="fro", dim=None, keepdim=False):
        return ops.reduce.norm(self, p, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        return ops.reduce.any(self, dim, keepdim)

    def all(self, dim=None, keepdim=False):
        return ops.reduce.all(self, dim, keepdim)

    # ---- running sums and products, order (ops/scan.py, ops/sorting.py) ------------------
    def cumsum(self, dim):
        return ops.scan.cumsum(self, dim)

    def cumprod(self, dim):
        return ops.scan.cumprod(self, dim)

    def sort(self, dim=-1, descending=False, stable=False):
        return ops.sorting.sort(self, dim, descending, stable)

    def argsort(self, dim=-1, descending=False, stable=False):
        return ops.sorting.argsort(self, dim, descending, stable)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        return ops.sorting.topk(self, k, dim, largest, sorted)

    def softmax(self, dim):
        return ops.softmax.softmax(self, dim)

    def log_softmax(self, dim):
        return ops.softmax.log_softmax(self, dim)

    # ---- more elementwise math, NaN-aware reductions, order statistics -------------------
    # (ops/trig.py, exp_log.py, rounding.py, special.py, reduce.py, scan.py, order_stats.py)
    def tan(self):
        return ops.trig.tan(self)

    def asin(self):
        return ops.trig.asin(self)

    def acos(self):
        return ops.trig.acos(self)

    def atan(self):
        return ops.trig.atan(self)

    def sinh(self):
        return ops.trig.sinh(self)

    def cosh(self):
        return ops.trig.cosh(self)

    def asinh(self):
        return ops.trig.asinh(self)

    def acosh(self):
        return ops.trig.acosh(self)

    def atanh(self):
        return ops.trig.atanh(self)

    arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh

    def atan2(self, other):
        return ops.trig.atan2(self, other)

    arctan2 = atan2

    def hypot(self, other):
        return ops.trig.hypot(self, other)

    def log1p(self):
        return ops.exp_log.log1p(self)

    def expm1(self):
        return ops.exp_log.expm1(self)

    def log2(self):
        return ops.exp_log.log2(self)

    def log10(self):
        return ops.exp_log.log10(self)

    def exp2(self):
        return ops.exp_log.exp2(self)

    def logaddexp(self, other):
        return ops.exp_log.logaddexp(self, other)

    def logaddexp2(self, other):
        return ops.exp_log.logaddexp2(self, other)

    def xlogy(self, other):
        return ops.exp_log.xlogy(self, other)

    def square(self):
        return ops.exp_log.square(self)

    def reciprocal(self):
        return ops.exp_log.reciprocal(self)

    def float_power(self, exponent):
        return ops.exp_log.float_power(self, exponent)

    def addcmul(self, tensor1, tensor2, value=1):
        return ops.exp_log.addcmul(self, tensor1, tensor2, value)

    def addcdiv(self, tensor1, tensor2, value=1):
        return ops.exp_log.addcdiv(self, tensor1, tensor2, value)

    def erf(self):
        return ops.special.erf(self)

    def erfc(self):
        return ops.special.erfc(self)

    def erfinv(self):
        return ops.special.erfinv(self)

    # lgamma, digamma (ops/gamma_functions.py; the distributions' log-densities use them)
    def lgamma(self):
        return ops.gamma_functions.lgamma(self)

    def digamma(self):
        return ops.gamma_functions.digamma(self)

    def trunc(self):
        return ops.elementwise.trunc(self)

    fix = trunc

    def frac(self):
        return ops.elementwise.frac(self)

    def remainder(self, other):
        return ops.rounding.remainder(self, other)

    def fmod(self, other):
        return ops.rounding.fmod(self, other)

    def floor_divide(self, other):
        return ops.rounding.floor_divide(self, other)

    def __mod__(self, other):
        return ops.rounding.remainder(self, other)

    def __floordiv__(self, other):
        return ops.rounding.floor_divide(self, other)

    def __rmod__(self, other):
        return ops.rounding.remainder(other, self)

    def __rfloordiv__(self, other):
        return ops.rounding.floor_divide(other, self)

    def heaviside(self, values):
        return ops.rounding.heaviside(self, values)

    def fmax(self, other):
        return ops.elementwise.fmax(self, other)

    def fmin(self, other):
        return ops.elementwise.fmin(self, other)

    def logical_and(self, other):
        return ops.elementwise.logical_and(self, other)

    def logical_or(self, other):
        return ops.elementwise.logical_or(self, other)

    def logical_xor(self, other):
        return ops.elementwise.logical_xor(self, other)

    def logical_not(self):
        return ops.elementwise.logical_not(self)

    def isinf(self):
        return ops.elementwise.isinf(self)

    def isposinf(self):
        return ops.elementwise.isposinf(self)

    def isneginf(self):
        return ops.elementwise.isneginf(self)

    def nansum(self, dim=None, keepdim=False):
        return ops.reduce.nansum(self, dim, keepdim)

    def nanmean(self, dim=None, keepdim=False):
        return ops.reduce.nanmean(self, dim, keepdim)

    def count_nonzero(self, dim=None):
        return ops.reduce.count_nonzero(self, dim)

    def aminmax(self, *, dim=None, keepdim=False):
        return ops.reduce.aminmax(self, dim=dim, keepdim=keepdim)

    def cummax(self, dim):
        return ops.scan.cummax(self, dim)

    def cummin(self, dim):
        return ops.scan.cummin(self, dim)

    def logcumsumexp(self, dim):
        return ops.scan.logcumsumexp(self, dim)

    def median(self, dim=None, keepdim=False):
        return ops.order_stats.median(self, dim, keepdim)

    def nanmedian(self, dim=None, keepdim=False):
        return ops.order_stats.nanmedian(self, dim, keepdim)

    def mode(self, dim=-1, keepdim=False):
        return ops.order_stats.mode(self, dim, keepdim)

    def kthvalue(self, k, dim=-1, keepdim=False):
        return ops.order_stats.kthvalue(self, k, dim, keepdim)

    def quantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return ops.order_stats.quantile(self, q, dim, keepdim, interpolation=interpolation)

    def nanquantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return ops.order_stats.nanquantile(self, q, dim, keepdim, interpolation=interpolation)

    # ---- shape (ops/movement.py) ---------------------------------------------------------
    def reshape(self, *shape):
        return ops.movement.reshape(self, *shape)

    view = reshape

    def permute(self, *dims):
        return ops.movement.permute(self, *dims)

    def transpose(self, dim0, dim1):
        return ops.movement.transpose(self, dim0, dim1)

    @property
    def T(self):
        return ops.movement.permute(self, *reversed(range(self.ndim)))

    @property
    def mT(self):
        return ops.movement.transpose(self, -2, -1)

    def flip(self, dims):
        return ops.movement.flip(self, dims)

    def squeeze(self, dim=None):
        return ops.movement.squeeze(self, dim)

    def unsqueeze(self, dim):
        return ops.movement.unsqueeze(self, dim)

    def flatten(self, start_dim=0, end_dim=-1):
        return ops.movement.flatten(self, start_dim, end_dim)

    def expand(self, *shape):
        return ops.movement.expand(self, *shape)

    def expand_as(self, other):
        return ops.movement.expand(self, *other.shape)

    def view_as(self, other):
        return ops.movement.reshape(self, *other.shape)

    def contiguous(self):
        return self

    def broadcast_to(self, *shape):
        return ops.rearrange.broadcast_to(self, shape)

    def t(self):
        return ops.rearrange.t(self)

    def movedim(self, source, destination):
        return ops.rearrange.movedim(self, source, destination)

    def unflatten(self, dim, sizes):
        return ops.rearrange.unflatten(self, dim, sizes)

    def repeat(self, *repeats):
        return ops.rearrange.repeat(self, *repeats)

    def roll(self, shifts, dims=None):
        return ops.rearrange.roll(self, shifts, dims)

    def tril(self, diagonal=0):
        return ops.rearrange.tril(self, diagonal)

    def triu(self, diagonal=0):
        return ops.rearrange.triu(self, diagonal)

    # ---- pieces along a dim (ops/split.py) -----------------------------------------------
    def narrow(self, dim, start, length):
        return ops.split.narrow(self, dim, start, length)

    def split(self, split_size_or_sections, dim=0):
        return ops.split.split(self, split_size_or_sections, dim)

    def chunk(self, chunks, dim=0):
        return ops.split.chunk(self, chunks, dim)

    def unbind(self, dim=0):
        return ops.split.unbind(self, dim)

    def __getitem__(self, index):
        return ops.movement.getitem(self, index)

    # ---- indexing with index tensors and masks (ops/indexing.py) -------------------------
    def gather(self, dim, index):
        return ops.indexing.gather(self, dim, index)

    def scatter(self, dim, index, src):
        return ops.indexing.scatter(self, dim, index, src)

    def scatter_add(self, dim, index, src):
        return ops.indexing.scatter_add(self, dim, index, src)

    def index_select(self, dim, index):
        return ops.indexing.index_select(self, dim, index)

    def take_along_dim(self, indices, dim=None):
        return ops.indexing.take_along_dim(self, indices, dim)

    def masked_fill(self, mask, value):
        return ops.indexing.masked_fill(self, mask, value)

    def masked_select(self, mask):
        return ops.indexing.masked_select(self, mask)

    def where(self, condition, other):
        return ops.elementwise.where(condition, self, other)

    def nonzero(self, as_tuple=False):
        return ops.indexing.nonzero(self, as_tuple)

    # ---- shapes, diagonals, products, counting, sampling (ops/rearrange.py, diagonal.py,
    # products.py, distance.py, indexing.py, counting.py; minigrad/random.py) ---------------
    def reshape_as(self, other):
        return ops.movement.reshape(self, *other.shape)

    def unfold(self, dimension, size, step):
        return ops.rearrange.unfold(self, dimension, size, step)

    def tile(self, *dims):
        return ops.rearrange.tile(self, dims[0] if len(dims) == 1 else dims)

    def rot90(self, k=1, dims=(0, 1)):
        return ops.rearrange.rot90(self, k, dims)

    def fliplr(self):
        return ops.rearrange.fliplr(self)

    def flipud(self):
        return ops.rearrange.flipud(self)

    def msort(self):
        return ops.sorting.msort(self)

    def diff(self, n=1, dim=-1, prepend=None, append=None):
        return ops.rearrange.diff(self, n, dim, prepend, append)

    def diag(self, diagonal=0):
        return ops.diagonal.diag(self, diagonal)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        return ops.diagonal.diagonal(self, offset, dim1, dim2)

    def diag_embed(self, offset=0, dim1=-2, dim2=-1):
        return ops.diagonal.diag_embed(self, offset, dim1, dim2)

    def trace(self):
        return ops.diagonal.trace(self)

    def cross(self, other, dim=None):
        return ops.products.cross(self, other, dim)

    def kron(self, other):
        return ops.products.kron(self, other)

    def dist(self, other, p=2):
        return ops.distance.dist(self, other, p)

    def take(self, index):
        return ops.indexing.take(self, index)

    def index_add(self, dim, index, source, alpha=1):
        return ops.indexing.index_add(self, dim, index, source, alpha)

    def index_copy(self, dim, index, source):
        return ops.indexing.index_copy(self, dim, index, source)

    def index_fill(self, dim, index, value):
        return ops.indexing.index_fill(self, dim, index, value)

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):
        return ops.counting.unique(self, sorted, return_inverse, return_counts, dim)

    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
        return ops.counting.unique_consecutive(self, return_inverse, return_counts, dim)

    def bincount(self, weights=None, minlength=0):
        return ops.counting.bincount(self, weights, minlength)

    def histc(self, bins=100, min=0, max=0):
        return ops.counting.histc(self, bins, min, max)

    def argwhere(self):
        return ops.counting.argwhere(self)

    def bernoulli(self, p=None):
        from minigrad.random import bernoulli

        return bernoulli(self, p)

    def multinomial(self, num_samples, replacement=False):
        from minigrad.random import multinomial

        return multinomial(self, num_samples, replacement)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        return self._new(fill_value, (size,), dtype, device, requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new(0, size, dtype, device, requires_grad)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        """A new tensor of `data` (copied), with this tensor's dtype and device by default."""
        return Tensor(data, dtype or self.dtype, requires_grad, device or self.device)

    # ---- linear algebra (minigrad/linalg.py: mg.linalg) ----------------------------------
    def det(self):
        return ops.linalg.det(self)

    def slogdet(self):
        return ops.linalg.slogdet(self)

    def inverse(self):
        return ops.linalg.inv(self)

    def matrix_exp(self):
        return ops.matrix_exp.matrix_exp(self)

    def matrix_power(self, n):
        from minigrad.linalg import matrix_power  # it composes ops: loaded after Tensor

        return matrix_power(self, n)

    def pinverse(self, rcond=1e-15):
        from minigrad.linalg import pinv

        return pinv(self, rtol=rcond)

    def __setitem__(self, index, value):
        from minigrad.autograd import is_grad_enabled

        if self.requires_grad and is_grad_enabled():
            raise RuntimeError(
                "__setitem__: in-place assignment into a tensor that requires grad; "
                "use mg.where or do it under `with mg.no_grad():`"
            )
        index = ops.movement.index_arrays(index)
        # CuPy refuses host data on the right of `gpu_array[...] = ...`: convert it first
        self.data[index] = _to_array(value, self.dtype, self.device)


from minigrad import in_place, ops  # noqa: E402  (they build Tensors: load after the class)
