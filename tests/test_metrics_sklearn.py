"""minigrad.metrics against the values scikit-learn computed for the same arrays.

The arrays and values come from tests/fixtures/make_sklearn_fixtures_metrics.py; this file
never imports scikit-learn.
"""

import json
import warnings

import numpy as np
import pytest

from minigrad import metrics
from tests.torch_fixtures import load_torch_cases

CASES = load_torch_cases("sklearn_metrics.npz", "")


def numbered(case, prefix):
    return [case[f"{prefix}{i}"] for i in range(sum(key.startswith(prefix) for key in case))]


def validating_fold(n_splits, strata):
    fold_of = np.empty(len(strata), int)
    with warnings.catch_warnings():  # some cases have a class smaller than n_splits
        warnings.simplefilter("ignore")
        for fold, (_, validation) in enumerate(
            metrics.StratifiedKFold(n_splits).split(strata, strata)
        ):
            fold_of[validation] = fold
    return fold_of


@pytest.mark.parametrize("name", sorted(CASES))
def test_metric_matches_scikit_learn(name):
    case = CASES[name]
    config, args, expected = case["config"], numbered(case, "arg"), numbered(case, "out")
    if config["function"] == "StratifiedKFold":
        np.testing.assert_array_equal(validating_fold(config["options"]["n_splits"], *args),
                                      expected[0])
        return
    result = getattr(metrics, config["function"])(*args, **config["options"])
    if config["json"]:
        assert_same_report(result, json.loads(str(expected[0])))
    elif expected[0].dtype.kind == "U":
        assert result == str(expected[0])
    else:
        results = result if isinstance(result, tuple) else (result,)
        assert len(results) == len(expected)
        # scikit-learn computes float32 inputs in float32, we in float64
        rtol = 1e-6 if any(arg.dtype == np.float32 for arg in args) else 1e-12
        for ours, theirs in zip(results, expected):
            np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=1e-15)


def assert_same_report(ours, theirs):
    assert list(ours) == list(theirs)
    for key, row in theirs.items():
        if isinstance(row, dict):
            assert list(ours[key]) == list(row)
            assert list(ours[key].values()) == pytest.approx(list(row.values()), rel=1e-12)
        else:
            assert ours[key] == pytest.approx(row, rel=1e-12)
