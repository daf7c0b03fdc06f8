"""mg.linalg: PyTorch's torch.linalg, differentiable and batched over leading dims.

The primitives, with their adjoint formulas, live in ops/linalg.py (det, slogdet, inv,
solve), ops/decompositions.py (cholesky, qr, eigh, svd, ...) and ops/matrix_exp.py.
Everything in this file is composed from those and from matmul, reductions and movement ops,
so its gradient follows:

    pinv        V diag(1/S) Uᵀ from svd, small S dropped
    lstsq       from qr and a triangular solve (full rank)
    solve_triangular, cond   from triu/tril and solve; from svdvals, or norms and inv
    matrix_power  repeated squaring; negative powers of the inverse
    matrix_norm   sums and maxima of |A| (1, inf), singular values (2, nuc), vector_norm (fro)

Errors: a non-square matrix where a square one is needed, or a tensor that is not float32 or
float64, raise our ValueError / TypeError; a singular matrix in inv or solve, a matrix
that is not positive-definite in cholesky, and an SVD or eigh that does not converge raise
`LinAlgError` (a ValueError) naming the op and the shape.
"""

import math
from collections import namedtuple

import numpy as np

from minigrad.checks import normalize_dim, normalize_dims
from minigrad.creation import eye
from minigrad.ops.decompositions import (  # noqa: F401
    cholesky,
    eigh,
    eigvalsh,
    qr,
    svd,
    svdvals,
)
from minigrad.ops.diagonal import diagonal as _diagonal
from minigrad.ops.linalg import LinAlgError, check_matrices, det, inv, slogdet, solve  # noqa: F401
from minigrad.ops.matmul import matmul
from minigrad.ops.matrix_exp import matrix_exp  # noqa: F401
from minigrad.ops.products import cross as _cross
from minigrad.ops.rearrange import tril, triu
from minigrad.ops.reduce import amax, amin, sum, vector_norm

LstsqResult = namedtuple("LstsqResult", ["solution", "residuals", "rank", "singular_values"])


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False):
    """torch.linalg.matrix_norm over the two dims in `dim`:
    'fro' √(Σ a²), 'nuc' Σ S, 2 / -2 the largest / smallest singular value,
    1 / -1 the largest / smallest column sum of |A|, inf / -inf the same for row sums."""
    if A.dtype not in (np.float32, np.float64):
        raise TypeError(f"matrix_norm: expected a float32 or float64 tensor, got dtype {A.dtype}")
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise ValueError(f"matrix_norm: dim must be a pair of dims, got {dim!r}")
    rows, cols = (normalize_dim("matrix_norm", d, A.ndim, A.shape) for d in dim)
    if rows == cols:
        raise ValueError(f"matrix_norm: dim {tuple(dim)} names the same dimension twice")
    if ord == "fro":
        return vector_norm(A, 2, (rows, cols), keepdim)
    if ord in (1, -1, math.inf, -math.inf):
        summed, over = (rows, cols) if ord in (1, -1) else (cols, rows)
        pick = amax if ord > 0 else amin
        out = pick(sum(A.abs(), summed, keepdim=True), over, keepdim=True)
        return out if keepdim else out.squeeze((rows, cols))
    if ord in ("nuc", 2, -2):
        values = svdvals(A.movedim((rows, cols), (-2, -1)))
        out = {"nuc": sum, 2: amax, -2: amin}[ord](values, -1)
        return out.unsqueeze(min(rows, cols)).unsqueeze(max(rows, cols)) if keepdim else out
    raise ValueError(f"matrix_norm: ord must be 'fro', 'nuc', ±1, ±2 or ±inf, got {ord!r}")


def norm(A, ord=None, dim=None, keepdim=False):
    """torch.linalg.norm: a vector norm over one dim (or all, when dim and ord are None), a
    matrix norm over two dims; with dim=None and an ord, A must be 1-D or 2-D."""
    if dim is None and ord is not None:
        if A.ndim not in (1, 2):
            raise ValueError(
                f"norm: with ord={ord!r} and dim=None the input must be 1-D or 2-D, got shape "
                f"{tuple(A.shape)}"
            )
        dim = tuple(range(A.ndim))
    if dim is not None and len(normalize_dims("norm", dim, A.ndim, A.shape)) == 2:
        return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """torch.linalg.solve_triangular: X with TX = B (left=True) or XT = B, T the upper or
    lower triangle of A (with 1s on the diagonal if unitriangular); the other entries of A
    are not read. B is a matrix (..., n, k). Composed from triu/tril and solve, so the
    gradient reaches only T's entries of A (numpy has no triangular solver: the general
    one does the same work in O(n³) rather than O(n²))."""
    check_matrices("solve_triangular", A)
    if B.ndim < 2:
        raise ValueError(
            f"solve_triangular: B must be a matrix (at least 2 dims), got shape {tuple(B.shape)}"
        )
    diagonal_offset = 1 if unitriangular else 0
    triangle = triu(A, diagonal_offset) if upper else tril(A, -diagonal_offset)
    if unitriangular:
        triangle = triangle + eye(A.shape[-1], dtype=A.dtype, device=A.device)
    return solve(triangle, B, left=left)


def cond(A, p=None):
    """torch.linalg.cond: ‖A‖_p ‖A⁻¹‖_p. For p = None or 2 it is S_max / S_min (−2: the
    inverse), from the singular values, for any m×n A; for 'fro', 'nuc', ±1 and ±inf, A must
    be square and invertible (PyTorch returns inf for a singular A; we raise LinAlgError,
    from inv)."""
    check_matrices("cond", A, square=p in ("fro", "nuc", 1, -1, math.inf, -math.inf))
    if p in (None, 2, -2):
        S = svdvals(A)
        largest, smallest = S[..., 0], S[..., -1]
        return smallest / largest if p == -2 else largest / smallest
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


def pinv(A, atol=None, rtol=None, hermitian=False):
    """torch.linalg.pinv: the Moore–Penrose pseudo-inverse V diag(1/S) Uᵀ, with singular
    values S ≤ max(atol, rtol · S_max) counted as 0 (default rtol: eps · max(m, n) when atol
    is not given either). Composed from svd, so its gradient needs distinct non-zero singular
    values. `hermitian` is accepted and ignored (the general SVD serves symmetric A too)."""
    check_matrices("pinv", A, square=False)
    U, S, Vh = svd(A, full_matrices=False)
    kept = S > _tolerance(A, S, atol, rtol)
    inverse_s = (1 / S.where(kept, 1.0)).where(kept, 0.0)  # no 1/0 even off the kept path
    return matmul(Vh.mT * inverse_s.unsqueeze(-2), U.mT)


def _tolerance(A, S, atol, rtol):
    """max(atol, rtol · S_max) per matrix, shaped to compare with S (..., k)."""
    if rtol is None:
        rtol = np.finfo(A.dtype).eps * max(A.shape[-2:]) if atol in (None, 0) else 0.0
    largest = S.detach().amax(-1, keepdim=True) if S.shape[-1] else S.detach()
    return (largest * rtol).clamp(min=0.0 if atol is None else float(atol))


def matrix_rank(A, atol=None, rtol=None, hermitian=False):
    """torch.linalg.matrix_rank: how many singular values exceed max(atol, rtol · S_max)
    (an int64 tensor, no gradient); tolerances and `hermitian` as in pinv."""
    check_matrices("matrix_rank", A, square=False)
    S = svdvals(A.detach())
    return (S > _tolerance(A, S, atol, rtol)).sum(-1)


def lstsq(A, B, rcond=None, driver=None):
    """torch.linalg.lstsq for full-rank A (..., m, n): the X minimizing ‖AX − B‖ (m ≥ n), or
    the smallest X with AX = B (m < n). From A = QR: X = R⁻¹QᵀB; for m < n, from Aᵀ = QR:
    X = Q R⁻ᵀ B. Only `solution` is computed: residuals and singular_values are empty and
    rank is matrix_rank(A), as PyTorch's default CPU driver returns them; rcond and driver
    are accepted and ignored. Rank-deficient A is not supported, unlike PyTorch's: R is then
    (nearly) singular, and the result is LinAlgError or numbers without meaning."""
    check_matrices("lstsq", A, square=False)
    if B.dtype != A.dtype:
        raise TypeError(f"lstsq: A and B must have the same dtype, got {A.dtype} and {B.dtype}")
    vector = B.ndim == A.ndim - 1
    columns = B.unsqueeze(-1) if vector else B
    if columns.ndim < 2 or columns.shape[-2] != A.shape[-2]:
        raise ValueError(
            f"lstsq: B of shape {tuple(B.shape)} does not fit A of shape {tuple(A.shape)}: it "
            f"needs {A.shape[-2]} rows"
        )
    if A.shape[-2] >= A.shape[-1]:
        Q, R = qr(A)
        X = solve(R, matmul(Q.mT, columns))
    else:
        Q, R = qr(A.mT)
        X = matmul(Q, solve(R.mT, columns))
    empty = A.new_zeros(0)
    return LstsqResult(X.squeeze(-1) if vector else X, empty, matrix_rank(A), empty)


def matrix_power(A, n):
    """torch.linalg.matrix_power: A multiplied by itself n times (n = 0: the identity;
    n < 0: powers of inv(A)), by repeated squaring: A¹³ = A⁸ A⁴ A¹."""
    check_matrices("matrix_power", A)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"matrix_power: n must be an int, got {type(n).__name__} {n!r}")
    if n < 0:
        A, n = inv(A), -n
    result = None
    while n:
        if n & 1:
            result = A if result is None else matmul(result, A)
        n >>= 1
        if n:
            A = matmul(A, A)
    if result is None:
        identity = eye(A.shape[-1], dtype=A.dtype, device=A.device)
        return identity.expand(*A.shape)
    return result


def multi_dot(tensors):
    """torch.linalg.multi_dot: the product of a list of matrices; the first may be a row
    vector and the last a column vector (1-D), as in matmul. Multiplied left to right
    (PyTorch picks the cheapest order: the same numbers up to rounding)."""
    if len(tensors) < 2:
        raise ValueError(f"multi_dot: expected at least 2 tensors, got {len(tensors)}")
    for k, t in enumerate(tensors):
        allowed = (1, 2) if k in (0, len(tensors) - 1) else (2,)
        if t.ndim not in allowed:
            raise ValueError(
                f"multi_dot: tensor {k} must be {' or '.join(f'{r}-D' for r in allowed)}, got "
                f"shape {tuple(t.shape)}"
            )
    result = tensors[0]
    for t in tensors[1:]:
        result = matmul(result, t)
    return result


def vecdot(x, y, dim=-1):
    """torch.linalg.vecdot: Σ x·y along dim, after broadcasting."""
    return sum(x * y, dim)


def diagonal(A, offset=0, dim1=-2, dim2=-1):
    """torch.linalg.diagonal: mg.diagonal over the last two dims by default."""
    return _diagonal(A, offset, dim1, dim2)


def cross(input, other, dim=-1):
    """torch.linalg.cross: mg.cross along the last dim by default."""
    return _cross(input, other, dim)

