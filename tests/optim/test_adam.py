import numpy as np
import pytest

from minigrad.optim import Adam, AdamW, adam
from tests.optim.problem import assert_follows_rule, make_params, run


def adam_rule(
    theta, g, t, state, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
    maximize=False, decoupled=False,
):
    """PyTorch's published Adam / AdamW algorithms (torch.optim docs), flat float64 vector."""
    beta1, beta2 = betas
    if maximize:
        g = -g
    if decoupled:
        theta = theta - lr * weight_decay * theta
    elif weight_decay != 0:
        g = g + weight_decay * theta
    m = beta1 * state.get("m", 0.0) + (1 - beta1) * g
    v = beta2 * state.get("v", 0.0) + (1 - beta2) * g**2
    state["m"], state["v"] = m, v
    if amsgrad:
        v = state["v_max"] = np.maximum(state.get("v_max", 0.0), v)
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps)


def adamw_rule(theta, g, t, state, weight_decay=0.01, **options):
    """AdamW: Adam with decoupled weight decay, 0.01 unless given."""
    return adam_rule(theta, g, t, state, weight_decay=weight_decay, decoupled=True, **options)


OPTIONS = [
    {},
    {"amsgrad": True},
    {"weight_decay": 0.1},
    {"betas": (0.8, 0.95), "eps": 1e-3},
    {"weight_decay": 0.05, "amsgrad": True, "maximize": True},
]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_adam_follows_published_rule(options):
    assert_follows_rule(Adam, adam_rule, steps=12, lr=0.1, **options)


@pytest.mark.parametrize("options", [{"weight_decay": 0.1}, *OPTIONS[1:]], ids=str)
def test_adamw_follows_published_rule(options):
    assert_follows_rule(AdamW, adamw_rule, steps=12, lr=0.1, **options)


def test_adamw_default_weight_decay_is_decoupled_one_percent():
    options = AdamW(make_params()).defaults
    assert options["weight_decay"] == 0.01 and options["decoupled_weight_decay"] is True


def test_adam_and_adamw_differ_only_when_weight_decay_is_set():
    paths = {}
    for cls, decay in [(Adam, 0.0), (AdamW, 0.0), (Adam, 0.1), (AdamW, 0.1)]:
        params = make_params()
        paths[cls.__name__, decay] = run(cls(params, lr=0.1, weight_decay=decay), params, 5)
    np.testing.assert_array_equal(paths["Adam", 0.0], paths["AdamW", 0.0])
    assert np.abs(paths["Adam", 0.1] - paths["AdamW", 0.1]).max() > 1e-3


@pytest.mark.parametrize("options", [{}, {"weight_decay": 0.1, "maximize": True}], ids=str)
def test_adam_compiled_cpu_loop_matches_the_numpy_lines_in_float32(options, monkeypatch):
    paths = []
    for fused in (True, False):
        monkeypatch.setattr(adam, "_fused_update_applies", lambda *args, fused=fused: fused)
        params = make_params(np.float32)
        paths.append(run(Adam(params, lr=0.1, **options), params, steps=6))
    np.testing.assert_array_equal(paths[0], paths[1])  # same operations in the same order


def test_adam_state_is_named_as_in_pytorch():
    params = make_params()
    optimizer = Adam(params, amsgrad=True)
    run(optimizer, params, steps=3)
    state = optimizer.state[params[0]]
    assert set(state) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    assert state["step"] == 3


@pytest.mark.parametrize(
    "options, message",
    [
        ({"lr": -1.0}, "lr"),
        ({"eps": -1e-8}, "eps"),
        ({"weight_decay": -0.1}, "weight_decay"),
        ({"betas": (1.0, 0.999)}, "betas"),
        ({"betas": (0.9, -0.1)}, "betas"),
        ({"betas": (0.9,)}, "betas"),
    ],
)
def test_adam_rejects_bad_options(options, message):
    with pytest.raises(ValueError, match=message):
        Adam(make_params(), **options)
