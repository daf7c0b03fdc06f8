"""minigrad's optimizers and schedulers give PyTorch's numbers (from a stored fixture)."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import optim
from minigrad.optim import lr_scheduler
from tests.optim import problem
from tests.optim.torch_fixture import FIXTURE


def case_id(case):
    groups = f"-groups{case['group_lrs']}" if case["group_lrs"] else ""
    return f"{case['name']}-{case['options']}{groups}"


def test_fixture_was_made_on_this_problem():
    init, target, scale = FIXTURE["problem"]
    for saved, current in zip(init + target + scale, problem.INIT + problem.TARGET + problem.SCALE):
        np.testing.assert_array_equal(saved, current, err_msg="tests/optim/problem.py changed: "
                                      "rerun tests/fixtures/make_torch_fixtures_optim.py")


@pytest.mark.parametrize("case", FIXTURE["optimizers"], ids=case_id)
def test_optimizer_trajectory_matches_pytorch(case):
    params = problem.make_params()
    groups = params
    if case["group_lrs"]:
        groups = [{"params": [p], "lr": lr} for p, lr in zip(params, case["group_lrs"])]
    optimizer = getattr(optim, case["name"])(groups, **case["options"])
    trajectory = problem.run(optimizer, params, steps=len(case["trajectory"]))
    np.testing.assert_allclose(trajectory, case["trajectory"], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", FIXTURE["float32_optimizers"], ids=case_id)
def test_float32_trajectory_matches_pytorchs_float32_run(case):
    params = problem.make_params(np.float32)
    optimizer = getattr(optim, case["name"])(params, **case["options"])
    trajectory = problem.run(optimizer, params, steps=len(case["trajectory"]))
    np.testing.assert_allclose(trajectory, case["trajectory"], rtol=1e-5, atol=1e-6)


def two_group_optimizer():
    a, b = mg.nn.Parameter(mg.zeros(2)), mg.nn.Parameter(mg.zeros(3))
    base, second = FIXTURE["base_lrs"]
    return optim.SGD([{"params": [a]}, {"params": [b], "lr": second}], lr=base)


@pytest.mark.parametrize("case", FIXTURE["schedulers"], ids=lambda c: f"{c['name']}-{c['options']}")
def test_scheduler_lrs_match_pytorch(case):
    scheduler = getattr(lr_scheduler, case["name"])(two_group_optimizer(), **case["options"])
    lrs = [scheduler.get_last_lr()]
    for _ in range(len(case["lrs"]) - 1):
        scheduler.step()
        lrs.append(scheduler.get_last_lr())
    np.testing.assert_allclose(lrs, case["lrs"], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("case", FIXTURE["plateaus"], ids=lambda c: str(c["options"]))
def test_reduce_on_plateau_matches_pytorch(case):
    scheduler = lr_scheduler.ReduceLROnPlateau(two_group_optimizer(), **case["options"])
    lrs = []
    for metric in FIXTURE["metrics"]:
        scheduler.step(metric)
        lrs.append(scheduler.get_last_lr())
    np.testing.assert_allclose(lrs, case["lrs"], rtol=1e-12)


@pytest.mark.parametrize("case", FIXTURE["lbfgs"], ids=lambda c: str(c["options"]))
def test_lbfgs_steps_match_pytorch(case):
    params = problem.make_params()
    optimizer = optim.LBFGS(params, **case["options"])

    def closure():
        optimizer.zero_grad()
        value = problem.loss(params)
        value.backward()
        return value

    for row, loss, counts in zip(case["trajectory"], case["losses"], case["counts"]):
        assert optimizer.step(closure).item() == pytest.approx(loss, rel=1e-12)
        np.testing.assert_allclose(problem.flat([p.numpy() for p in params]), row,
                                   rtol=1e-10, atol=1e-12)
        state = optimizer.state[params[0]]
        assert [state["n_iter"], state["func_evals"]] == counts.tolist()


@pytest.mark.parametrize("name", sorted(FIXTURE["defaults"]))
def test_default_options_are_pytorchs(name):
    assert getattr(optim, name)(problem.make_params()).defaults == FIXTURE["defaults"][name]
