"""minigrad's schedulers set PyTorch's learning rates and momenta, epoch by epoch, alone and
combined (from a stored fixture; see tests/optim/scheduler_cases.py)."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import optim
from minigrad.optim import lr_scheduler
from tests.optim.scheduler_cases import CASES, case_id, run
from tests.optim.torch_fixture import SCHEDULER_FIXTURE


def make_param(size):
    return mg.nn.Parameter(mg.zeros(size))


def test_fixture_has_the_current_cases():
    assert [saved["case"] for saved in SCHEDULER_FIXTURE["cases"]] == [
        case_id(case) for case in CASES
    ], "tests/optim/scheduler_cases.py changed: rerun tests/fixtures/make_torch_fixtures_sched.py"


@pytest.mark.parametrize("index", range(len(CASES)), ids=[case_id(case) for case in CASES])
def test_scheduler_trajectory_matches_pytorch(index):
    ours = run(CASES[index], optim, lr_scheduler, make_param)
    theirs = SCHEDULER_FIXTURE["cases"][index]
    for key in ("lrs", "last_lrs", "momenta"):
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-12, atol=0, err_msg=key)
