"""Rprop: resilient backpropagation, which uses only the SIGN of each gradient (PyTorch's rule,
Riedmiller & Braun 1993).

Every coordinate keeps its own step size s (starting at the learning rate). With g the
gradient (negated when maximizing), g' the previous step's gradient, etas (η₋, η₊) and
step_sizes (s_min, s_max):

    g·g' > 0:  s ← min(s·η₊, s_max)          same sign again: speed up
    g·g' < 0:  s ← max(s·η₋, s_min), g ← 0   the sign flipped, so the last step jumped over
                                              a minimum: slow down and stand still this once
    g·g' = 0:  s stays
    θ ← θ − sign(g)·s,   g' ← g

The gradient's size never enters, so flat and steep coordinates move alike. That suits
full-batch training; with mini-batches the signs are noisy and Rprop does poorly.
"""

from minigrad.backend import array_module
from minigrad.optim.optimizer import Optimizer


class Rprop(Optimizer):
    def __init__(
        self,
        params,
        lr=1e-2,
        etas=(0.5, 1.2),
        step_sizes=(1e-6, 50),
        *,
        maximize=False,
    ):
        self._check_nonnegative(lr=lr)
        if len(etas) != 2 or not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Rprop: invalid etas {etas} (need 0 < etaminus < 1 < etaplus)")
        defaults = dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes), maximize=maximize)
        super().__init__(params, defaults)

    def _update(self, param, grad, state, group):
        xp = array_module(param)
        if not state:
            state["step"] = 0
            state["prev"] = xp.zeros_like(param)
            state["step_size"] = xp.full_like(param, group["lr"])
        state["step"] += 1
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        g = self._direction(param, grad, group["maximize"], 0.0)

        agreement = g * state["prev"]
        flipped = agreement < 0
        factor = xp.where(agreement > 0, etaplus, xp.where(flipped, etaminus, 1.0))
        step_size = state["step_size"]
        step_size *= factor.astype(param.dtype)
        xp.clip(step_size, step_size_min, step_size_max, out=step_size)
        g = xp.where(flipped, 0, g).astype(param.dtype)
        param -= xp.sign(g) * step_size
        state["prev"][...] = g
