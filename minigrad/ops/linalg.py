"""Inverting square matrices: det, slogdet, inv, solve, each batched over leading dims.

Writing Aᵀ for the transpose of the last two dims and G for d(loss)/d(output), the adjoints
follow from d(A⁻¹) = −A⁻¹ dA A⁻¹ and Jacobi's d(det A) = det A · tr(A⁻¹ dA):

    det:       dA = g · det A · A⁻ᵀ
    logabsdet: dA = g · A⁻ᵀ                       (log|det A|, the second half of slogdet)
    inv:       dA = −A⁻ᵀ G A⁻ᵀ
    solve:     X = A⁻¹B;  dB = A⁻ᵀ G,  dA = −dB Xᵀ

Each needs A invertible: at a singular A, det's and slogdet's backward raise LinAlgError
(PyTorch's det has a finite gradient there, through an SVD; ours does not).

The library (numpy.linalg on the CPU, cupy.linalg on the GPU) does the factorizing; a failure
it reports (a singular matrix, a matrix that is not positive-definite, an SVD or eigh that
did not converge, as on NaN input) is raised as our `LinAlgError`, naming the op and the
shape. CuPy by default does not check (that would mean waiting for the GPU): there such a
matrix gives inf or nan instead.

Some ops return two tensors that both carry gradients (slogdet here, and qr, eigh, svd in
decompositions.py). A minigrad Function has one output, so their forward packs the results
side by side into one array (`pack`) and the caller slices them apart (`unpack`); slicing's
backward puts each output's gradient back in its place, with zeros for an output not used.
"""

import math
from collections import namedtuple

import numpy as np

from minigrad.autograd import Function
from minigrad.backend import array_module
from minigrad.checks import broadcast_error
from minigrad.ops.movement import expand

SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])


class LinAlgError(ValueError):
    """A matrix the library cannot factorize: singular (inv, solve), not positive-definite
    (cholesky), or one on which the iteration did not converge (svd, eigh). A ValueError,
    like our other bad-input errors (PyTorch's torch.linalg.LinAlgError is a RuntimeError)."""


def check_matrices(op, a, square=True):
    """a must be a float32/float64 tensor of (batches of) matrices, square if `square`."""
    if a.dtype not in (np.float32, np.float64):
        raise TypeError(f"{op}: expected a float32 or float64 tensor, got dtype {a.dtype}")
    if a.ndim < 2:
        raise ValueError(f"{op}: expected a matrix (at least 2 dims), got shape {tuple(a.shape)}")
    if square and a.shape[-1] != a.shape[-2]:
        raise ValueError(
            f"{op}: expected square matrices, got shape {tuple(a.shape)} "
            f"({a.shape[-2]}×{a.shape[-1]})"
        )


def library_call(op, function, a, *args, **kwargs):
    """function(a, ...) from numpy.linalg or cupy.linalg, its LinAlgError raised as ours."""
    try:
        return function(a, *args, **kwargs)
    except np.linalg.LinAlgError as error:
        raise LinAlgError(f"{op}: {error} (input of shape {tuple(a.shape)})") from None


def transposed(a):
    """The transpose of each matrix of a batch (an array view)."""
    return a.swapaxes(-1, -2)


def pack(xp, *outputs, batch):
    """The outputs (each batch + its own shape) flattened after the batch dims and joined."""
    return xp.concatenate([o.reshape(batch + (-1,)) for o in outputs], axis=-1)


def _spans(shapes):
    start = 0
    for shape in shapes:
        stop = start + math.prod(shape)
        yield start, stop, shape
        start = stop


def unpack(packed, shapes):
    """pack's inverse: each output a slice of `packed`, reshaped. On a tensor (the caller
    splitting a Function's result, so gradients flow back through the slices) or on an array
    (backward splitting a packed gradient)."""
    batch = tuple(packed.shape[:-1])
    return [packed[..., i:j].reshape(batch + shape) for i, j, shape in _spans(shapes)]


class Det(Function):
    """det A;  dA = g · det A · A⁻ᵀ."""

    def forward(self, a):
        self.a = a
        self.det = array_module(a).linalg.det(a)
        return self.det

    def backward(self, g):
        inverse = library_call("det (backward)", array_module(g).linalg.inv, self.a)
        return (g * self.det)[..., None, None] * transposed(inverse)


class Slogdet(Function):
    """(sign, log|det A|) packed on a last dim of 2; the sign is piecewise constant, so only
    the log carries a gradient: dA = g · A⁻ᵀ."""

    def forward(self, a):
        self.a = a
        sign, logabsdet = array_module(a).linalg.slogdet(a)
        return pack(array_module(a), sign, logabsdet, batch=a.shape[:-2])

    def backward(self, g):
        inverse = library_call("slogdet (backward)", array_module(g).linalg.inv, self.a)
        return g[..., 1, None, None] * transposed(inverse)


class Inv(Function):
    """A⁻¹;  dA = −A⁻ᵀ G A⁻ᵀ."""

    def forward(self, a):
        self.inverse = library_call("inv", array_module(a).linalg.inv, a)
        return self.inverse

    def backward(self, g):
        inverse_t = transposed(self.inverse)
        return -(inverse_t @ g @ inverse_t)


class Solve(Function):
    """X = A⁻¹B for A (..., n, n) and B (..., n, k) with the same batch dims;
    dB = A⁻ᵀ G, dA = −dB Xᵀ."""

    def forward(self, a, b):
        self.a = a
        self.x = library_call("solve", array_module(a).linalg.solve, a, b)
        return self.x

    def backward(self, g):
        db = array_module(g).linalg.solve(transposed(self.a), g)
        return -(db @ transposed(self.x)), db


def det(A):
    """torch.linalg.det: the determinant of each square matrix of A (..., n, n)."""
    check_matrices("det", A)
    return Det.apply(A)


def slogdet(A):
    """torch.linalg.slogdet: (sign, log|det|) of each square matrix, so that det = sign ·
    exp(logabsdet) without overflow; sign is 0 and logabsdet −inf for a singular matrix."""
    check_matrices("slogdet", A)
    sign, logabsdet = unpack(Slogdet.apply(A), [(), ()])
    return SlogdetResult(sign.detach(), logabsdet)


def inv(A):
    """torch.linalg.inv: the inverse of each square matrix; LinAlgError if one is singular."""
    check_matrices("inv", A)
    return Inv.apply(A)


def solve(A, B, left=True):
    """torch.linalg.solve: X with AX = B (left=True) or XA = B (left=False), A (..., n, n).

    B is a batch of vectors (..., n) when it is 1-D or has A's shape less its last dim, else
    of matrices (..., n, k); batch dims broadcast. XA = B is AᵀXᵀ = Bᵀ."""
    check_matrices("solve", A)
    if B.dtype != A.dtype:
        raise TypeError(f"solve: A and B must have the same dtype, got {A.dtype} and {B.dtype}")
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    if not vector and B.ndim < 2:
        raise ValueError(f"solve: B must be a vector or a matrix, got shape {tuple(B.shape)}")
    shapes = f"A of shape {tuple(A.shape)} and B of shape {tuple(B.shape)}"
    if not left:
        A, B = A.mT, B if vector else B.mT
    columns = B.unsqueeze(-1) if vector else B
    if columns.shape[-2] != A.shape[-1]:
        raise ValueError(
            f"solve: {shapes} do not fit: B needs {A.shape[-1]} "
            f"{'rows' if left or vector else 'columns'} (left={left})"
        )
    error = broadcast_error("solve (batch dims)", A.shape[:-2], columns.shape[:-2])
    if error is not None:
        raise error
    batch = np.broadcast_shapes(A.shape[:-2], columns.shape[:-2])
    X = Solve.apply(expand(A, *batch, *A.shape[-2:]), expand(columns, *batch, *columns.shape[-2:]))
    if vector:
        return X.squeeze(-1)
    return X if left else X.mT
