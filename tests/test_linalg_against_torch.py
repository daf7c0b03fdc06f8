"""mg.linalg against torch.linalg's results on the same inputs (tests/fixtures/torch_linalg.npz,
made by tests/fixtures/make_torch_fixtures_linalg.py): values, shapes and dtypes, single and
batched, float32 and float64.

Eigenvectors, singular vectors and QR's factors are unique only up to the sign of each
vector: those are compared after turning each column of ours to point the way torch's does.
The columns beyond min(m, n) of a complete Q or U (rows of Vh) are any orthonormal
completion: those are checked for being orthonormal, not against torch's.
"""

import numpy as np
import pytest

import minigrad as mg
from tests.torch_fixtures import load_torch_cases, replayed_arguments

CASES = load_torch_cases("torch_linalg.npz", "")
TOLERANCE = {np.dtype(np.float32): (2e-4, 2e-5), np.dtype(np.float64): (1e-9, 1e-11)}
# per function, the outputs whose columns (or rows) may differ in sign: (layout, orthonormal)
SIGNED = {"eigh": {1: ("columns", True)}, "svd": {0: ("columns", True), 2: ("rows", True)},
          "qr": {0: ("columns", True), 1: ("rows", False)}}


def _replay(case):
    config = case["config"]
    args, kwargs = replayed_arguments(case)
    if config["function"] in ("matrix_norm", "norm") and isinstance(kwargs.get("dim"), list):
        kwargs["dim"] = tuple(kwargs["dim"])
    return getattr(mg.linalg, config["function"])(*args, **kwargs)


def _compare_vectors(ours, theirs, layout, orthonormal, k, tolerance):
    """The leading k = min(m, n) columns (or rows) equal up to sign; a square matrix of
    orthonormal vectors checked for being one."""
    if layout == "rows":
        ours, theirs = ours.swapaxes(-1, -2), theirs.swapaxes(-1, -2)
    m, n = ours.shape[-2:]
    if orthonormal and m == n:  # a complete Q, U or V: any completion must still be orthonormal
        gram = ours.swapaxes(-1, -2) @ ours
        np.testing.assert_allclose(gram, np.broadcast_to(np.eye(n), gram.shape), atol=tolerance[1])
    ours, theirs = ours[..., :k], theirs[..., :k]
    agreement = np.sum(ours * theirs, axis=-2, keepdims=True)
    np.testing.assert_allclose(ours * np.where(agreement < 0, -1, 1), theirs, *tolerance)


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_result_as_torch(name):
    case = CASES[name]
    out = _replay(case)
    outs = out if isinstance(out, tuple) else (out,)
    assert f"out{len(outs)}" not in case, "minigrad returned fewer results than torch"
    rtol, atol = TOLERANCE[case["input0"].dtype]
    matrix = case["input0"].shape[-2:]
    signed = SIGNED.get(case["config"]["function"], {})
    for k, (got, want) in enumerate(zip(outs, (case[f"out{k}"] for k in range(len(outs))))):
        assert got.dtype == want.dtype, f"{name} out{k}: dtype {got.dtype}, torch {want.dtype}"
        assert got.shape == want.shape, f"{name} out{k}: shape {got.shape}, torch {want.shape}"
        tolerance = (rtol, atol * 10 ** (want.ndim > 1))
        if k in signed and want.size:
            _compare_vectors(got.numpy(), want, *signed[k], min(matrix), tolerance)
        else:
            np.testing.assert_allclose(got.numpy(), want, *tolerance)
