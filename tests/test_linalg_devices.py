"""mg.linalg on 'cuda': on the strict CuPy stand-in (tests/strict_cupy.py) always, and on a
real GPU where there is one (`gpu` tests); values and gradients must equal the CPU's. Each
function runs on a batch of two matrices, through cupy.linalg's batched routines."""

import numpy as np
import pytest

import minigrad as mg
from tests.test_gpu_backend import assert_same_on_both_devices, values_on

rng = np.random.default_rng(3)
SQUARE = (rng.uniform(-1, 1, (2, 3, 3)) + 4 * np.eye(3)).astype(np.float32)
TALL = (rng.uniform(-0.3, 0.3, (2, 4, 3)) + np.eye(4, 3) * [2, 4, 6]).astype(np.float32)
WIDE = TALL.swapaxes(-1, -2).copy()
linalg = mg.linalg


def _spd(a):
    return a @ a.mT + 3 * mg.eye(3, device=a.device)


def _symmetric(a):
    return a + a.mT


def _qr_invariants(a):
    """Q's columns scaled by R's diagonal, and R², which do not depend on the signs the
    library chose (cuSOLVER's may differ from LAPACK's)."""
    q, r = linalg.qr(a)
    return (q * r.diagonal(dim1=-2, dim2=-1).unsqueeze(-2)) @ (r * r)


def _svd_invariants(a):
    """Products of the factors that do not depend on the singular vectors' signs."""
    u, s, vh = linalg.svd(a, full_matrices=False)
    return u @ vh * s.sum() + (u * u * s.unsqueeze(-2)) @ (vh * vh)


# name: (fn of float32 tensors, its input arrays)
DIFFERENTIABLE = {
    "det_slogdet": (lambda a: linalg.det(a) + linalg.slogdet(a).logabsdet, SQUARE),
    "inv": (linalg.inv, SQUARE),
    "solve": (lambda a, b: linalg.solve(a, b) + linalg.solve(a, b, left=False), SQUARE, SQUARE),
    "cholesky": (lambda a: linalg.cholesky(_spd(a)), SQUARE),
    "qr": (lambda a: _qr_invariants(a), TALL),
    "qr_wide": (lambda a: _qr_invariants(a).mT, WIDE),
    "eigh": (lambda a: linalg.eigh(_symmetric(a)).eigenvectors ** 2
             + linalg.eigvalsh(_symmetric(a), UPLO="U").unsqueeze(-2), SQUARE),
    "svd": (_svd_invariants, TALL),
    "svd_wide": (_svd_invariants, WIDE),
    "pinv_lstsq": (lambda a, b: linalg.pinv(a) @ b + linalg.lstsq(a, b).solution, TALL, TALL),
    "matrix_power": (lambda a: linalg.matrix_power(a, 3) + linalg.matrix_power(a, -2), SQUARE),
    "solve_triangular_cond": (lambda a, b: linalg.solve_triangular(a, b, upper=True)
                              + linalg.cond(a).reshape(2, 1, 1) + linalg.cond(a, 1).reshape(2, 1, 1),
                              SQUARE, SQUARE),
    "matrix_exp": (lambda a: linalg.matrix_exp(a) + linalg.matrix_exp(a / 8), SQUARE),
    "norms": (lambda a: linalg.matrix_norm(a, "nuc") + linalg.matrix_norm(a, 1)
              + linalg.matrix_norm(a, -2) + linalg.vector_norm(a, 3, dim=(1, 2)), TALL),
    "multi_dot_vecdot": (lambda a: linalg.multi_dot([a[0], a[1].mT, a[0]]).sum(0)
                         + linalg.vecdot(a, a, dim=1).sum(0), TALL),
}
NO_GRAD = {
    "matrix_rank": lambda a: linalg.matrix_rank(a).float(),
    "svd_complete_and_qr_r": lambda a: linalg.svd(a).U[..., :3].abs().sum(-2)
    + linalg.qr(a, mode="r").R.abs().sum(-2),
}


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_linalg_on_standin_cuda(standin_gpu, name):
    assert_same_on_both_devices(*DIFFERENTIABLE[name], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", NO_GRAD)
def test_linalg_without_gradient_on_standin_cuda(standin_gpu, name):
    np.testing.assert_allclose(values_on("cuda", NO_GRAD[name], TALL),
                               values_on("cpu", NO_GRAD[name], TALL), rtol=1e-5)


def test_linalg_errors_on_standin_cuda(standin_gpu):
    singular = mg.zeros(2, 2, device="cuda")
    with pytest.raises(mg.linalg.LinAlgError, match="inv: Singular matrix"):
        linalg.inv(singular)


@pytest.mark.gpu
@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_linalg_matches_cpu_on_cuda(name):
    assert_same_on_both_devices(*DIFFERENTIABLE[name], rtol=1e-4, atol=1e-5)


@pytest.mark.gpu
@pytest.mark.parametrize("name", NO_GRAD)
def test_linalg_without_gradient_matches_cpu_on_cuda(name):
    np.testing.assert_allclose(values_on("cuda", NO_GRAD[name], TALL),
                               values_on("cpu", NO_GRAD[name], TALL), rtol=1e-5)
