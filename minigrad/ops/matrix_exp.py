"""The matrix exponential exp(A) = Σₖ Aᵏ/k!, batched, and its gradient.

Forward: scaling and squaring with a Padé approximant (Moler and Van Loan 2003, method 3):
exp(A) = exp(A/2ˢ)^(2ˢ), with s chosen so that ‖A/2ˢ‖₁ ≤ ½; there the [6/6] Padé
approximant N(X)/D(X), N(X) = Σ cₖ Xᵏ and D(X) = N(−X), is exact to about 1e-16 relative,
and s squarings undo the scaling. One s serves the whole batch (the largest needed): more
squarings than a smaller matrix needs cost a little rounding, not correctness.

Backward, by the block-matrix identity (Najfeld and Havel 1995): for a loss L with
G = dL/d(exp A),

    exp([[Aᵀ, G], [0, Aᵀ]]) = [[exp(Aᵀ), dA], [0, exp(Aᵀ)]]

so dA is the top-right block of the exponential of a matrix twice the size: the same
forward routine gives the exact gradient, with no eigendecomposition (which would need
distinct eigenvalues).
"""

import math

from minigrad.autograd import Function
from minigrad.backend import array_module
from minigrad.ops.linalg import check_matrices, transposed

PADE_DEGREE = 6


def _pade_coefficients(q):
    """c₀ = 1, cₖ = cₖ₋₁ (q − k + 1) / (k (2q − k + 1)): the [q/q] Padé numerator of eˣ."""
    coefficients = [1.0]
    for k in range(1, q + 1):
        coefficients.append(coefficients[-1] * (q - k + 1) / (k * (2 * q - k + 1)))
    return coefficients


def exp_of_matrices(a):
    """exp of each matrix of a (..., n, n), by scaling and squaring with Padé [6/6]."""
    xp = array_module(a)
    # ‖A‖₁, the largest column sum (on the GPU, one wait for the device, to choose s)
    one_norm = float(xp.abs(a).sum(axis=-2).max()) if a.size else 0.0
    finite_and_large = math.isfinite(one_norm) and one_norm > 0.5  # inf/nan: let them show
    squarings = math.ceil(math.log2(one_norm / 0.5)) if finite_and_large else 0
    x = a / a.dtype.type(2.0**squarings)
    identity = xp.eye(a.shape[-1], dtype=a.dtype)
    power, even, odd = identity, 0, 0  # N = even + odd, D = even − odd
    for k, c in enumerate(_pade_coefficients(PADE_DEGREE)):
        if k:
            power = power @ x
        if k % 2:
            odd = odd + c * power
        else:
            even = even + c * power
    result = xp.linalg.solve(even - odd, even + odd)
    for _ in range(squarings):
        result = result @ result
    return result.astype(a.dtype, copy=False)


class MatrixExp(Function):
    """exp(A);  dA = the top-right block of exp([[Aᵀ, G], [0, Aᵀ]]) (see the module doc)."""

    def forward(self, a):
        self.a = a
        return exp_of_matrices(a)

    def backward(self, g):
        xp, n = array_module(g), self.a.shape[-1]
        a_t = transposed(self.a)
        block = xp.zeros(g.shape[:-2] + (2 * n, 2 * n), dtype=g.dtype)
        block[..., :n, :n] = a_t
        block[..., n:, n:] = a_t
        block[..., :n, n:] = g
        return exp_of_matrices(block)[..., :n, n:]


def matrix_exp(A):
    """torch.linalg.matrix_exp: the matrix exponential of each square matrix of A."""
    check_matrices("matrix_exp", A)
    return MatrixExp.apply(A)
