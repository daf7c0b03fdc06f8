"""`Optimizer`: the base class that turns gradients into parameter updates.

Training repeats one loop:

    loss = loss_fn(model(x), y)
    optimizer.zero_grad()     # forget last step's gradients (backward() adds into .grad)
    loss.backward()           # fill p.grad for every parameter
    optimizer.step()          # p <- p - (something computed from p.grad)

Every optimizer has the same bookkeeping, which lives here:

  param_groups  a list of dicts, each with 'params' (the tensors) and every option ('lr', ...)
                of that group. Groups let parts of a model train differently, e.g. a smaller
                learning rate for a pretrained backbone:
                    SGD([{"params": backbone.parameters(), "lr": 1e-4},
                         {"params": head.parameters()}], lr=1e-2)
                Options a group does not give come from the optimizer's defaults. Learning-rate
                schedulers work by rewriting group['lr'].
  state         per-parameter memory (momentum buffers, running averages, step counts), a dict
                keyed by the parameter tensor itself.

A subclass only writes `_update(param, grad, state, group)`: the rule for ONE parameter, on the
raw numpy/CuPy arrays. The base class walks the groups under `no_grad` (an update is not part
of any graph) and skips parameters that received no gradient.

Updates change `p.data` in place, so anything holding the parameter (the model, another
optimizer, a scheduler) sees the new values, and keep its dtype: hyper-parameters are Python
floats, which numpy applies in the array's own precision, so a float32 model stays float32.
"""

from collections import defaultdict

import numpy as np

from minigrad.autograd import enable_grad, no_grad
from minigrad.backend import array_module, to_device, to_numpy
from minigrad.tensor import Tensor


class Optimizer:
    def __init__(self, params, defaults):
        if isinstance(params, Tensor):
            raise TypeError(
                f"{type(self).__name__}: params should be an iterable of Tensors or dicts "
                "(e.g. model.parameters()), but got a single Tensor; wrap it in a list"
            )
        self.defaults = dict(defaults)
        self.state = defaultdict(dict)
        self.param_groups = []
        groups = list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        """Add a group of parameters with its own options (e.g. when unfreezing layers)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"add_param_group: expected a dict, got {type(param_group).__name__}")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, set):
            raise TypeError(
                "add_param_group: params must be an ordered collection (a list), not a set: "
                "a set's order changes between runs, and the order names the state"
            )
        group["params"] = [params] if isinstance(params, Tensor) else list(params)
        for p in group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"add_param_group: can only optimize Tensors, got {type(p).__name__}"
                )
            if not p.is_leaf:
                raise ValueError(
                    "add_param_group: can't optimize a non-leaf Tensor (one computed by an "
                    "op); optimize the leaf it came from"
                )
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        new_ids = [id(p) for p in group["params"]]
        seen_ids = {id(p) for g in self.param_groups for p in g["params"]}
        if len(set(new_ids)) != len(new_ids) or not seen_ids.isdisjoint(new_ids):
            raise ValueError(
                "add_param_group: some parameters appear twice (within this group or in an "
                "earlier group); each parameter may be optimized only once"
            )
        self.param_groups.append(group)

    def zero_grad(self, set_to_none=True):
        """Clear gradients before the next backward() (which would otherwise add to them)."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    p.grad.zero_()

    def step(self, closure=None):
        """Update every parameter that has a gradient. `closure`, if given, re-evaluates the
        model and returns the loss (computed with gradients on); step returns that loss."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        self._update(p.data, p.grad.data, self.state[p], group)
        return loss

    def _update(self, param, grad, state, group):
        """Change the array `param` in place, given its gradient array `grad`, this
        parameter's `state` dict (empty on the first step) and its group's options."""
        raise NotImplementedError(f"{type(self).__name__} does not define _update()")

    # ---- helpers shared by the update rules ----------------------------------------------
    @staticmethod
    def _direction(param, grad, maximize, weight_decay):
        """The gradient an update rule follows: negated to climb instead of descend, plus
        weight_decay·θ, which is the gradient of the L2 penalty (weight_decay/2)·‖θ‖².

        Adding it here ("coupled" weight decay) means it also passes through the rule's
        momentum or adaptive scaling. With neither option this is `grad` itself, the user's
        p.grad: update rules read it but never change it in place.
        """
        direction = -grad if maximize else grad
        if weight_decay != 0:
            direction = direction + weight_decay * param
        return direction

    def _direction_after_weight_decay(self, param, grad, group):
        """`_direction` for the Adam family, whose groups say how to apply weight decay.

        With group['decoupled_weight_decay'] (AdamW's way) θ first shrinks by the factor
        1 − γλ, in place, and the rule then follows the plain gradient; otherwise λθ is
        added to the gradient (L2 penalty).
        """
        weight_decay = group["weight_decay"]
        if group.get("decoupled_weight_decay"):
            param *= 1 - group["lr"] * weight_decay
            weight_decay = 0.0
        return self._direction(param, grad, group["maximize"], weight_decay)

    def _check_nonnegative(self, **values):
        for name, value in values.items():
            if not value >= 0.0:
                raise ValueError(f"{type(self).__name__}: invalid {name} {value} (must be >= 0)")

    def _check_betas(self, betas):
        if len(betas) != 2 or not all(0.0 <= beta < 1.0 for beta in betas):
            raise ValueError(
                f"{type(self).__name__}: betas must be two numbers in [0, 1), got {betas}"
            )

    # ---- saving and resuming -------------------------------------------------------------
    def state_dict(self):
        """A snapshot of the optimizer, PyTorch's layout with numpy arrays:

            {"state": {0: {"step": 3, "exp_avg": array, ...}, 1: {...}},
             "param_groups": [{"lr": 0.01, ..., "params": [0, 1]}, ...]}

        Parameters are named by their position across the groups (0, 1, 2, ...), not by the
        tensors, so the dict can be loaded into a new optimizer over a new model of the same
        shape. Arrays are copies: later steps do not change a saved snapshot.
        """
        ids = {}
        groups = []
        for group in self.param_groups:
            for p in group["params"]:
                ids.setdefault(id(p), len(ids))
            options = {k: v for k, v in group.items() if k != "params"}
            groups.append({**options, "params": [ids[id(p)] for p in group["params"]]})
        state = {
            ids[id(p)]: {k: _snapshot(v) for k, v in self.state[p].items()}
            for group in self.param_groups
            for p in group["params"]
            if self.state.get(p)
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore a snapshot from `state_dict()`: options per group, and each parameter's
        state, cast to that parameter's dtype and device."""
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"load_state_dict: the state dict has {len(saved_groups)} parameter groups, "
                f"this {type(self).__name__} has {len(self.param_groups)}"
            )
        params_by_id = {}
        for index, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"load_state_dict: parameter group {index} has {len(saved['params'])} "
                    f"parameters in the state dict, but {len(group['params'])} here"
                )
            params_by_id.update(zip(saved["params"], group["params"]))
        state = defaultdict(dict)
        for param_id, saved_state in state_dict["state"].items():
            if param_id not in params_by_id:
                raise ValueError(f"load_state_dict: state for unknown parameter id {param_id!r}")
            p = params_by_id[param_id]
            shape = self._state_array_shape(p)
            state[p] = {
                key: _restore(value, p, shape, f"state[{param_id!r}][{key!r}]")
                for key, value in saved_state.items()
            }
        self.state = state
        self.param_groups = [
            {**{k: v for k, v in saved.items() if k != "params"}, "params": group["params"]}
            for saved, group in zip(saved_groups, self.param_groups)
        ]

    def _state_array_shape(self, param):
        """The shape of the arrays in `param`'s state: the parameter's own, as a rule."""
        return tuple(param.shape)

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for index, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {index}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines + [")"])


def _snapshot(value):
    """A state entry as it goes into a state dict: arrays copied to numpy, numbers (and None)
    as they are, lists (LBFGS's history) entry by entry."""
    if value is None or isinstance(value, (int, float)):
        return value
    if isinstance(value, list):
        return [_snapshot(item) for item in value]
    return np.array(to_numpy(value), copy=True)


def _restore(value, param, shape, where):
    if value is None or isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return [_restore(item, param, shape, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, Tensor):
        value = value.data
    if tuple(value.shape) != shape:
        raise ValueError(
            f"load_state_dict: {where} has shape {tuple(value.shape)}, but the parameter's "
            f"state needs shape {shape}"
        )
    value = to_device(value, param.device).astype(param.dtype, copy=False)
    return array_module(value).array(value, copy=True)

