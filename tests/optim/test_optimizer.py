"""What every optimizer inherits from `Optimizer`: param groups, zero_grad, skipping missing
gradients, dtype keeping, and state_dict save/resume."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.optim import (
    ASGD,
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    NAdam,
    RAdam,
    RMSprop,
    Rprop,
)
from tests.optim.problem import loss, make_params, run

# options that make each optimizer keep every kind of state it has
FULL_STATE = [
    (SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    (Adam, {"lr": 0.05, "amsgrad": True, "weight_decay": 0.01}),
    (AdamW, {"lr": 0.05, "amsgrad": True}),
    (RMSprop, {"lr": 0.01, "momentum": 0.9, "centered": True}),
    (Adagrad, {"lr": 0.05, "lr_decay": 0.01}),
    (NAdam, {"lr": 0.05, "weight_decay": 0.01}),
    (RAdam, {"lr": 0.05, "betas": (0.8, 0.9), "weight_decay": 0.01}),  # rectified from step 3
    (Adamax, {"lr": 0.05, "weight_decay": 0.01}),
    (Adadelta, {"lr": 0.5, "weight_decay": 0.01}),
    (Rprop, {"lr": 0.05}),
    (ASGD, {"lr": 0.05, "t0": 2}),  # averaging from step 3
]
IDS = [cls.__name__ for cls, _ in FULL_STATE]


@pytest.mark.parametrize("cls, options", FULL_STATE, ids=IDS)
def test_param_groups_with_different_lr_act_like_separate_optimizers(cls, options):
    options = {k: v for k, v in options.items() if k != "lr"}
    params = make_params()
    grouped = cls([{"params": [params[0]], "lr": 0.1}, {"params": [params[1]]}], lr=0.01, **options)
    together = run(grouped, params, steps=5)

    alone = make_params()
    first, second = cls([alone[0]], lr=0.1, **options), cls([alone[1]], lr=0.01, **options)
    for _ in range(5):
        first.zero_grad(), second.zero_grad()
        loss(alone).backward()
        first.step(), second.step()
    np.testing.assert_array_equal(together[-1], np.concatenate([p.numpy().ravel() for p in alone]))


def test_group_options_default_to_the_optimizers():
    a, b = make_params()
    optimizer = SGD([{"params": [a], "momentum": 0.5}], lr=0.1)
    optimizer.add_param_group({"params": b, "lr": 0.2})
    first, second = optimizer.param_groups
    assert (first["lr"], first["momentum"]) == (0.1, 0.5)
    assert (second["lr"], second["momentum"], second["params"]) == (0.2, 0.0, [b])


def test_changing_group_lr_between_steps_takes_effect():
    (p,) = make_params()[1:]
    optimizer = SGD([p], lr=0.1)
    before = p.numpy().copy()
    p.grad = mg.ones_like(p).double()
    optimizer.param_groups[0]["lr"] = 0.5
    optimizer.step()
    np.testing.assert_allclose(p.numpy(), before - 0.5)


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(set_to_none):
    params = make_params()
    optimizer = SGD(params, lr=0.1)
    loss(params).backward()
    optimizer.zero_grad(set_to_none=set_to_none)
    for p in params:
        if set_to_none:
            assert p.grad is None
        else:
            np.testing.assert_array_equal(p.grad.numpy(), np.zeros(p.shape))


@pytest.mark.parametrize("cls, options", FULL_STATE, ids=IDS)
def test_parameters_without_gradient_are_left_alone(cls, options):
    used, unused = make_params()
    before = unused.numpy().copy()
    optimizer = cls([used, unused], **options)
    (used * used).sum().backward()
    optimizer.step()
    np.testing.assert_array_equal(unused.numpy(), before)
    assert unused not in optimizer.state and used in optimizer.state


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
@pytest.mark.parametrize("cls, options", FULL_STATE, ids=IDS)
def test_update_keeps_the_parameter_dtype(cls, options, dtype):
    params = make_params(dtype)
    optimizer = cls(params, **options)
    run(optimizer, params, steps=3)
    for p in params:
        assert p.dtype == dtype
        for value in optimizer.state[p].values():
            assert isinstance(value, (int, float)) or value.dtype == dtype


@pytest.mark.parametrize("cls, options", FULL_STATE, ids=IDS)
def test_numpy_float64_options_do_not_widen_a_float32_model(cls, options):
    options = {k: np.float64(v) if type(v) is float else v for k, v in options.items()}
    params = make_params(np.float32)
    optimizer = cls(params, **options)
    run(optimizer, params, steps=2)
    for p in params:
        assert p.dtype == np.float32
        assert all(
            type(v) in (int, float) or v.dtype == np.float32
            for v in optimizer.state[p].values()
        )


@pytest.mark.parametrize("cls, options", FULL_STATE, ids=IDS)
def test_float32_run_stays_close_to_the_float64_run(cls, options):
    wide, narrow = make_params(np.float64), make_params(np.float32)
    expected = run(cls(wide, **options), wide, steps=10)
    actual = run(cls(narrow, **options), narrow, steps=10)
    np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("cls, options", FULL_STATE, ids=IDS)
def test_state_dict_resumes_identically_through_a_file(cls, options, tmp_path):
    params = make_params(np.float32)
    optimizer = cls(params, **options)
    run(optimizer, params, steps=4)
    mg.save({"params": [p.detach() for p in params], "optimizer": optimizer.state_dict()},
            tmp_path / "checkpoint.npz")
    uninterrupted = run(optimizer, params, steps=4)

    checkpoint = mg.load(tmp_path / "checkpoint.npz")
    resumed_params = [mg.nn.Parameter(t) for t in checkpoint["params"]]
    resumed = cls(resumed_params, lr=123.0)  # every option comes back from the state dict
    resumed.load_state_dict(checkpoint["optimizer"])
    assert resumed.param_groups[0]["lr"] == options["lr"]
    np.testing.assert_array_equal(run(resumed, resumed_params, steps=4), uninterrupted)


def test_state_dict_layout_is_pytorchs_with_numpy_arrays():
    params = make_params()
    optimizer = Adam([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.5}])
    run(optimizer, params, steps=1)
    state_dict = optimizer.state_dict()
    assert [g["params"] for g in state_dict["param_groups"]] == [[0], [1]]
    assert state_dict["param_groups"][1]["lr"] == 0.5
    assert sorted(state_dict["state"]) == [0, 1]
    assert isinstance(state_dict["state"][1]["exp_avg"], np.ndarray)


def test_state_dict_is_a_snapshot():
    params = make_params()
    optimizer = SGD(params, lr=0.1, momentum=0.9)
    run(optimizer, params, steps=1)
    saved = optimizer.state_dict()["state"][0]["momentum_buffer"].copy()
    snapshot = optimizer.state_dict()
    run(optimizer, params, steps=1)
    np.testing.assert_array_equal(snapshot["state"][0]["momentum_buffer"], saved)


def test_load_state_dict_casts_state_to_the_parameter_dtype():
    wide = make_params(np.float64)
    optimizer = Adam(wide)
    run(optimizer, wide, steps=1)
    narrow = make_params(np.float32)
    target = Adam(narrow)
    target.load_state_dict(optimizer.state_dict())
    assert target.state[narrow[0]]["exp_avg"].dtype == np.float32


def test_load_state_dict_rejects_a_different_layout():
    params = make_params()
    optimizer = SGD(params, lr=0.1, momentum=0.9)
    run(optimizer, params, steps=1)
    state_dict = optimizer.state_dict()
    with pytest.raises(ValueError, match="groups"):
        SGD([{"params": [params[0]]}, {"params": [params[1]]}], lr=0.1).load_state_dict(state_dict)
    with pytest.raises(ValueError, match="group 0 has 2 parameters"):
        SGD([params[0]], lr=0.1).load_state_dict(state_dict)
    swapped = [params[1], params[0]]
    with pytest.raises(ValueError, match=r"state\[0\]\['momentum_buffer'\] has shape \(2, 3\)"):
        SGD(swapped, lr=0.1).load_state_dict(state_dict)


def test_step_with_closure_returns_its_loss():
    params = make_params()
    optimizer = SGD(params, lr=0.1)

    def closure():
        optimizer.zero_grad()
        value = loss(params)
        value.backward()
        return value

    before = loss(params).item()
    with mg.no_grad():  # the closure still records a graph: step turns gradients on for it
        returned = optimizer.step(closure)
    assert returned.item() == before  # the loss at the parameters before the update
    assert loss(params).item() < before


@pytest.mark.parametrize(
    "params, error, message",
    [
        (lambda ps: ps[0], TypeError, "single Tensor"),
        (lambda ps: [], ValueError, "empty"),
        (lambda ps: [ps[0], ps[0]], ValueError, "twice"),
        (lambda ps: [{"params": [ps[0]]}, {"params": [ps[0]]}], ValueError, "twice"),
        (lambda ps: [ps[0] * 2], ValueError, "non-leaf"),
        (lambda ps: [np.zeros(3)], TypeError, "ndarray"),
        (lambda ps: [{"params": set(ps)}], TypeError, "set"),
    ],
)
def test_bad_params_are_refused_clearly(params, error, message):
    with pytest.raises(error, match=message):
        SGD(params(make_params()), lr=0.1)


def test_repr_lists_each_group_and_its_options():
    params = make_params()
    text = repr(SGD([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.5}], lr=0.1))
    assert text.startswith("SGD (") and "Parameter Group 1" in text and "lr: 0.5" in text
