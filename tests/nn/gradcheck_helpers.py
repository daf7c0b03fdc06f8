"""Helpers for gradient tests of layers: a module's gradcheck and seeded random inputs."""

import numpy as np
from hypothesis import strategies as st

import minigrad as mg

seeds = st.integers(0, 2**16)


def random_tensor(seed, *shape, requires_grad=True):
    """Standard normal float64 values (distinct, so no variance is zero) from `seed`."""
    values = np.random.default_rng(seed).standard_normal(shape)
    return mg.tensor(values, requires_grad=requires_grad)


def gradcheck_module(module, inputs, call=lambda module, *inputs: module(*inputs)):
    """mg.gradcheck of call(module, *inputs) (by default module(*inputs)) w.r.t. the inputs
    that require grad and every parameter of `module`.

    gradcheck perturbs float64 copies of what it is given, so before each call the copies of
    the parameters are put into the module in place of its own (which it then keeps).
    """
    module.double()
    named = list(module.named_parameters())

    def run(*tensors):
        for (name, _), copy in zip(named, tensors[len(inputs) :]):
            owner_path, _, attribute = name.rpartition(".")
            owner = module
            for part in filter(None, owner_path.split(".")):
                owner = owner._modules[part]
            owner._parameters[attribute] = copy
        return call(module, *tensors[: len(inputs)])

    return mg.gradcheck(run, [*inputs, *(p for _, p in named)])


def randomize_parameters(module, seed):
    """Standard normal parameters, so that defaults such as a weight of ones cannot hide a
    wrong gradient."""
    rng = np.random.default_rng(seed)
    for p in module.parameters():
        p.copy_(rng.standard_normal(p.shape))
    return module
