import numpy as np
import pytest

from minigrad.optim import Adagrad
from tests.optim.problem import assert_follows_rule, make_params, run


def adagrad_rule(
    theta, g, t, state, lr, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
    eps=1e-10, maximize=False,
):
    """PyTorch's published Adagrad algorithm (torch.optim.Adagrad docs), flat float64."""
    if maximize:
        g = -g
    decayed_lr = lr / (1 + (t - 1) * lr_decay)
    if weight_decay != 0:
        g = g + weight_decay * theta
    total = state["sum"] = state.get("sum", initial_accumulator_value) + g**2
    return theta - decayed_lr * g / (np.sqrt(total) + eps)


OPTIONS = [
    {},
    {"lr_decay": 0.1},
    {"initial_accumulator_value": 0.5},
    {"weight_decay": 0.1, "eps": 1e-3},
    {"lr_decay": 0.05, "initial_accumulator_value": 0.1, "weight_decay": 0.1, "maximize": True},
]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_adagrad_follows_published_rule(options):
    assert_follows_rule(Adagrad, adagrad_rule, steps=12, lr=0.2, **options)


def test_adagrad_state_is_named_as_in_pytorch():
    params = make_params()
    optimizer = Adagrad(params, initial_accumulator_value=0.25)
    run(optimizer, params, steps=2)
    state = optimizer.state[params[0]]
    assert set(state) == {"step", "sum"} and state["step"] == 2
    np.testing.assert_array_less(0.25, state["sum"])


@pytest.mark.parametrize(
    "name", ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"]
)
def test_adagrad_rejects_negative_options(name):
    with pytest.raises(ValueError, match=name):
        Adagrad(make_params(), **{name: -0.5})
