"""Reading the arrays that the generator scripts in tests/fixtures/ saved from PyTorch.

A fixture file holds cases named "<case>.<array>" (e.g. "conv0.weight", "conv0.out");
"<case>.config" is the JSON of the arguments the case was made with. The scikit-learn
generator (make_sklearn_fixtures_metrics.py) writes the same layout, read the same way.
"""

import json
import re
from pathlib import Path

import numpy as np

import minigrad as mg

FIXTURES = Path(__file__).parent / "fixtures"


def load_torch_cases(filename, prefix):
    """{case name: {array name: array, "config": dict}} for the cases whose name starts with
    `prefix`, sorted by name (so they can be pytest parameters)."""
    with np.load(FIXTURES / filename) as data:
        arrays = {key: data[key] for key in data.files if key.startswith(prefix)}
    cases = {}
    for key, value in sorted(arrays.items()):
        case, name = key.split(".", 1)
        cases.setdefault(case, {})[name] = json.loads(str(value)) if name == "config" else value
    return cases


def replayed_arguments(case):
    """(args, kwargs) of a case's config, each "@k" in them (also inside lists) replaced by
    the case's array "input<k>" as a tensor: how a generator names a call's tensor inputs."""
    inputs = {key[len("input"):]: mg.tensor(value) for key, value in case.items()
              if re.fullmatch(r"input\d+", key)}

    def real(value):
        if isinstance(value, str) and value.startswith("@"):
            return inputs[value[1:]]
        if isinstance(value, list):
            return [real(v) for v in value]
        return value

    config = case["config"]
    return [real(a) for a in config["args"]], {k: real(v) for k, v in config["kwargs"].items()}
