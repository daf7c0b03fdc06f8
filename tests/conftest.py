"""Shared test set-up: hypothesis profiles, the `gpu` marker, and a fixed seed per test.

Profiles: `ci` (used when CI is set) draws enough examples to mean something; `dev` is quick
for local runs. Choose one explicitly with HYPOTHESIS_PROFILE=ci|dev.
"""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import minigrad as mg

pytest_plugins = ["tests.standin", "tests.lesson_runs"]

settings.register_profile(
    "ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "dev", max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def pytest_collection_modifyitems(config, items):
    if mg.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU with CuPy")
    for item in items:
        if item.get_closest_marker("gpu") is not None:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _seed():
    mg.manual_seed(0)
    np.random.seed(0)
