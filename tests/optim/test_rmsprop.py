import numpy as np
import pytest

from minigrad.optim import RMSprop
from tests.optim.problem import assert_follows_rule, make_params, run


def rmsprop_rule(
    theta, g, t, state, lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
    centered=False, maximize=False,
):
    """PyTorch's published RMSprop algorithm (torch.optim.RMSprop docs), flat float64."""
    if maximize:
        g = -g
    if weight_decay != 0:
        g = g + weight_decay * theta
    v = state["v"] = alpha * state.get("v", 0.0) + (1 - alpha) * g**2
    if centered:
        g_ave = state["g_ave"] = alpha * state.get("g_ave", 0.0) + (1 - alpha) * g
        v = v - g_ave**2
    if momentum > 0:
        b = state["b"] = momentum * state.get("b", 0.0) + g / (np.sqrt(v) + eps)
        return theta - lr * b
    return theta - lr * g / (np.sqrt(v) + eps)


OPTIONS = [
    {},
    {"centered": True},
    {"momentum": 0.9},
    {"alpha": 0.9, "eps": 1e-4},
    {"centered": True, "momentum": 0.5, "weight_decay": 0.1},
    {"weight_decay": 0.1, "maximize": True},
]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_rmsprop_follows_published_rule(options):
    assert_follows_rule(RMSprop, rmsprop_rule, steps=12, lr=0.01, **options)


def test_rmsprop_default_learning_rate_is_pytorchs():
    assert RMSprop(make_params()).defaults["lr"] == 0.01


def test_rmsprop_state_is_named_as_in_pytorch():
    params = make_params()
    optimizer = RMSprop(params, momentum=0.9, centered=True)
    run(optimizer, params, steps=2)
    assert set(optimizer.state[params[1]]) == {"step", "square_avg", "momentum_buffer", "grad_avg"}


@pytest.mark.parametrize("name", ["lr", "alpha", "eps", "weight_decay", "momentum"])
def test_rmsprop_rejects_negative_options(name):
    with pytest.raises(ValueError, match=name):
        RMSprop(make_params(), **{name: -0.5})
