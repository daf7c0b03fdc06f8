"""The optimizers' update rules run on CuPy arrays (the strict stand-in of tests/strict_cupy.py)
and take the same steps there as on the CPU."""

import numpy as np
import pytest

from minigrad import optim
from minigrad.backend import device_of
from tests.optim.problem import flat, loss, make_params, run

OPTIMIZERS = {
    "NAdam": {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True},
    "RAdam": {"lr": 0.05, "betas": (0.8, 0.9), "weight_decay": 0.1},
    "Adamax": {"lr": 0.05, "weight_decay": 0.1, "maximize": True},
    "Adadelta": {"lr": 0.5, "weight_decay": 0.1},
    "Rprop": {"lr": 0.05},
    "ASGD": {"lr": 0.05, "t0": 2},
}


def lbfgs_run(device, line_search_fn):
    params = make_params(np.float32, device)
    optimizer = optim.LBFGS(params, max_iter=4, line_search_fn=line_search_fn)

    def closure():
        optimizer.zero_grad()
        value = loss(params)
        value.backward()
        return value

    for _ in range(2):
        optimizer.step(closure)
    return flat([p.numpy() for p in params]), optimizer.state[params[0]]


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizer_steps_on_standin_cuda(standin_gpu, name):
    paths = {}
    for device in ("cpu", "cuda"):
        params = make_params(np.float32, device)
        optimizer = getattr(optim, name)(params, **OPTIMIZERS[name])
        paths[device] = run(optimizer, params, steps=4)
        assert all(p.device == device for p in params)
        assert all(type(v) in (int, float) or device_of(v) == device
                   for v in optimizer.state[params[0]].values())
    np.testing.assert_allclose(paths["cuda"], paths["cpu"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_steps_on_standin_cuda(standin_gpu, line_search_fn):
    cpu, _ = lbfgs_run("cpu", line_search_fn)
    cuda, state = lbfgs_run("cuda", line_search_fn)
    assert device_of(state["d"]) == device_of(state["old_dirs"][0]) == "cuda"
    np.testing.assert_allclose(cuda, cpu, rtol=1e-5, atol=1e-6)
