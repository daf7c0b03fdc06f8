import numpy as np
import pytest

from minigrad.optim import SGD
from tests.optim.problem import assert_follows_rule, make_params, run


def sgd_rule(
    theta, g, t, state, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
    maximize=False,
):
    """PyTorch's published SGD algorithm (torch.optim.SGD docs), for a flat float64 vector.

    Maximizing negates the gradient first, as PyTorch's implementation does (the docs write it
    as θ + γg at the end, the same thing when weight_decay is 0; the PyTorch fixture test pins
    down the combination)."""
    if maximize:
        g = -g
    if weight_decay != 0:
        g = g + weight_decay * theta
    if momentum != 0:
        b = g if t == 1 else momentum * state["b"] + (1 - dampening) * g
        state["b"] = b
        g = g + momentum * b if nesterov else b
    return theta - lr * g


OPTIONS = [
    {},
    {"momentum": 0.9},
    {"momentum": 0.9, "dampening": 0.3},
    {"momentum": 0.9, "nesterov": True},
    {"weight_decay": 0.1},
    {"momentum": 0.5, "weight_decay": 0.1, "nesterov": True},
    {"momentum": 0.9, "dampening": 0.5, "weight_decay": 0.05, "maximize": True},
    {"maximize": True},
]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_sgd_follows_published_rule(options):
    assert_follows_rule(SGD, sgd_rule, lr=0.05, **options)


def test_sgd_without_momentum_keeps_no_state():
    params = make_params()
    optimizer = SGD(params, lr=0.05)
    run(optimizer, params, steps=2)
    assert optimizer.state_dict()["state"] == {}


def test_sgd_momentum_buffer_is_named_as_in_pytorch():
    params = make_params()
    optimizer = SGD(params, lr=0.05, momentum=0.9)
    run(optimizer, params, steps=1)
    assert set(optimizer.state[params[0]]) == {"momentum_buffer"}
    # on the first step the buffer is the gradient itself
    buffer = optimizer.state[params[1]]["momentum_buffer"]
    np.testing.assert_array_equal(buffer, params[1].grad.numpy())


@pytest.mark.parametrize(
    "options, message",
    [
        ({"lr": -0.1}, "lr"),
        ({"momentum": -0.5}, "momentum"),
        ({"weight_decay": -1.0}, "weight_decay"),
        ({"nesterov": True}, "Nesterov"),
        ({"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "Nesterov"),
    ],
)
def test_sgd_rejects_bad_options(options, message):
    with pytest.raises(ValueError, match=message):
        SGD(make_params(), **options)
