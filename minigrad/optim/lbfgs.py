"""L-BFGS: a quasi-Newton method that remembers the last few steps (PyTorch's algorithm).

Newton's method steps by d = −H⁻¹g, with H the Hessian. L-BFGS never forms H: from the last
m steps sₖ = θₖ₊₁ − θₖ and gradient changes yₖ = gₖ₊₁ − gₖ (history_size pairs, each kept
only when its curvature yₖ·sₖ > 1e-10) it applies an approximation of H⁻¹ to g in O(m·n),
by the "two-loop recursion" (ρₖ = 1/(yₖ·sₖ)):

    q ← −g
    for k = newest .. oldest:  αₖ = ρₖ·(sₖ·q),  q ← q − αₖ·yₖ
    r ← q·(y·s)/(y·y)                      (newest pair: the scale of H⁻¹ along y)
    for k = oldest .. newest:  βₖ = ρₖ·(yₖ·r),  r ← r + (αₖ − βₖ)·sₖ
    d = r

The first direction is −g with step t = γ·min(1, 1/‖g‖₁); later ones take t = γ. With
line_search_fn='strong_wolfe', t is instead searched along d until the loss has fallen
enough and the slope has flattened enough (the strong Wolfe conditions, see
`strong_wolfe`).

One `step(closure)` runs up to max_iter of these iterations (and up to max_eval loss
evaluations), so the closure must recompute the loss and its gradients:

    def closure():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        return loss
    optimizer.step(closure)

It stops early when the largest |gradient| is at most tolerance_grad, or when the loss or
the parameters change by less than tolerance_change. The memory lives in the state of the
first parameter (PyTorch's layout), as flat vectors over all parameters; so there is one
parameter group only. Full-batch problems suit it; noisy mini-batch gradients do not.
"""

from functools import partial

from minigrad.autograd import enable_grad, no_grad
from minigrad.backend import array_module
from minigrad.optim.line_search import strong_wolfe
from minigrad.optim.optimizer import Optimizer
from minigrad.tensor import Tensor

LINE_SEARCHES = (None, "strong_wolfe")


class LBFGS(Optimizer):
    def __init__(
        self,
        params,
        lr=1,
        max_iter=20,
        max_eval=None,
        tolerance_grad=1e-7,
        tolerance_change=1e-9,
        history_size=100,
        line_search_fn=None,
    ):
        self._check_nonnegative(lr=lr)
        if line_search_fn not in LINE_SEARCHES:
            raise ValueError(
                f"LBFGS: line_search_fn must be one of {LINE_SEARCHES}, got {line_search_fn!r}"
            )
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(
            lr=lr,
            max_iter=max_iter,
            max_eval=max_eval,
            tolerance_grad=tolerance_grad,
            tolerance_change=tolerance_change,
            history_size=history_size,
            line_search_fn=line_search_fn,
        )
        super().__init__(params, defaults)
        self._params = self.param_groups[0]["params"]

    def add_param_group(self, param_group):
        if self.param_groups:
            raise ValueError(
                "LBFGS: doesn't support per-parameter options (parameter groups); its memory "
                "is one flat vector over all parameters"
            )
        super().add_param_group(param_group)

    def _state_array_shape(self, param):
        return (sum(p.data.size for p in self._params),)

    # ---- the parameters and gradients as one flat vector ---------------------------------
    def _flat_grad(self):
        xp = array_module(self._params[0].data)
        return xp.concatenate([
            (p.grad.data if p.grad is not None else xp.zeros_like(p.data)).reshape(-1)
            for p in self._params
        ])

    def _add_to_params(self, step_size, direction):
        offset = 0
        for p in self._params:
            param = p.data
            param += step_size * direction[offset : offset + param.size].reshape(param.shape)
            offset += param.size

    def _evaluate(self, closure):
        """(the closure's return value, the loss as a float, the flat gradient)."""
        with enable_grad():
            loss = closure()
        value = loss.item() if isinstance(loss, Tensor) else loss
        return loss, float(value), self._flat_grad()

    def _loss_and_grad_along(self, closure, d, t):
        """The loss and flat gradient at θ + t·d, leaving θ where it was."""
        saved = [p.data.copy() for p in self._params]
        self._add_to_params(t, d)
        _, loss, flat_grad = self._evaluate(closure)
        for p, data in zip(self._params, saved):
            p.data[...] = data
        return loss, flat_grad

    # ---- one step: up to max_iter L-BFGS iterations --------------------------------------
    def step(self, closure=None):
        """Minimise the loss that `closure` recomputes (see the module docstring); returns
        the closure's value at the parameters as they were on entry."""
        if closure is None:
            raise TypeError(
                "LBFGS.step: needs a closure that zeroes the gradients, recomputes the loss, "
                "calls backward() and returns the loss; it evaluates the loss several times"
            )
        with no_grad():
            return self._step(closure)

    def _step(self, closure):
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss, loss, flat_grad = self._evaluate(closure)
        current_evals = 1
        state["func_evals"] += 1
        xp = array_module(flat_grad)
        if float(xp.abs(flat_grad).max()) <= tolerance_grad:
            return orig_loss

        d, t = state.get("d"), state.get("t")
        old_dirs, old_stps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
        H_diag, prev_flat_grad = state.get("H_diag"), state.get("prev_flat_grad")
        prev_loss = state.get("prev_loss")

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1

            if state["n_iter"] == 1:
                d, old_dirs, old_stps, ro, H_diag = -flat_grad, [], [], [], 1.0
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = float(xp.dot(y, s))
                if ys > 1e-10:  # keep only pairs with positive curvature: H⁻¹ stays positive
                    if len(old_dirs) == group["history_size"]:
                        old_dirs.pop(0), old_stps.pop(0), ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / float(xp.dot(y, y))
                d = _two_loop_direction(flat_grad, old_dirs, old_stps, ro, H_diag)

            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / float(xp.abs(flat_grad).sum())) * lr
            else:
                t = lr

            gtd = float(xp.dot(flat_grad, d))  # the slope along d: it must point downhill
            if gtd > -tolerance_change:
                break

            evals = 0
            if group["line_search_fn"] == "strong_wolfe":
                loss, flat_grad, t, evals = strong_wolfe(
                    partial(self._loss_and_grad_along, closure, d),
                    t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals,
                )  # with the search's own tolerance_change, as PyTorch does
                self._add_to_params(t, d)
                converged = float(xp.abs(flat_grad).max()) <= tolerance_grad
            else:
                self._add_to_params(t, d)
                converged = False
                if n_iter != max_iter:  # the last iteration's loss is the next step's first
                    _, loss, flat_grad = self._evaluate(closure)
                    converged = float(xp.abs(flat_grad).max()) <= tolerance_grad
                    evals = 1
            current_evals += evals
            state["func_evals"] += evals

            if n_iter == max_iter or current_evals >= max_eval or converged:
                break
            if float(xp.abs(d * t).max()) <= tolerance_change:
                break
            if abs(loss - prev_loss) < tolerance_change:
                break

        state.update(d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=H_diag,
                     prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        return orig_loss


def _two_loop_direction(flat_grad, old_dirs, old_stps, ro, H_diag):
    """d = −H⁻¹g by the two-loop recursion of the module docstring."""
    xp = array_module(flat_grad)
    alphas = [0.0] * len(old_dirs)
    q = -flat_grad
    for i in reversed(range(len(old_dirs))):
        alphas[i] = float(xp.dot(old_stps[i], q)) * ro[i]
        q -= alphas[i] * old_dirs[i]
    r = q * H_diag
    for i in range(len(old_dirs)):
        beta = float(xp.dot(old_dirs[i], r)) * ro[i]
        r += (alphas[i] - beta) * old_stps[i]
    return r
