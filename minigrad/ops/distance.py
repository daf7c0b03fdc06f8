"""Distances between points: dist (one p-norm of a difference) and cdist (every pair of rows).

Both are norms of differences, so they reuse `norm`: p=2 is its EuclideanNorm, whose
gradient at a zero difference is 0 (as PyTorch's), not the 0/0 of differentiating √(Σ d²).
"""

from minigrad.autograd import under_autocast
from minigrad.checks import broadcast_error, check_floating
from minigrad.ops.reduce import norm


@under_autocast("fp32")
def dist(input, other, p=2):
    """torch.dist: ‖input − other‖_p over all elements (after broadcasting)."""
    error = broadcast_error("dist", input.shape, other.shape)
    if error is not None:
        raise error
    return norm(input - other, p)


@under_autocast("fp32")
def cdist(x1, x2, p=2.0):
    """torch.cdist: out[..., i, j] = ‖x1[..., i, :] − x2[..., j, :]‖_p for x1 (..., P, M)
    and x2 (..., R, M), batch dims broadcast.

    All P·R·M differences are formed at once ((..., P, 1, M) − (..., 1, R, M)): simple and
    exact, at M times the memory of the result. (PyTorch's p=2 uses ‖a‖² + ‖b‖² − 2a·b for
    large inputs, which is faster but loses digits for close points.)
    """
    for t in (x1, x2):
        check_floating("cdist", t)
    if x1.ndim < 2 or x2.ndim < 2 or x1.shape[-1] != x2.shape[-1]:
        raise ValueError(
            f"cdist: expected x1 (..., P, M) and x2 (..., R, M) with the same M, got shapes "
            f"{tuple(x1.shape)} and {tuple(x2.shape)}"
        )
    error = broadcast_error("cdist (batch dims)", x1.shape[:-2], x2.shape[:-2])
    if error is not None:
        raise error
    if isinstance(p, bool) or not isinstance(p, (int, float)) or p <= 0:
        raise ValueError(f"cdist: p must be a positive number or inf, got {p!r}")
    return norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p, dim=-1)
