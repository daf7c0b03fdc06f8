"""MultivariateNormal(loc μ, and covariance_matrix Σ, precision_matrix Σ⁻¹ or scale_tril L) over
vectors of k numbers, with Σ = L Lᵀ (L the Cholesky factor, lower triangular with a positive
diagonal), which every method uses:

    rsample   μ + L ε, ε ~ N(0, I)
    log_prob  −½ (k ln 2π + ‖L⁻¹(x − μ)‖²) − Σᵢ ln Lᵢᵢ
    entropy   ½ k (1 + ln 2π) + Σᵢ ln Lᵢᵢ
    variance  diag Σ = Σⱼ Lᵢⱼ² (row sums of L²)

From a precision matrix P = Lₚ Lₚᵀ: Σ = P⁻¹ = Lₚ⁻ᵀ Lₚ⁻¹, and L = cholesky(Σ).
"""

import math
from typing import ClassVar

import minigrad as mg
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Distribution, lazy_property
from minigrad.linalg import cholesky, solve_triangular


class MultivariateNormal(Distribution):
    arg_constraints: ClassVar[dict] = {
        "loc": constraints.real_vector,
        "covariance_matrix": constraints.positive_definite,
        "precision_matrix": constraints.positive_definite,
        "scale_tril": constraints.lower_cholesky,
    }
    support = constraints.real_vector
    has_rsample = True

    def __init__(
        self,
        loc,
        covariance_matrix=None,
        precision_matrix=None,
        scale_tril=None,
        validate_args=None,
    ):
        given = {
            "covariance_matrix": covariance_matrix,
            "precision_matrix": precision_matrix,
            "scale_tril": scale_tril,
        }
        given = [(name, matrix) for name, matrix in given.items() if matrix is not None]
        if len(given) != 1:
            raise ValueError(
                "MultivariateNormal: pass exactly one of covariance_matrix, precision_matrix or "
                "scale_tril"
            )
        name, matrix = given[0]
        if not isinstance(loc, mg.Tensor) or not isinstance(matrix, mg.Tensor):
            raise TypeError("MultivariateNormal: loc and the matrix must be tensors")
        if loc.ndim < 1 or matrix.ndim < 2 or matrix.shape[-2:] != (loc.shape[-1],) * 2:
            raise ValueError(
                f"MultivariateNormal: loc (…, k) and a (…, k, k) matrix expected, got shapes "
                f"{tuple(loc.shape)} and {tuple(matrix.shape)}"
            )
        batch_shape = mg.broadcast_shapes(loc.shape[:-1], matrix.shape[:-2])
        k = loc.shape[-1]
        self.loc = loc.expand(*batch_shape, k)
        setattr(self, name, matrix.expand(*batch_shape, k, k))
        super().__init__(batch_shape, (k,), validate_args=validate_args)
        if name == "covariance_matrix":
            self.scale_tril = cholesky(self.covariance_matrix)
        elif name == "precision_matrix":
            inverse_factor = _inverse_lower(cholesky(self.precision_matrix))  # Lₚ⁻¹
            self.scale_tril = cholesky(inverse_factor.transpose(-1, -2) @ inverse_factor)

    @lazy_property
    def precision_matrix(self):
        inverse = _inverse_lower(self.scale_tril)
        return inverse.transpose(-1, -2) @ inverse  # (L Lᵀ)⁻¹ = L⁻ᵀ L⁻¹

    @lazy_property
    def covariance_matrix(self):
        return self.scale_tril @ self.scale_tril.transpose(-1, -2)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return (self.scale_tril**2).sum(-1)

    def _half_log_det(self):
        return self.scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        noise = mg.randn(shape, dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + (self.scale_tril @ noise.unsqueeze(-1)).squeeze(-1)

    def log_prob(self, value):
        self._validate_sample(value)
        k = self._event_shape[0]
        whitened = solve_triangular(
            self.scale_tril, (value - self.loc).unsqueeze(-1), upper=False
        ).squeeze(-1)
        return -0.5 * (k * math.log(2 * math.pi) + (whitened**2).sum(-1)) - self._half_log_det()

    def entropy(self):
        k = self._event_shape[0]
        return 0.5 * k * (1 + math.log(2 * math.pi)) + self._half_log_det()


def _inverse_lower(lower):
    k = lower.shape[-1]
    return solve_triangular(lower, mg.eye(k, dtype=lower.dtype, device=lower.device), upper=False)
