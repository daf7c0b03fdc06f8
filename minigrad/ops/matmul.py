"""Matrix multiplication with PyTorch's rules for 1-D operands and broadcast batch dims.

For C = A @ B (A: ...×n×k, B: ...×k×m):  dA = g @ Bᵀ,  dB = Aᵀ @ g, each summed over the
batch dims that were broadcast. A 1-D operand is treated as a row (left) or a column (right)
vector and that dim is dropped from the result, as in numpy and PyTorch.
"""

import numpy as np

from minigrad.autograd import Function, unbroadcast, under_autocast
from minigrad.backend import array_module, device_of
from minigrad.checks import broadcast_error
from minigrad.ops.elementwise import as_tensor_like, promote
from minigrad.tensor import Tensor


class MatMul(Function):
    autocast_policy = "lower_precision_fp"

    def forward(self, a, b):
        self.a, self.b = a, b
        return matmul_arrays(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        da = db = None
        if self.needs_input_grad[0]:
            da = unbroadcast(matmul_arrays(g, b.swapaxes(-1, -2)), a.shape)
        if self.needs_input_grad[1]:
            db = unbroadcast(matmul_arrays(a.swapaxes(-1, -2), g), b.shape)
        return da, db


def matmul_arrays(a, b):
    """a @ b on raw arrays. float32 CuPy arrays go to the GPU kernels in kernels/ (the
    implementation that MINIGRAD_KERNELS picks); everything else is numpy's or CuPy's @."""
    if device_of(a) == "cuda" and a.dtype == b.dtype == np.float32:
        from kernels import dispatch  # imported here: the CPU never needs it (nor CuPy)

        return dispatch.matmul(a, b)
    return a @ b


class Linear(Function):
    """y = x Wᵀ + b for x (..., in), W (out, in), b (out,), the map of a fully connected layer.

    With X and G the input and g = dL/dy flattened to rows ((…) × in and (…) × out):
        dx = g W,    dW = Gᵀ X,    db = Σ over rows of G

    The same numbers as composing transpose, matmul and add, fused for speed: one graph
    node instead of three, the bias added in place, and dW computed directly in W's own
    (C-contiguous) layout rather than as the transpose of a transposed product.
    """

    autocast_policy = "lower_precision_fp"

    def forward(self, x, w, b=None):
        self.x_shape, self.x_rows, self.w = x.shape, x.reshape(-1, x.shape[-1]), w
        if x.shape[-1] == 1:  # an outer product: numpy's matmul has no fast path for it (5×)
            y = array_module(x).dot(self.x_rows, w.T)
        else:
            y = matmul_arrays(self.x_rows, w.T)  # one matrix product, not one per leading index
        if b is not None:
            y += b
        return y.reshape(x.shape[:-1] + (w.shape[0],))

    def backward(self, g):
        w, rows = self.w, g.reshape(-1, g.shape[-1])
        dx = matmul_arrays(rows, w).reshape(self.x_shape) if self.needs_input_grad[0] else None
        dw = matmul_arrays(rows.T, self.x_rows) if self.needs_input_grad[1] else None
        if len(self.needs_input_grad) == 2:
            return dx, dw
        return dx, dw, rows.sum(axis=0) if self.needs_input_grad[2] else None


def matmul(a, b):
    a = a if isinstance(a, Tensor) else as_tensor_like(a, b)
    b = b if isinstance(b, Tensor) else as_tensor_like(b, a)
    a, b = promote(a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(
            f"matmul: both operands need at least 1 dim, got shapes {tuple(a.shape)} and "
            f"{tuple(b.shape)} (use * for scaling)"
        )
    if a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
        raise ValueError(
            f"matmul: shapes {tuple(a.shape)} and {tuple(b.shape)} do not fit: "
            f"{a.shape[-1]} columns on the left, {b.shape[-2 if b.ndim > 1 else 0]} rows on "
            "the right"
        )
    if a.ndim == 1 and b.ndim == 1:
        return matmul(a.unsqueeze(0), b.unsqueeze(1)).reshape(())
    if a.ndim == 1:
        return matmul(a.unsqueeze(0), b).squeeze(-2)
    if b.ndim == 1:
        return matmul(a, b.unsqueeze(-1)).squeeze(-1)
    error = broadcast_error("matmul (batch dims)", a.shape[:-2], b.shape[:-2])
    if error is not None:
        raise error
    return MatMul.apply(a, b)


def _check_ranks(op, a, b, ranks):
    if (a.ndim, b.ndim) != ranks:
        raise ValueError(
            f"{op}: expected {ranks[0]}-D and {ranks[1]}-D tensors, got shapes "
            f"{tuple(a.shape)} and {tuple(b.shape)}"
        )


def mm(a, b):
    """torch.mm: the product of two matrices (no broadcasting)."""
    _check_ranks("mm", a, b, (2, 2))
    return matmul(a, b)


def bmm(a, b):
    """torch.bmm: products of two batches of matrices, (B, n, k) @ (B, k, m)."""
    _check_ranks("bmm", a, b, (3, 3))
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"bmm: batch sizes differ, shapes {tuple(a.shape)} and {tuple(b.shape)}")
    return matmul(a, b)


@under_autocast("promote")
def dot(a, b):
    """torch.dot: Σ a_i b_i of two 1-D tensors of the same length."""
    _check_ranks("dot", a, b, (1, 1))
    if a.shape != b.shape:
        raise ValueError(f"dot: lengths differ, shapes {tuple(a.shape)} and {tuple(b.shape)}")
    return matmul(a, b)


def outer(a, b):
    """torch.outer: out[i, j] = a_i b_j of two 1-D tensors (a column times a row)."""
    _check_ranks("outer", a, b, (1, 1))
    return a.unsqueeze(1) * b.unsqueeze(0)
