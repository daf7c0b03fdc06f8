"""The two pieces of linear algebra MultivariateNormal needs, as differentiable ops on stacks of
matrices (…, n, n): the Cholesky factor L of a symmetric positive-definite A (A = L Lᵀ, L lower
triangular with a positive diagonal) and the solution X of L X = B for a lower-triangular L.

They live here, small and private to the distributions, until minigrad has a `linalg` package
of its own; they call the array module's `linalg` (numpy or CuPy). numpy has no triangular
solver, so `linalg.solve` (an LU solve) stands in: for MultivariateNormal's few-by-few
matrices the cost does not matter.
"""

import numpy as np

from minigrad.autograd import Function
from minigrad.backend import array_module
from minigrad.ops.stacking import broadcast_shapes


def _transposed(a):
    return a.swapaxes(-1, -2)


def _solve(xp, a, b):
    return xp.linalg.solve(a, b)


class Cholesky(Function):
    """L = cholesky(A), reading A's lower triangle.

    Backward (Murray 2016, as in PyTorch): with P = tril(Lᵀ Ḡ) and S = ½(P + tril(P, −1)ᵀ),
    the symmetric gradient is Ā = L⁻ᵀ S L⁻¹ (two triangular solves)."""

    def forward(self, a):
        xp = array_module(a)
        try:
            self.out = xp.linalg.cholesky(a)
        except np.linalg.LinAlgError as error:  # numpy's; CuPy returns nan instead of raising
            raise ValueError(
                f"cholesky: the matrix of shape {tuple(a.shape)} is not positive-definite"
            ) from error
        return self.out

    def backward(self, g):
        xp = array_module(g)
        lower = self.out
        p = xp.tril(_transposed(lower) @ g)
        s = 0.5 * (p + _transposed(xp.tril(p, -1)))
        left = _solve(xp, _transposed(lower), s)  # L⁻ᵀ S
        return _transposed(_solve(xp, _transposed(lower), _transposed(left)))  # (L⁻ᵀ (L⁻ᵀ S)ᵀ)ᵀ


class SolveLower(Function):
    """X = L⁻¹ B for lower-triangular L (…, n, n) and B (…, n, m) with the same leading dims.

    Backward: B̄ = L⁻ᵀ Ḡ and L̄ = −tril(B̄ Xᵀ), the lower triangle only, since the entries
    above the diagonal are not read."""

    def forward(self, lower, b):
        xp = array_module(b)
        self.lower = xp.tril(lower)  # what is above the diagonal is not read, as LAPACK's trtrs
        self.out = _solve(xp, self.lower, b)
        return self.out

    def backward(self, g):
        xp = array_module(g)
        grad_b = _solve(xp, _transposed(self.lower), g)
        grad_lower = -xp.tril(grad_b @ _transposed(self.out)) if self.needs_input_grad[0] else None
        return grad_lower, grad_b


def cholesky(a):
    return Cholesky.apply(a)


def solve_lower(lower, b):
    """L⁻¹ b, with L and b broadcast against each other over their leading dims."""
    batch = broadcast_shapes(lower.shape[:-2], b.shape[:-2])
    return SolveLower.apply(
        lower.expand(*batch, *lower.shape[-2:]), b.expand(*batch, *b.shape[-2:])
    )
