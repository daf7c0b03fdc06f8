"""NAdam: Adam with Nesterov momentum (PyTorch's rule exactly, Dozat 2016).

With g the gradient, learning rate γ, betas (β₁, β₂), momentum_decay ψ and step t = 1, 2, ...:

    μₜ = β₁·(1 − ½·0.96^(t·ψ))         the momentum coefficient of step t (it warms up to β₁)
    m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²          as in Adam
    v̂ = v / (1 − β₂ᵗ)
    θ ← θ − γ·(1 − μₜ)/(1 − Πᵢ≤ₜ μᵢ) · g/(√v̂ + ε)  −  γ·μₜ₊₁/(1 − Πᵢ≤ₜ₊₁ μᵢ) · m/(√v̂ + ε)

Adam steps along m, the momentum as it stands; NAdam looks one step ahead, as Nesterov's
SGD does: it mixes this step's gradient with the momentum of the NEXT step (μₜ₊₁·m), each
bias-corrected by the running product of the μ's (state 'mu_product').

weight_decay adds λθ to g (an L2 penalty); with decoupled_weight_decay=True it instead
shrinks θ by 1 − γλ before the step, as AdamW does (that combination is "NAdamW").
"""

from minigrad.backend import array_module
from minigrad.optim.adam import start_moments, update_moments
from minigrad.optim.optimizer import Optimizer


class NAdam(Optimizer):
    def __init__(
        self,
        params,
        lr=2e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        momentum_decay=4e-3,
        decoupled_weight_decay=False,
        *,
        maximize=False,
    ):
        self._check_nonnegative(
            lr=lr, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay
        )
        self._check_betas(betas)
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _update(self, param, grad, state, group):
        xp = array_module(param)
        if not state:
            start_moments(state, param)
            state["mu_product"] = 1.0
        state["step"] += 1
        step, lr = state["step"], group["lr"]
        beta1, beta2 = group["betas"]
        g = self._direction_after_weight_decay(param, grad, group)

        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * group["momentum_decay"]))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * group["momentum_decay"]))
        state["mu_product"] = float(state["mu_product"] * mu)  # a Python float, like step
        mu_product = state["mu_product"]

        m, v = state["exp_avg"], state["exp_avg_sq"]
        update_moments(m, v, g, beta1, beta2)
        denom = xp.sqrt(v / (1 - beta2**step)) + group["eps"]
        param -= (lr * (1 - mu) / (1 - mu_product)) * (g / denom)
        param -= (lr * mu_next / (1 - mu_product * mu_next)) * (m / denom)
