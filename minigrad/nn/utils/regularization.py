"""L1 and L2 penalties: add one to the loss to prefer small weights (regularisation).

    loss = criterion(model(x), y) + lam * l2_penalty(model.parameters())

Both are composed from ordinary ops, so `backward()` differentiates them like the rest:

    l2_penalty = Σ θ²     gradient 2θ: pulls every weight toward 0 in proportion to its size
    l1_penalty = Σ |θ|    gradient sign(θ): the same pull on every weight, which drives small
                          ones to exactly 0 (a sparse model)

L2 and weight decay. `SGD(weight_decay=λ)` adds λ·θ to each gradient, which is the gradient of
(λ/2)·l2_penalty: for SGD, adding (λ/2)·l2_penalty to the loss and passing weight_decay=λ are
the same thing. `Adam(weight_decay=λ)` does the same ("coupled"), but Adam then divides the
gradient by its running RMS, so the penalty's pull shrinks for weights with large gradients.
`AdamW(weight_decay=λ)` decouples it: it shrinks θ by γ·λ·θ directly, outside that division,
so every weight decays at the same rate (see minigrad/optim/adam.py).
"""

from minigrad.ops.movement import stack
from minigrad.tensor import Tensor


def _each(parameters, name):
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    if not params:
        raise ValueError(f"{name}: got no parameters")
    return params


def l2_penalty(parameters):
    """Σ θ² over every element of every parameter (a 0-d tensor that autograd can follow)."""
    return stack([(p * p).sum() for p in _each(parameters, "l2_penalty")]).sum()


def l1_penalty(parameters):
    """Σ |θ| over every element of every parameter (a 0-d tensor that autograd can follow)."""
    return stack([p.abs().sum() for p in _each(parameters, "l1_penalty")]).sum()
