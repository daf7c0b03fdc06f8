"""Adamax: Adam with the infinity norm in place of the RMS (PyTorch's rule, Kingma & Ba 2015).

With g the gradient (plus weight_decay·θ, negated when maximizing), learning rate γ, betas
(β₁, β₂) and step t = 1, 2, ...:

    m ← β₁·m + (1 − β₁)·g                 running mean of gradients, as in Adam
    u ← max(β₂·u, |g| + ε)                decaying maximum of |g|    (state 'exp_inf')
    θ ← θ − γ/(1 − β₁ᵗ) · m/u

Adam divides by √v, an L2 average of past gradients; letting the power p of an Lᵖ average
grow without bound gives a maximum, which needs no bias correction and is never 0 (the ε
sits inside the max). One gradient spike sets the scale until β₂ decays it away.
"""

from minigrad.backend import array_module
from minigrad.optim.optimizer import Optimizer


class Adamax(Optimizer):
    def __init__(
        self,
        params,
        lr=2e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        *,
        maximize=False,
    ):
        self._check_nonnegative(lr=lr, eps=eps, weight_decay=weight_decay)
        self._check_betas(betas)
        defaults = dict(
            lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, maximize=maximize
        )
        super().__init__(params, defaults)

    def _update(self, param, grad, state, group):
        xp = array_module(param)
        if not state:
            state["step"] = 0
            state["exp_avg"] = xp.zeros_like(param)
            state["exp_inf"] = xp.zeros_like(param)
        state["step"] += 1
        beta1, beta2 = group["betas"]
        g = self._direction(param, grad, group["maximize"], group["weight_decay"])

        m, u = state["exp_avg"], state["exp_inf"]
        m += (1 - beta1) * (g - m)
        u *= beta2
        xp.maximum(u, xp.abs(g) + group["eps"], out=u)
        param -= (group["lr"] / (1 - beta1 ** state["step"])) * (m / u)
