"""`mg.autocast`: automatic mixed precision, as torch.autocast.

    with mg.autocast("cuda"):            # or "cpu"; dtype=mg.float16 is the default
        loss = F.cross_entropy(model(x), y)
    scaler.scale(loss).backward()        # outside the region, as PyTorch recommends

Inside the region each op runs in the dtype its *cast policy* names; the model's parameters
stay float32 and nothing else changes. The policies and their op lists are PyTorch's (its
CUDA lists, `aten/src/ATen/autocast_mode.h`):

* lower_precision_fp (float16): the products, where float16 is fast and safe: matmul, mm,
  bmm, `@`, linear, conv1d/conv2d, conv_transpose1d/2d, einsum, prelu,
  scaled_dot_product_attention.
* fp32: ops whose range or accumulation float16 cannot hold: exp, log, pow, rsqrt,
  softplus, sum, prod, cumsum, cumprod, softmax, log_softmax, logsumexp, norm, layer_norm,
  group_norm, cdist, dist, cosine_similarity, normalize, interpolate, and the losses
  (cross_entropy, nll_loss, mse_loss, l1_loss, smooth_l1_loss, huber_loss, kl_div,
  binary_cross_entropy_with_logits, the margin losses, poisson_nll_loss).
* promote: ops of several inputs run in the widest of their float dtypes: dot, cross,
  tensordot, bilinear, scatter_add.
* every other op runs in the dtype of its inputs, and where those differ (a float16 product
  added to a float32 tensor) numpy's promotion gives float32, as PyTorch's does.
* banned: binary_cross_entropy on probabilities, which PyTorch refuses under CUDA autocast
  (use binary_cross_entropy_with_logits, which is safe in float16 compute).

float64 tensors are never lowered, as in PyTorch. Each cast is an op of the graph (`Cast`,
ops/elementwise.py), whose backward casts the gradient back: a float32 parameter used in
float16 gets its gradient in float32.

How it is wired: ops that are one `Function` say their policy in the class
(`autocast_policy = "fp32"`), and `Function.apply` casts their inputs while a region is
active. Ops composed of several Functions say it on their public function
(`@under_autocast("fp32")`, autograd.py): the inputs are cast once at the top and the ops inside run
without autocast, as PyTorch's listed ops do.

Departures from PyTorch, each deliberate:
* The CUDA op lists apply on both devices. PyTorch's CPU lists are shorter on the fp32 side
  (on its CPU, softmax, exp and sum stay in the lower dtype); one recipe is easier to learn,
  and the CPU here exists to run the GPU's code path.
* dtype defaults to float16 on both devices: PyTorch's CPU default is bfloat16, which numpy
  has no dtype for. bfloat16 and any dtype other than float16 raise TypeError (PyTorch warns
  and turns autocast off for a dtype it does not support).
* A device_type other than 'cpu' or 'cuda' raises ValueError (PyTorch: RuntimeError).
* cache_enabled keeps, per region, the float16 copy of each float32 parameter (a leaf that
  requires grad) so that a weight used many times (an RNN's, step after step) is cast once,
  as PyTorch's cache does. Casts made under no_grad are not kept (they have no graph), and a
  kept cast is dropped once a backward pass has freed its graph, so a whole training loop
  inside one region casts each step's new weights (PyTorch advises wrapping only the forward
  pass and the loss, as above).
"""

import copy
import functools

from minigrad import autograd, dtypes
from minigrad.ops.elementwise import Cast
from minigrad.tensor import Tensor

DEVICE_TYPES = ("cpu", "cuda")

_dtype_by_device = {}  # device type -> autocast dtype, for the devices with an enabled region
_cache_enabled = True
_cache = {}  # id(float32 parameter) -> (parameter, its cast), for the outermost region
_nesting = 0  # regions entered and not left, enabled or not


def is_autocast_enabled(device_type="cuda"):
    """torch.is_autocast_enabled(device_type)."""
    return check_device_type("is_autocast_enabled", device_type) in _dtype_by_device


def get_autocast_dtype(device_type):
    """torch.get_autocast_dtype: the dtype a region on `device_type` lowers to (float16)."""
    return _dtype_by_device.get(check_device_type("get_autocast_dtype", device_type),
                                dtypes.float16)


class autocast:
    """Context manager and decorator: run the ops on `device_type`'s tensors in mixed
    precision (see the module docstring for which op runs in which dtype).

    `enabled=False` turns autocast off inside an enabled region (for a part that must run in
    float32); regions nest, and each restores on exit what was active before it.
    """

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        self.device_type = check_device_type("autocast", device_type)
        self.fast_dtype = _check_dtype(dtype)
        self.enabled = bool(enabled)
        self.cache_enabled = _cache_enabled if cache_enabled is None else bool(cache_enabled)

    def __enter__(self):
        global _cache_enabled, _nesting
        self.previous = _dtype_by_device.get(self.device_type), _cache_enabled
        if self.enabled:
            _dtype_by_device[self.device_type] = self.fast_dtype
        else:
            _dtype_by_device.pop(self.device_type, None)
        _cache_enabled = self.cache_enabled
        _nesting += 1
        _set_hook()
        return self

    def __exit__(self, *exc):
        global _cache_enabled, _nesting
        dtype, _cache_enabled = self.previous
        if dtype is None:
            _dtype_by_device.pop(self.device_type, None)
        else:
            _dtype_by_device[self.device_type] = dtype
        _nesting -= 1
        if _nesting == 0:  # the casts of parameters are valid only while no weight changes
            _cache.clear()
        _set_hook()

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with copy.copy(self):  # a fresh one per call: each restores its own previous state
                return fn(*args, **kwargs)

        return wrapper


def _set_hook():
    autograd.autocast_hook = cast_inputs if _dtype_by_device else None


def cast_inputs(policy, op, tensors):
    """`tensors` as the op `op` takes them inside autocast under `policy`: the autocast
    region of their device decides (tensors on another device are left alone)."""
    device = next((t.device for t in tensors if isinstance(t, Tensor)), None)
    lower = _dtype_by_device.get(device)
    if lower is None:
        return tensors
    if policy == "banned":
        if device == "cuda":
            raise RuntimeError(
                f"{op}: unsafe to autocast (float16 probabilities lose the small ones); use "
                "binary_cross_entropy_with_logits, or disable autocast around this op with "
                "mg.autocast('cuda', enabled=False) and float32 inputs"
            )
        policy = "fp32"  # PyTorch's CPU list runs it in float32
    if policy == "promote":
        floats = [t.dtype for t in tensors if _is_float(t)]
        target = max(floats, key=lambda d: d.itemsize) if floats else None
        return [_cast(t, target, caching=False) if _is_float(t) else t for t in tensors]
    target, caching = (lower, True) if policy == "lower_precision_fp" else (dtypes.float32, False)
    return [_cast(t, target, caching) if _is_float(t) and t.dtype != dtypes.float64 else t
            for t in tensors]


def _is_float(t):
    return isinstance(t, Tensor) and t.dtype.kind == "f"


def _cast(t, dtype, caching):
    if t.dtype == dtype:
        return t
    cacheable = (caching and _cache_enabled and t.requires_grad and t._ctx is None
                 and autograd.is_grad_enabled())
    if not cacheable:
        return Cast.apply(t, dtype=dtype)
    hit = _cache.get(id(t))
    # a hit must still be this tensor (ids are reused), with its graph not yet freed by a
    # backward pass
    if hit is not None and hit[0] is t and hit[1]._ctx.parents is not None:
        return hit[1]
    cast = Cast.apply(t, dtype=dtype)
    _cache[id(t)] = t, cast
    return cast


def check_device_type(op, device_type):
    if not isinstance(device_type, str):
        raise TypeError(
            f"{op}: device_type must be a string, 'cpu' or 'cuda', got "
            f"{type(device_type).__name__}"
        )
    if device_type not in DEVICE_TYPES:
        raise ValueError(
            f"{op}: device_type must be 'cpu' or 'cuda' (a device type, without an index), "
            f"got {device_type!r}"
        )
    return device_type


def _check_dtype(dtype):
    if dtype is None:
        return dtypes.float16
    try:
        dtype = dtypes.as_dtype(dtype)
    except TypeError:
        raise TypeError(
            f"autocast: dtype {dtype!r} is not one minigrad has (numpy has no bfloat16); "
            "use mg.float16"
        ) from None
    if dtype != dtypes.float16:
        raise TypeError(f"autocast: dtype must be float16 (the lower precision), got {dtype}")
    return dtype
