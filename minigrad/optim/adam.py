"""Adam and AdamW: momentum plus a per-coordinate step size (PyTorch's rules exactly).

With g the gradient, learning rate γ, betas (β₁, β₂) and step count t = 1, 2, ...:

    m ← β₁·m + (1 − β₁)·g          running mean of gradients         (first moment)
    v ← β₂·v + (1 − β₂)·g²         running mean of squared gradients (second moment)
    m̂ = m / (1 − β₁ᵗ),   v̂ = v / (1 − β₂ᵗ)          bias corrections
    θ ← θ − γ · m̂ / (√v̂ + ε)

m and v start at zero, so early on they are too small; dividing by 1 − βᵗ corrects that.
Dividing by √v̂ gives every coordinate a step of about γ whatever its gradient's scale: large,
noisy gradients get damped, small consistent ones get boosted. With amsgrad, v̂ uses the
largest v seen so far, so a coordinate's step size never grows again.

Weight decay, two ways (the difference is AdamW's reason to exist):
  Adam(weight_decay=λ)   adds λ·θ to g: the gradient of an L2 penalty (λ/2)·‖θ‖² in the loss.
                         It then goes through the division by √v̂, so weights with large
                         gradients are barely decayed.
  AdamW(weight_decay=λ)  "decoupled": first shrinks θ ← θ·(1 − γλ), then takes the Adam step
                         on the plain gradient. Every weight decays at the same rate, which
                         regularises better (Loshchilov & Hutter, 2019).
For plain SGD the two are the same thing; for adaptive optimizers they are not.
"""

import math

import numpy as np

from minigrad.backend import array_module, device_of
from minigrad.optim.optimizer import Optimizer


class Adam(Optimizer):
    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        amsgrad=False,
        *,
        maximize=False,
        decoupled_weight_decay=False,
    ):
        self._check_nonnegative(lr=lr, eps=eps, weight_decay=weight_decay)
        self._check_betas(betas)
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    def _update(self, param, grad, state, group):
        xp = array_module(param)
        if not state:
            start_moments(state, param)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = xp.zeros_like(param)
        state["step"] += 1
        step, lr = state["step"], group["lr"]
        beta1, beta2 = group["betas"]
        g = self._direction_after_weight_decay(param, grad, group)

        m, v = state["exp_avg"], state["exp_avg_sq"]
        if _fused_update_applies(param, g, m, v, group):
            _fused_update(param, g, m, v, beta1, beta2, group["eps"], lr, step)
            return
        if _gpu_kernel_applies(param, m, v, group):
            from kernels import dispatch  # the CPU never imports the GPU kernels

            numbers = _update_numbers(param.dtype, beta1, beta2, group["eps"], lr, step)
            dispatch.adam_update(param, g, m, v, *numbers)
            return
        update_moments(m, v, g, beta1, beta2)
        if group["amsgrad"]:
            xp.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            v = state["max_exp_avg_sq"]

        step_size = lr / (1 - math.pow(beta1, step))
        denom = xp.sqrt(v) / math.sqrt(1 - math.pow(beta2, step)) + group["eps"]
        param -= step_size * (m / denom)


def start_moments(state, param):
    """Adam's state, which NAdam and RAdam share: a step count and both moments at zero."""
    xp = array_module(param)
    state["step"] = 0
    state["exp_avg"] = xp.zeros_like(param)
    state["exp_avg_sq"] = xp.zeros_like(param)


def update_moments(m, v, g, beta1, beta2):
    """m ← β₁·m + (1 − β₁)·g and v ← β₂·v + (1 − β₂)·g², in place (Adam, NAdam, RAdam)."""
    m += (1 - beta1) * (g - m)
    v *= beta2
    v += (1 - beta2) * g * g


def _fused_update_applies(param, grad, m, v, group):
    """The compiled loop handles plain Adam on contiguous CPU arrays; amsgrad and CuPy arrays
    take the numpy/CuPy lines of `Adam._update`."""
    arrays = (param, grad, m, v)
    return not group["amsgrad"] and all(
        isinstance(a, np.ndarray) and a.flags.c_contiguous and a.dtype == param.dtype
        for a in arrays
    )


def _gpu_kernel_applies(param, m, v, group):
    """Plain Adam on float32 CuPy arrays runs kernels/cuda/adam.cu (or its Numba twin): one
    launch per parameter instead of about twelve. MINIGRAD_KERNELS=vendor keeps the CuPy
    lines of `Adam._update`, the yardstick the kernel is measured against."""
    if group["amsgrad"] or device_of(param) != "cuda":
        return False
    from kernels import dispatch

    return dispatch.implementation() != "vendor" and all(
        a.dtype == np.float32 and a.flags.c_contiguous for a in (param, m, v)
    )


def _fused_update(param, grad, m, v, beta1, beta2, eps, lr, step):
    """`Adam._update`'s formulas in one pass over memory (see cpu_kernels.adam_update): the
    textbook lines make about ten passes, each with a temporary array, and Adam runs over
    every parameter at every step."""
    from minigrad.ops import cpu_kernels  # numba loads on first use, not on import

    cpu_kernels.adam_update(
        param.reshape(-1), grad.reshape(-1), m.reshape(-1), v.reshape(-1),
        *_update_numbers(param.dtype, beta1, beta2, eps, lr, step),
    )


def _update_numbers(dtype, beta1, beta2, eps, lr, step):
    """(1 − β₁, β₂, 1 − β₂, ε, γ / (1 − β₁ᵗ), √(1 − β₂ᵗ)): what the one-pass updates take, in
    the parameter's dtype, so the arithmetic is float32 for a float32 model, as it is in the
    array lines."""
    as_dtype = dtype.type
    return (
        as_dtype(1 - beta1), as_dtype(beta2), as_dtype(1 - beta2), as_dtype(eps),
        as_dtype(lr / (1 - math.pow(beta1, step))), as_dtype(math.sqrt(1 - math.pow(beta2, step))),
    )


class AdamW(Adam):
    """Adam with decoupled weight decay (see the module docstring), on by default."""

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=1e-2,
        amsgrad=False,
        *,
        maximize=False,
    ):
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            maximize=maximize,
            decoupled_weight_decay=True,
        )
