"""SGD: stochastic gradient descent, with optional momentum (PyTorch's rule exactly).

With g the gradient (plus weight_decay·θ, negated when maximizing), learning rate γ,
momentum μ and dampening τ, one step is

    b ← g                         on the first step
    b ← μ·b + (1 − τ)·g           afterwards            (the "momentum buffer")
    d ← g + μ·b   if nesterov,  else  d ← b             (d ← g when μ = 0)
    θ ← θ − γ·d

Momentum averages recent gradients, so steps keep going along directions that agree from
step to step and cancel along directions that flip sign: a ball rolling down the valley
instead of bouncing between its walls. Nesterov's variant looks one momentum step ahead.

Note for readers of papers: some write the momentum update as v ← μv − γg, θ ← θ + v. With a
constant learning rate that is the same path; PyTorch (and minigrad) apply γ after the buffer.
"""

from minigrad.optim.optimizer import Optimizer


class SGD(Optimizer):
    def __init__(
        self,
        params,
        lr=1e-3,
        momentum=0.0,
        dampening=0.0,
        weight_decay=0.0,
        nesterov=False,
        *,
        maximize=False,
    ):
        self._check_nonnegative(lr=lr, momentum=momentum, weight_decay=weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _update(self, param, grad, state, group):
        d = self._direction(param, grad, group["maximize"], group["weight_decay"])
        momentum = group["momentum"]
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                # a copy (d may be p.grad itself), in the parameter's dtype even when an
                # option was a numpy float64 that widened d
                buf = state["momentum_buffer"] = d.astype(param.dtype)
            else:
                buf *= momentum
                buf += (1 - group["dampening"]) * d
            d = d + momentum * buf if group["nesterov"] else buf
        param -= group["lr"] * d
