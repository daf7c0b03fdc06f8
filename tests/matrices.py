"""Hypothesis strategies for the linear-algebra tests: small, well-conditioned matrices.

Finite differences of a matrix function are only meaningful where it is smooth: away from
singular matrices (inv, solve, det), from matrices that are not positive-definite
(cholesky), and from repeated eigenvalues or singular values (eigh, svd), where eigenvectors
turn abruptly. Each strategy builds its matrices to stay clear of those by a margin, rather
than filtering random ones.
"""

import numpy as np
from hypothesis import strategies as st

from tests.strategies import floats

BATCHES = st.sampled_from([(), (2,)])
SIDES = st.integers(1, 3)


@st.composite
def perturbations(draw, rows, cols, batch=None, scale=0.3):
    """(batch..., rows, cols) float64 values in [-scale, scale]."""
    batch = draw(BATCHES) if batch is None else batch
    return draw(floats(batch + (rows, cols), -scale, scale))


def spread_diagonal(rows, cols):
    """A rows×cols matrix with 2, 4, 6, ... on its diagonal. Adding X with |x| ≤ 0.3 moves
    each singular value (and, for symmetric X, each eigenvalue) by at most ‖X‖₂ ≤ 0.9 for
    3×3 (Weyl), so they stay ≥ 1.1 and at least 0.2 apart."""
    k = min(rows, cols)
    out = np.zeros((rows, cols))
    out[np.arange(k), np.arange(k)] = 2.0 * np.arange(1, k + 1)
    return out


@st.composite
def invertible(draw, batch=None):
    """Square matrices X + (n + 1)·I with |x| ≤ 1: each diagonal entry beats its row's
    off-diagonal sum by at least 1, so they are invertible and far from singular."""
    n = draw(SIDES)
    return draw(perturbations(n, n, batch, scale=1.0)) + (n + 1) * np.eye(n)


@st.composite
def separated(draw, rows=None, cols=None, batch=None):
    """X with |x| ≤ 0.3: the test adds spread_diagonal (and symmetrizes for eigh) inside
    the function it differentiates, so finite differences move X only."""
    rows = draw(SIDES) if rows is None else rows
    cols = draw(SIDES) if cols is None else cols
    return draw(perturbations(rows, cols, batch))
