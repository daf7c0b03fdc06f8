"""Every family's log_prob, cdf, icdf, entropy and moments, and kl_divergence for every
registered pair, against the values PyTorch computed for the same float64 parameters
(tests/fixtures/make_torch_fixtures_distributions.py)."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import distributions as D
from tests.distributions.helpers import build
from tests.torch_fixtures import load_torch_cases

FIXTURES = "torch_distributions.npz"
CASES = {
    name: case for name, case in load_torch_cases(FIXTURES, "").items()
    if not name.startswith(("kl_", "special_"))
}
KL_CASES = load_torch_cases(FIXTURES, "kl_")


def _result(dist, method, case):
    if method in ("log_prob", "cdf"):
        return getattr(dist, method)(mg.tensor(case["value"]))
    if method == "icdf":
        return dist.icdf(mg.tensor(case["prob"]))
    if method == "entropy":
        return dist.entropy()
    return getattr(dist, method)


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_match_torch(name):
    case = CASES[name]
    dist = build(case["config"], case)
    methods = case["config"].get("methods", ["log_prob", "entropy"])
    for method in methods:
        got = _result(dist, method, case)
        assert got.dtype == case[method].dtype, (name, method)
        np.testing.assert_allclose(got.numpy(), case[method], rtol=1e-10, atol=1e-12,
                                   err_msg=f"{name}.{method}")


@pytest.mark.parametrize("name", sorted(KL_CASES))
def test_kl_divergence_matches_torch(name):
    case = KL_CASES[name]
    p = build(case["config"]["p"], case, "p_")
    q = build(case["config"]["q"], case, "q_")
    np.testing.assert_allclose(D.kl_divergence(p, q).numpy(), case["kl"], rtol=1e-10, atol=1e-12)
