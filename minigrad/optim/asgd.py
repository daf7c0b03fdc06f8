"""ASGD: SGD that also keeps a running average of its iterates (PyTorch's rule, Polyak &
Juditsky 1992, with the step sizes of Bottou 2012).

With g the gradient (plus weight_decay·θ, negated when maximizing), learning rate γ, decay
λ ('lambd'), power α and start t₀, at step t = 1, 2, ... (η and μ start at γ and 1):

    θ ← θ·(1 − λη) − η·g                  an SGD step with step size η
    ā ← ā + μ·(θ − ā)                     the average of the iterates       (state 'ax')
    η ← γ / (1 + λγt)^α                   a slowly shrinking step size
    μ ← 1 / max(1, t − t₀)                averaging starts after t₀ steps

The parameters follow plain SGD; the average ā, which noise does not shake as much, is the
answer to read at the end (state[p]['ax']). With the default t₀ = 10⁶ averaging only begins
after a million steps: until then ā is simply the latest θ.
"""

from minigrad.backend import array_module
from minigrad.optim.optimizer import Optimizer


class ASGD(Optimizer):
    def __init__(
        self,
        params,
        lr=1e-2,
        lambd=1e-4,
        alpha=0.75,
        t0=1e6,
        weight_decay=0.0,
        *,
        maximize=False,
    ):
        self._check_nonnegative(lr=lr, weight_decay=weight_decay)
        defaults = dict(
            lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay, maximize=maximize
        )
        super().__init__(params, defaults)

    def _update(self, param, grad, state, group):
        xp = array_module(param)
        if not state:
            state["step"] = 0
            state["eta"] = float(group["lr"])
            state["mu"] = 1.0
            state["ax"] = xp.zeros_like(param)
        state["step"] += 1
        step, eta, lambd = state["step"], state["eta"], group["lambd"]
        g = self._direction(param, grad, group["maximize"], group["weight_decay"])

        param *= 1 - lambd * eta
        param -= eta * g
        ax = state["ax"]
        if state["mu"] != 1:
            ax += state["mu"] * (param - ax)
        else:
            ax[...] = param
        # Python floats, like the options: numpy float64 scalars would widen float32 arithmetic
        state["eta"] = float(group["lr"] / (1 + lambd * group["lr"] * step) ** group["alpha"])
        state["mu"] = float(1 / max(1, step - group["t0"]))
