"""RAdam: Adam whose adaptive step is switched on only once it can be trusted (PyTorch's rule,
Liu et al. 2019).

With g the gradient, learning rate γ, betas (β₁, β₂) and step t = 1, 2, ...:

    m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²          as in Adam
    m̂ = m / (1 − β₁ᵗ)
    ρ∞ = 2/(1 − β₂) − 1,   ρₜ = ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ)        (length of the average behind v)
    ρₜ > 5:  r = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ))
             θ ← θ − γ·m̂·r·√(1 − β₂ᵗ)/(√v + ε)              (Adam's step, rectified by r)
    else:    θ ← θ − γ·m̂                                    (SGD with momentum)

In the first steps v averages only a few squared gradients, so 1/√v̂ has a huge variance
and Adam's early steps can be wild (the reason for learning-rate warm-up). RAdam takes plain
momentum steps until ρₜ > 5 (t = 6 for β₂ = 0.999), then scales Adam's step by r < 1, which
grows to 1 as the average lengthens: a warm-up derived from the variance, not tuned.

weight_decay adds λθ to g; with decoupled_weight_decay=True θ shrinks by 1 − γλ instead.
"""

import math

from minigrad.backend import array_module
from minigrad.optim.adam import start_moments, update_moments
from minigrad.optim.optimizer import Optimizer


class RAdam(Optimizer):
    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        decoupled_weight_decay=False,
        *,
        maximize=False,
    ):
        self._check_nonnegative(lr=lr, eps=eps, weight_decay=weight_decay)
        self._check_betas(betas)
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _update(self, param, grad, state, group):
        xp = array_module(param)
        if not state:
            start_moments(state, param)
        state["step"] += 1
        step, lr = state["step"], group["lr"]
        beta1, beta2 = group["betas"]
        g = self._direction_after_weight_decay(param, grad, group)

        m, v = state["exp_avg"], state["exp_avg_sq"]
        update_moments(m, v, g, beta1, beta2)
        bias_correction2 = 1 - beta2**step
        m_hat = m / (1 - beta1**step)

        rho_inf = 2 / (1 - beta2) - 1
        rho = rho_inf - 2 * step * beta2**step / bias_correction2
        if rho > 5.0:
            rect = math.sqrt(
                (rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho)
            )
            adaptive = math.sqrt(bias_correction2) / (xp.sqrt(v) + group["eps"])
            param -= m_hat * lr * adaptive * rect
        else:
            param -= m_hat * lr
