"""Adagrad: each coordinate's step shrinks with the sum of its squared gradients (PyTorch's rule).

With g the gradient (plus weight_decay·θ, negated when maximizing), learning rate γ and step
count t = 1, 2, ...:

    γₜ = γ / (1 + (t − 1)·lr_decay)
    s ← s + g²                         (s starts at initial_accumulator_value)
    θ ← θ − γₜ · g / (√s + ε)

Coordinates that have seen large gradients slow down; rarely-updated ones (rare words in an
embedding, say) keep taking big steps. Because s only grows, the steps shrink for ever, which
is why RMSprop and Adam replaced the sum with a running average.
"""

from minigrad.backend import array_module
from minigrad.optim.optimizer import Optimizer


class Adagrad(Optimizer):
    def __init__(
        self,
        params,
        lr=1e-2,
        lr_decay=0.0,
        weight_decay=0.0,
        initial_accumulator_value=0.0,
        eps=1e-10,
        *,
        maximize=False,
    ):
        self._check_nonnegative(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
        )
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            eps=eps,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _update(self, param, grad, state, group):
        xp = array_module(param)
        if not state:
            state["step"] = 0
            state["sum"] = xp.full_like(param, group["initial_accumulator_value"])
        state["step"] += 1
        g = self._direction(param, grad, group["maximize"], group["weight_decay"])
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        state["sum"] += g * g
        param -= clr * (g / (xp.sqrt(state["sum"]) + group["eps"]))
