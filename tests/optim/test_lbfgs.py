"""What LBFGS does beyond following PyTorch's numbers (tests/optim/test_against_pytorch.py):
the closure it needs, its single group, converging, and resuming from a state dict."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.optim import LBFGS
from minigrad.optim.line_search import cubic_minimizer
from tests.optim.problem import loss, make_params


def closure_for(optimizer, params):
    def closure():
        optimizer.zero_grad()
        value = loss(params)
        value.backward()
        return value

    return closure


def test_lbfgs_step_needs_a_closure():
    optimizer = LBFGS(make_params())
    with pytest.raises(TypeError, match="LBFGS.step: needs a closure"):
        optimizer.step()


def test_lbfgs_refuses_a_second_parameter_group():
    a, b = make_params()
    with pytest.raises(ValueError, match="LBFGS: doesn't support per-parameter options"):
        LBFGS([{"params": [a]}, {"params": [b]}])
    optimizer = LBFGS([a])
    with pytest.raises(ValueError, match="parameter groups"):
        optimizer.add_param_group({"params": [b]})


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_reaches_a_stationary_point(line_search_fn):
    params = make_params()
    optimizer = LBFGS(params, lr=0.5 if line_search_fn is None else 1.0, max_iter=50,
                      tolerance_change=1e-14, line_search_fn=line_search_fn)
    for _ in range(4):
        optimizer.step(closure_for(optimizer, params))
    loss(params).backward()
    assert max(float(np.abs(p.grad.numpy()).max()) for p in params) < 1e-6


def test_lbfgs_returns_at_once_when_the_gradient_is_already_small():
    params = make_params()
    optimizer = LBFGS(params, tolerance_grad=1e6)
    before = [p.numpy().copy() for p in params]
    optimizer.step(closure_for(optimizer, params))
    for p, was in zip(params, before):
        np.testing.assert_array_equal(p.numpy(), was)
    assert optimizer.state[params[0]] == {"func_evals": 1, "n_iter": 0}


def test_lbfgs_state_dict_resumes_identically_through_a_file(tmp_path):
    params = make_params(np.float32)
    optimizer = LBFGS(params, max_iter=3, history_size=2, line_search_fn="strong_wolfe")
    for _ in range(2):
        optimizer.step(closure_for(optimizer, params))
    mg.save({"params": [p.detach() for p in params], "optimizer": optimizer.state_dict()},
            tmp_path / "checkpoint.npz")
    optimizer.step(closure_for(optimizer, params))
    uninterrupted = [p.numpy().copy() for p in params]

    checkpoint = mg.load(tmp_path / "checkpoint.npz")
    resumed_params = [mg.nn.Parameter(t) for t in checkpoint["params"]]
    resumed = LBFGS(resumed_params)
    resumed.load_state_dict(checkpoint["optimizer"])
    state = resumed.state[resumed_params[0]]
    assert len(state["old_dirs"]) == 2 and state["old_dirs"][0].dtype == np.float32
    assert resumed.param_groups[0]["history_size"] == 2
    resumed.step(closure_for(resumed, resumed_params))
    for p, want in zip(resumed_params, uninterrupted):
        np.testing.assert_array_equal(p.numpy(), want)


def test_lbfgs_state_of_the_wrong_length_is_refused():
    params = make_params()
    optimizer = LBFGS(params, max_iter=2)
    optimizer.step(closure_for(optimizer, params))
    smaller = [mg.nn.Parameter(mg.zeros(2, 2)), mg.nn.Parameter(mg.zeros(2))]
    with pytest.raises(ValueError, match=r"state\[0\]\['d'\] has shape \(9,\).*\(6,\)"):
        LBFGS(smaller).load_state_dict(optimizer.state_dict())


def test_cubic_minimizer_finds_the_minimum_of_a_cubic():
    def f(x):
        return x**3 - 3 * x  # minimum at x = 1

    def slope(x):
        return 3 * x**2 - 3

    assert cubic_minimizer(0.0, f(0.0), slope(0.0), 2.0, f(2.0), slope(2.0)) == pytest.approx(1.0)
    # clamped into the bounds, and the midpoint of the bounds when there is no minimum
    assert cubic_minimizer(0.0, f(0.0), slope(0.0), 2.0, f(2.0), slope(2.0),
                           bounds=(1.5, 3.0)) == 1.5
    assert cubic_minimizer(0.0, 0.0, 1.0, 1.0, 0.5, 1.0, bounds=(2.0, 4.0)) == 3.0
