"""The shape, diagonal, product, distance, stacking, combinatoric, indexing and counting
functions against PyTorch's results on the same inputs (tests/fixtures/torch_shapes.npz, made
by tests/fixtures/make_torch_fixtures_shapes.py): same values, shapes and dtypes."""

import numpy as np
import pytest

import minigrad as mg
from tests.torch_fixtures import load_torch_cases, replayed_arguments

CASES = load_torch_cases("torch_shapes.npz", "")


def _replay(case):
    config = case["config"]
    args, kwargs = replayed_arguments(case)
    if config["method"]:
        return getattr(args[0], config["function"])(*args[1:], **kwargs)
    return getattr(mg, config["function"])(*args, **kwargs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_result_as_torch(name):
    case = CASES[name]
    out = _replay(case)
    outs = out if isinstance(out, tuple) else (out,)
    expected = [case[f"out{k}"] for k in range(len(outs))]
    assert f"out{len(outs)}" not in case, "minigrad returned fewer results than torch"
    for got, want in zip(outs, expected):
        assert got.dtype == want.dtype, f"{name}: dtype {got.dtype}, torch {want.dtype}"
        assert got.shape == want.shape, f"{name}: shape {got.shape}, torch {want.shape}"
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-6, atol=1e-12)
