"""Which GPU kernels minigrad runs: MINIGRAD_KERNELS=cupy|numba|vendor (default cupy).

    cupy     the CUDA C kernels in kernels/cuda/, compiled by CuPy
    numba    the same algorithms written with Numba CUDA
    vendor   NVIDIA's libraries through CuPy: cuBLAS, cuDNN (see vendor.py)

The functions take and return CuPy float32 arrays; kernels/__init__.py lists their exact
signatures. The variable is read at every call, so one process can compare all three.
"""

import contextlib
import functools
import importlib
import os

from kernels import host
from minigrad.backend import device_of

CHOICES = ("cupy", "numba", "vendor")


def implementation():
    choice = os.environ.get("MINIGRAD_KERNELS", "cupy")
    if choice not in CHOICES:
        raise ValueError(f"MINIGRAD_KERNELS={choice!r}: expected one of {', '.join(CHOICES)}")
    return choice


@contextlib.contextmanager
def using(choice):
    """MINIGRAD_KERNELS=choice inside a with-block, as benchmarks that compare all three do."""
    previous = os.environ.get("MINIGRAD_KERNELS")
    os.environ["MINIGRAD_KERNELS"] = choice
    try:
        implementation()  # a bad choice fails here, not at the first kernel call
        yield
    finally:
        if previous is None:
            del os.environ["MINIGRAD_KERNELS"]
        else:
            os.environ["MINIGRAD_KERNELS"] = previous


def matmul(a, b):
    return _pick("matmul", a, b)(a, b)


def conv2d_forward(x, w, stride, padding, dilation):
    return _pick("conv2d_forward", x, w)(x, w, stride, padding, dilation)


def conv2d_grad_input(grad_y, w, input_shape, stride, padding, dilation):
    return _pick("conv2d_grad_input", grad_y, w)(grad_y, w, input_shape, stride, padding, dilation)


def conv2d_grad_weight(grad_y, x, weight_shape, stride, padding, dilation):
    return _pick("conv2d_grad_weight", grad_y, x)(
        grad_y, x, weight_shape, stride, padding, dilation
    )


def attention_forward(q, k, v, scale, causal=False, key_padding_mask=None):
    return _pick("attention_forward", q, k, v)(q, k, v, scale, causal, key_padding_mask)


def attention_backward(q, k, v, out, lse, grad_out, scale, causal=False, key_padding_mask=None):
    function = _pick("attention_backward", q, k, v, out, lse, grad_out)
    return function(q, k, v, out, lse, grad_out, scale, causal, key_padding_mask)


def adam_update(param, grad, m, v, one_minus_beta1, beta2, one_minus_beta2, eps, step_size,
                bias_correction2_sqrt):
    """One Adam step in place on param, m and v (see kernels/cuda/adam.cu). NVIDIA's libraries
    have no Adam: with MINIGRAD_KERNELS=vendor, optim.Adam keeps its CuPy array lines."""
    if implementation() == "vendor":
        raise ValueError(
            "kernels.dispatch.adam_update: MINIGRAD_KERNELS=vendor has no Adam kernel "
            "(optim.Adam uses its array operations then)"
        )
    numbers = (one_minus_beta1, beta2, one_minus_beta2, eps, step_size, bias_correction2_sqrt)
    return _pick("adam_update", param, grad, m, v)(param, grad, m, v, *numbers)


def _pick(name, *arrays):
    """The implementation of `name` that MINIGRAD_KERNELS selects, after checking that the
    arrays are on the GPU (the CPU path is plain numpy and never comes here)."""
    for array in arrays:
        if device_of(array) != "cuda":
            raise TypeError(
                f"kernels.dispatch.{name}: expected CuPy arrays on the GPU, got "
                f"{type(array).__module__}.{type(array).__name__}"
            )
    choice = implementation()
    if choice == "vendor":
        return getattr(importlib.import_module("kernels.vendor"), name)
    source = importlib.import_module(f"kernels.{choice}_kernels")
    return functools.partial(getattr(host, name), source)
