"""RMSprop: divide each coordinate's step by a running RMS of its gradients (PyTorch's rule).

With g the gradient (plus weight_decay·θ, negated when maximizing), learning rate γ,
smoothing constant α, momentum μ:

    v ← α·v + (1 − α)·g²                      running mean of squared gradients
    centered:  ḡ ← α·ḡ + (1 − α)·g,   s = √(v − ḡ²) + ε      (a running std. deviation)
    otherwise: s = √v + ε                                      (a running RMS)
    μ > 0:     b ← μ·b + g / s,   θ ← θ − γ·b
    μ = 0:     θ ← θ − γ·g / s

A coordinate whose gradients are large gets small steps and one with small gradients gets
larger ones, so a single learning rate suits directions of very different curvature.
Unlike Adam there is no bias correction: v starts at 0, so the very first steps are large
(about γ/√(1 − α) per coordinate).
"""

from minigrad.backend import array_module
from minigrad.optim.optimizer import Optimizer


class RMSprop(Optimizer):
    def __init__(
        self,
        params,
        lr=1e-2,
        alpha=0.99,
        eps=1e-8,
        weight_decay=0.0,
        momentum=0.0,
        centered=False,
        *,
        maximize=False,
    ):
        self._check_nonnegative(
            lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum
        )
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _update(self, param, grad, state, group):
        xp = array_module(param)
        if not state:
            state["step"] = 0
            state["square_avg"] = xp.zeros_like(param)
            if group["momentum"] > 0:
                state["momentum_buffer"] = xp.zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = xp.zeros_like(param)
        state["step"] += 1
        alpha = group["alpha"]
        g = self._direction(param, grad, group["maximize"], group["weight_decay"])

        v = state["square_avg"]
        v *= alpha
        v += (1 - alpha) * g * g
        if group["centered"]:
            mean = state["grad_avg"]
            mean += (1 - alpha) * (g - mean)
            scale = xp.sqrt(v - mean * mean) + group["eps"]
        else:
            scale = xp.sqrt(v) + group["eps"]

        if group["momentum"] > 0:
            buf = state["momentum_buffer"]
            buf *= group["momentum"]
            buf += g / scale
            param -= group["lr"] * buf
        else:
            param -= group["lr"] * (g / scale)
