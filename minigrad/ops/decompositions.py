"""Matrix decompositions: cholesky, qr, eigh, svd (and eigvalsh, svdvals), batched over
leading dims. The library (numpy.linalg / cupy.linalg) factorizes; the backward of each is
the adjoint formula in its docstring, with G_X = d(loss)/dX and Aᵀ the matrix transpose.

Eigenvectors and singular vectors are defined up to sign (and, for repeated values, up to
any rotation within their space). The gradients below are those of losses that do not depend
on that choice (|v|², V diag(.) Vᵀ, ...); they divide by differences of eigenvalues or of
squared singular values, so they are finite only when those are distinct, as in PyTorch.
"""

from collections import namedtuple

from minigrad.autograd import Function
from minigrad.backend import array_module
from minigrad.ops.linalg import (
    check_matrices,
    library_call,
    pack,
    transposed,
    unpack,
)

QRResult = namedtuple("QRResult", ["Q", "R"])
EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])


def _diagonal_matrices(xp, v):
    """Square matrices with the last dim of v on their diagonals."""
    return v[..., :, None] * xp.eye(v.shape[-1], dtype=v.dtype)


class Cholesky(Function):
    """L lower-triangular with A = LLᵀ (A symmetric positive-definite; only its lower triangle
    is read). Murray (2016), for Φ(X) the lower triangle of X with its diagonal halved:

        dA = ½ L⁻ᵀ (Φ(LᵀG) + Φ(LᵀG)ᵀ) L⁻¹

    a symmetric matrix: the gradient for a symmetric change of A, as in PyTorch.
    """

    def forward(self, a):
        self.lower = library_call("cholesky", array_module(a).linalg.cholesky, a)
        return self.lower

    def backward(self, g):
        xp = array_module(g)
        phi = xp.tril(transposed(self.lower) @ g)
        phi = 0.5 * (phi + transposed(xp.tril(phi, -1)))  # Φ + Φᵀ, halved
        lower_inverse = xp.linalg.inv(self.lower)
        return transposed(lower_inverse) @ phi @ lower_inverse


class QR(Function):
    """A = QR with Q's columns orthonormal and R upper-triangular, packed (Q, R).

    For m ≥ n (Walter and Lehmann 2018; Liao et al. 2019), with copyltu(M) the symmetric
    matrix whose lower triangle is M's:

        M = R G_Rᵀ − G_Qᵀ Q,    dA = (G_Q + Q copyltu(M)) R⁻ᵀ

    For m < n, A = [X | Y] with X square: X = QR₁ and Y = QR₂, so R₂ = QᵀY. The square
    formula gives dX with G_Q + Y G_R₂ᵀ in place of G_Q, and dY = Q G_R₂.

    No gradient for mode='r' (Q was not kept) or for mode='complete' with m > n (Q's extra
    columns are any orthonormal completion), as in PyTorch.
    """

    def forward(self, a, mode):
        self.mode = mode
        q, r = library_call("qr", array_module(a).linalg.qr, a,
                            mode="complete" if mode == "complete" else "reduced")
        self.q, self.r = q, r
        return pack(array_module(a), q, r, batch=a.shape[:-2])

    def backward(self, g):
        m, n = self.q.shape[-2], self.r.shape[-1]
        if self.mode == "r":
            raise RuntimeError(
                "qr: no gradient with mode='r' (Q was not computed); use mode='reduced'"
            )
        if self.mode == "complete" and m > n:
            raise RuntimeError(
                f"qr: no gradient with mode='complete' for {m}×{n} matrices (more rows than "
                "columns: Q is not unique); use mode='reduced'"
            )
        g_q, g_r = unpack(g, [self.q.shape[-2:], self.r.shape[-2:]])
        if m >= n:
            return self._square_or_tall(self.q, self.r, g_q, g_r)
        y = self.q @ self.r[..., m:]  # Y itself, rebuilt from R₂ = QᵀY
        dx = self._square_or_tall(self.q, self.r[..., :m], g_q + y @ transposed(g_r[..., m:]),
                                  g_r[..., :m])
        return array_module(g).concatenate([dx, self.q @ g_r[..., m:]], axis=-1)

    @staticmethod
    def _square_or_tall(q, r, g_q, g_r):
        xp = array_module(q)
        inner = r @ transposed(g_r) - transposed(g_q) @ q  # M of the docstring
        copyltu = xp.tril(inner) + transposed(xp.tril(inner, -1))
        # (…) R⁻ᵀ = (R⁻¹ (…)ᵀ)ᵀ: a solve instead of an inverse
        return transposed(xp.linalg.solve(r, transposed(g_q + q @ copyltu)))


class Eigh(Function):
    """A = V diag(λ) Vᵀ for symmetric A (one triangle read, as UPLO says), λ ascending;
    packed (λ, V). With F_ij = 1/(λ_j − λ_i) off the diagonal and skew(X) = (X − Xᵀ)/2:

        dA = V (diag(G_λ) + F ∘ skew(Vᵀ G_V)) Vᵀ

    symmetric, the gradient for a symmetric change of A. Finite for distinct eigenvalues.
    """

    def forward(self, a, uplo):
        xp = array_module(a)
        self.values, self.vectors = library_call("eigh", xp.linalg.eigh, a, UPLO=uplo)
        return pack(xp, self.values, self.vectors, batch=a.shape[:-2])

    def backward(self, g):
        xp, values, vectors = array_module(g), self.values, self.vectors
        n = values.shape[-1]
        g_values, g_vectors = unpack(g, [(n,), (n, n)])
        projected = transposed(vectors) @ g_vectors
        gaps = values[..., None, :] - values[..., :, None]  # λ_j − λ_i
        gaps = gaps + xp.eye(n, dtype=gaps.dtype)  # the diagonal of skew(.) is 0: any divisor
        inner = 0.5 * (projected - transposed(projected)) / gaps
        inner = inner + _diagonal_matrices(xp, g_values)
        return vectors @ inner @ transposed(vectors)


class EigvalsH(Function):
    """λ of symmetric A (ascending);  dA = V diag(G_λ) Vᵀ (dλ_i = v_iᵀ dA v_i)."""

    def forward(self, a, uplo):
        values, self.vectors = library_call("eigvalsh", array_module(a).linalg.eigh, a,
                                            UPLO=uplo)
        return values

    def backward(self, g):
        return (self.vectors * g[..., None, :]) @ transposed(self.vectors)


class SVD(Function):
    """A = U diag(S) Vh, S descending, k = min(m, n); packed (U, S, Vh).

    With V = Vhᵀ, skew(X) = X − Xᵀ and F_ij = 1/(S_j² − S_i²) off the diagonal (Townsend 2016):

        inner = F ∘ skew(Uᵀ G_U) S + S F ∘ skew(Vᵀ G_V) + diag(G_S)
        dA = U inner Vh + (I − UUᵀ) G_U S⁻¹ Vh + U S⁻¹ G_Vᵀ (I − VVᵀ)

    (the last two terms matter only for non-square A: with m > n, U misses part of the
    column space, with m < n, V of the row space). Finite for distinct, non-zero singular
    values. No gradient with full_matrices=True for non-square A (the extra columns of U or
    rows of Vh are any orthonormal completion): PyTorch drops them, we ask for
    full_matrices=False.
    """

    def forward(self, a, full_matrices):
        xp = array_module(a)
        self.full_matrices = full_matrices
        self.u, self.s, self.vh = library_call("svd", xp.linalg.svd, a,
                                               full_matrices=full_matrices)
        return pack(xp, self.u, self.s, self.vh, batch=a.shape[:-2])

    def backward(self, g):
        xp, u, s, vh = array_module(g), self.u, self.s, self.vh
        (m, k), n = u.shape[-2:], vh.shape[-1]
        g_u, g_s, g_vh = unpack(g, [u.shape[-2:], s.shape[-1:], vh.shape[-2:]])
        if self.full_matrices and m != n:
            raise RuntimeError(
                f"svd: no gradient with full_matrices=True for {m}×{n} matrices (U or Vh has "
                "columns that are any orthonormal completion); use full_matrices=False"
            )
        v, g_v = transposed(vh), transposed(g_vh)
        u_g_u, v_g_v = transposed(u) @ g_u, vh @ g_v
        squares = s * s
        gaps = squares[..., None, :] - squares[..., :, None] + xp.eye(k, dtype=s.dtype)
        inner = ((u_g_u - transposed(u_g_u)) * s[..., None, :]
                 + s[..., :, None] * (v_g_v - transposed(v_g_v))) / gaps
        inner = inner + _diagonal_matrices(xp, g_s)
        if m > n:
            g_u_over_s = g_u / s[..., None, :]
            return (u @ inner + g_u_over_s - u @ (transposed(u) @ g_u_over_s)) @ vh
        if m < n:
            g_vh_over_s = g_vh / s[..., :, None]
            return u @ (inner @ vh + g_vh_over_s - (g_vh_over_s @ v) @ vh)
        return u @ inner @ vh


class SvdVals(Function):
    """S of A;  dA = U diag(G_S) Vh (dS_i = u_iᵀ dA v_i), finite even for repeated S."""

    def forward(self, a):
        self.u, s, self.vh = library_call("svdvals", array_module(a).linalg.svd, a,
                                          full_matrices=False)
        return s

    def backward(self, g):
        return (self.u * g[..., None, :]) @ self.vh


def cholesky(A, upper=False):
    """torch.linalg.cholesky: L with A = LLᵀ (upper=True: U = Lᵀ with A = UᵀU) for symmetric
    positive-definite A (..., n, n); LinAlgError if it is not positive-definite."""
    check_matrices("cholesky", A)
    lower = Cholesky.apply(A)
    return lower.mT if upper else lower


def qr(A, mode="reduced"):
    """torch.linalg.qr: (Q, R) with A = QR. mode 'reduced': Q (m, k), R (k, n), k = min(m, n);
    'complete': Q (m, m), R (m, n); 'r': R only, Q an empty tensor."""
    check_matrices("qr", A, square=False)
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")
    m, n = A.shape[-2:]
    k = m if mode == "complete" else min(m, n)
    q, r = unpack(QR.apply(A, mode=mode), [(m, k), (k, n)])
    if mode == "r":
        q = A.new_zeros(0)
    return QRResult(q, r)


def _check_uplo(op, uplo):
    if uplo not in ("L", "U"):
        raise ValueError(f"{op}: UPLO must be 'L' or 'U', got {uplo!r}")


def eigh(A, UPLO="L"):
    """torch.linalg.eigh: (eigenvalues ascending, eigenvectors as columns) of symmetric A,
    read from its lower (UPLO='L') or upper ('U') triangle."""
    check_matrices("eigh", A)
    _check_uplo("eigh", UPLO)
    n = A.shape[-1]
    return EighResult(*unpack(Eigh.apply(A, uplo=UPLO), [(n,), (n, n)]))


def eigvalsh(A, UPLO="L"):
    """torch.linalg.eigvalsh: the eigenvalues of symmetric A, ascending."""
    check_matrices("eigvalsh", A)
    _check_uplo("eigvalsh", UPLO)
    return EigvalsH.apply(A, uplo=UPLO)


def svd(A, full_matrices=True):
    """torch.linalg.svd: (U, S, Vh) with A = U diag(S) Vh, S descending."""
    check_matrices("svd", A, square=False)
    m, n = A.shape[-2:]
    k = min(m, n)
    shapes = [(m, m if full_matrices else k), (k,), (n if full_matrices else k, n)]
    return SVDResult(*unpack(SVD.apply(A, full_matrices=bool(full_matrices)), shapes))


def svdvals(A):
    """torch.linalg.svdvals: the singular values of A, descending."""
    check_matrices("svdvals", A, square=False)
    return SvdVals.apply(A)
