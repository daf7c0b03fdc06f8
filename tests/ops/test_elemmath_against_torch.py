"""The elementwise math and order statistics against PyTorch's own results, saved by
tests/fixtures/make_torch_fixtures_elemmath.py: values (with inf, NaN, signed zeros and
integer inputs), result dtypes, chosen indices, and gradients."""

import numpy as np
import pytest

import minigrad as mg
from tests.torch_fixtures import load_torch_cases

CASES = load_torch_cases("torch_elemmath.npz", "")
GRAD_CASES = [name for name, case in CASES.items() if case["config"]["grad"]]
# float32 results may differ from PyTorch's in the last bits (different libm, and PyTorch's
# float32 logaddexp2(-1, -1) is -1e-8, not 0)
TOLERANCE = {np.dtype(np.float32): (2e-6, 1e-7), np.dtype(np.float64): (1e-12, 1e-300)}


def _run(case, requires_grad=False):
    config = case["config"]
    count = sum(key.startswith("in") for key in case)
    inputs = [
        mg.tensor(case[f"in{i}"], requires_grad=requires_grad and case[f"in{i}"].dtype.kind == "f")
        for i in range(count)
    ]
    out = getattr(mg, config["op"])(*inputs, **config["kwargs"])
    return inputs, list(out) if isinstance(out, tuple) else [out]


@pytest.mark.parametrize("name", CASES)
def test_values_and_dtypes_match_torch(name):
    case = CASES[name]
    _, outs = _run(case)
    for j, ours in enumerate(outs):
        expected = case[f"out{j}"]
        assert ours.dtype == expected.dtype, f"out{j}: {ours.dtype} vs torch's {expected.dtype}"
        assert ours.shape == expected.shape
        if expected.dtype.kind == "f":
            rtol, atol = TOLERANCE[expected.dtype]
            np.testing.assert_allclose(ours.numpy(), expected, rtol=rtol, atol=atol,
                                       equal_nan=True)
        else:
            np.testing.assert_array_equal(ours.numpy(), expected)


@pytest.mark.parametrize("name", GRAD_CASES)
def test_gradients_match_torch(name):
    case = CASES[name]
    inputs, outs = _run(case, requires_grad=True)
    loss = sum((out * mg.tensor(case[f"w{j}"])).sum() for j, out in enumerate(outs)
               if f"w{j}" in case)
    loss.backward()
    for i, t in enumerate(inputs):
        if t.requires_grad:
            np.testing.assert_allclose(t.grad.numpy(), case[f"grad{i}"], rtol=1e-10, atol=1e-12)
