"""Adadelta: steps whose size comes from the past steps themselves (PyTorch's rule, Zeiler 2012).

With g the gradient (plus weight_decay·θ, negated when maximizing), decay ρ, ε and
learning rate γ (1.0 in the paper):

    v ← ρ·v + (1 − ρ)·g²                         running mean of squared gradients
    Δ = √(u + ε) / √(v + ε) · g                   the step, before γ
    u ← ρ·u + (1 − ρ)·Δ²                         running mean of squared steps ('acc_delta')
    θ ← θ − γ·Δ

RMSprop divides g by √v, which leaves the step in "units of γ". Adadelta multiplies by √u,
the RMS of recent steps, so the step has the units of θ and needs no learning rate at all;
ε starts it off (u = 0 at first, so the first steps are about √ε in size).
"""

from minigrad.backend import array_module
from minigrad.optim.optimizer import Optimizer


class Adadelta(Optimizer):
    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, *, maximize=False):
        self._check_nonnegative(lr=lr, eps=eps, weight_decay=weight_decay)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Adadelta: invalid rho {rho} (must be in [0, 1])")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _update(self, param, grad, state, group):
        xp = array_module(param)
        if not state:
            state["step"] = 0
            state["square_avg"] = xp.zeros_like(param)
            state["acc_delta"] = xp.zeros_like(param)
        state["step"] += 1
        rho, eps = group["rho"], group["eps"]
        g = self._direction(param, grad, group["maximize"], group["weight_decay"])

        v, u = state["square_avg"], state["acc_delta"]
        v *= rho
        v += (1 - rho) * g * g
        delta = xp.sqrt(u + eps) / xp.sqrt(v + eps) * g
        u *= rho
        u += (1 - rho) * delta * delta
        param -= group["lr"] * delta
