"""Bad hyper-parameters are refused when the optimizer is made, by the checks PyTorch makes,
with our ValueError naming the optimizer and the option."""

import pytest

from minigrad import optim
from tests.optim.problem import make_params

BAD_OPTIONS = [
    ("NAdam", {"lr": -1e-3}, "lr"),
    ("NAdam", {"eps": -1.0}, "eps"),
    ("NAdam", {"weight_decay": -0.1}, "weight_decay"),
    ("NAdam", {"momentum_decay": -0.1}, "momentum_decay"),
    ("NAdam", {"betas": (1.0, 0.999)}, "betas"),
    ("RAdam", {"lr": -1e-3}, "lr"),
    ("RAdam", {"eps": -1.0}, "eps"),
    ("RAdam", {"weight_decay": -0.1}, "weight_decay"),
    ("RAdam", {"betas": (0.9, -0.1)}, "betas"),
    ("Adamax", {"lr": -1e-3}, "lr"),
    ("Adamax", {"eps": -1.0}, "eps"),
    ("Adamax", {"weight_decay": -0.1}, "weight_decay"),
    ("Adamax", {"betas": (0.9,)}, "betas"),
    ("Adadelta", {"lr": -1.0}, "lr"),
    ("Adadelta", {"rho": 1.5}, "rho"),
    ("Adadelta", {"rho": -0.1}, "rho"),
    ("Adadelta", {"eps": -1.0}, "eps"),
    ("Adadelta", {"weight_decay": -0.1}, "weight_decay"),
    ("Rprop", {"lr": -0.1}, "lr"),
    ("Rprop", {"etas": (1.5, 1.2)}, "etas"),
    ("Rprop", {"etas": (0.5, 0.9)}, "etas"),
    ("Rprop", {"etas": (0.0, 1.2)}, "etas"),
    ("ASGD", {"lr": -0.1}, "lr"),
    ("ASGD", {"weight_decay": -0.1}, "weight_decay"),
    ("LBFGS", {"lr": -1.0}, "lr"),
    ("LBFGS", {"line_search_fn": "backtracking"}, "line_search_fn"),
]


@pytest.mark.parametrize("name, options, option", BAD_OPTIONS,
                         ids=[f"{n}-{o}" for n, o, _ in BAD_OPTIONS])
def test_bad_hyperparameter_is_refused_by_name(name, options, option):
    with pytest.raises(ValueError, match=rf"{name}: .*{option}"):
        getattr(optim, name)(make_params(), **options)


@pytest.mark.parametrize("name", ["NAdam", "RAdam", "Adamax", "Adadelta", "Rprop", "ASGD"])
def test_edge_values_that_pytorch_accepts_are_accepted(name):
    edges = {"NAdam": {"betas": (0.0, 0.0), "momentum_decay": 0.0}, "RAdam": {"betas": (0.0, 0.0)},
             "Adamax": {"betas": (0.0, 0.0)}, "Adadelta": {"rho": 1.0},
             "Rprop": {"etas": (0.01, 1.01)}, "ASGD": {"lambd": -1.0, "t0": 0}}
    getattr(optim, name)(make_params(), lr=0.0, **edges[name])
