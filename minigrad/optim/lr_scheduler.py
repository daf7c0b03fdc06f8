"""Learning-rate schedules: change each param group's 'lr' as training goes on.

A large learning rate makes fast early progress; a small one settles into a minimum instead
of bouncing around it. A schedule gets both. Call `scheduler.step()` once per epoch (or per
batch, if the schedule is counted in batches), after `optimizer.step()`:

    scheduler = CosineAnnealingLR(optimizer, T_max=epochs)
    for epoch in range(epochs):
        train_one_epoch(model, optimizer)
        scheduler.step()

The common strategies and the class for each:
    fixed             no scheduler at all (or LambdaLR(opt, lambda epoch: 1.0))
    step decay        StepLR: multiply by gamma every step_size epochs
    exponential       ExponentialLR: multiply by gamma every epoch
    linear decay      LinearLR(opt, start_factor=1.0, end_factor=0.0, total_iters=epochs);
                      with start_factor < 1 and end_factor=1 it is a linear warm-up
    cosine            CosineAnnealingLR: half a cosine from the base lr down to eta_min
    adaptive          ReduceLROnPlateau: divide the lr when a watched metric stops improving
    anything else     LambdaLR(opt, lambda epoch: factor)

Each schedule here is a closed formula of the epoch count `last_epoch` and the group's
starting learning rate (`base_lrs`, saved in the group as 'initial_lr'). PyTorch computes the
same values step by step from the current lr, so its schedulers can be stacked on one
optimizer; these recompute from the start, so for a combined schedule write one LambdaLR.
"""

import math

from minigrad.optim.optimizer import Optimizer


class LRScheduler:
    """Base class: subclasses define `get_lr()`, the lr of each group at `self.last_epoch`.

    Creating a scheduler already applies epoch 0's learning rate (as PyTorch does), so
    `get_last_lr()` is right before the first `step()`.
    """

    def __init__(self, optimizer, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__}: {type(optimizer).__name__} is not an Optimizer"
            )
        self.optimizer = optimizer
        for index, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(
                    f"{type(self).__name__}: param_groups[{index}] has no 'initial_lr' to "
                    f"resume from at last_epoch={last_epoch}; start with last_epoch=-1"
                )
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self.step()

    def get_lr(self):
        raise NotImplementedError(f"{type(self).__name__} does not define get_lr()")

    def step(self):
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self):
        """The learning rates the last `step()` set, one per param group."""
        return self._last_lr

    def state_dict(self):
        """Everything but the optimizer (which has its own state_dict)."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict):
        self.__dict__.update(state_dict)


class LambdaLR(LRScheduler):
    """lr = base_lr · lr_lambda(epoch); one function, or a list with one per param group."""

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        groups = optimizer.param_groups
        lambdas = list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else None
        if lambdas is not None and len(lambdas) != len(groups):
            raise ValueError(
                f"LambdaLR: expected {len(groups)} lr_lambdas (one per group), got {len(lambdas)}"
            )
        self.lr_lambdas = lambdas or [lr_lambda] * len(groups)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [
            base_lr * fn(self.last_epoch) for base_lr, fn in zip(self.base_lrs, self.lr_lambdas)
        ]

    def state_dict(self):
        """Without the lambdas: functions are code, not state (the new scheduler has its own)."""
        return {k: v for k, v in super().state_dict().items() if k != "lr_lambdas"}


class StepLR(LRScheduler):
    """lr = base_lr · gamma^⌊epoch / step_size⌋: drops by gamma every step_size epochs."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        factor = self.gamma ** (self.last_epoch // self.step_size)
        return [base_lr * factor for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """lr = base_lr · gamma^epoch."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base_lr * self.gamma**self.last_epoch for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """lr = base_lr · f, with f going in a straight line from start_factor (epoch 0) to
    end_factor (epoch total_iters), and staying there."""

    def __init__(
        self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5, last_epoch=-1
    ):
        if not 0.0 < start_factor <= 1.0:
            raise ValueError(f"LinearLR: start_factor must be in (0, 1], got {start_factor}")
        if not 0.0 <= end_factor <= 1.0:
            raise ValueError(f"LinearLR: end_factor must be in [0, 1], got {end_factor}")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        progress = min(self.last_epoch, self.total_iters) / self.total_iters
        factor = self.start_factor + (self.end_factor - self.start_factor) * progress
        return [base_lr * factor for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (base_lr − eta_min) · (1 + cos(π · epoch / T_max)) / 2.

    Starts at base_lr, falls slowly, fastest in the middle, and flattens out at eta_min after
    T_max epochs (past T_max the cosine rises again, as in PyTorch).
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        cosine = (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
        return [self.eta_min + (base_lr - self.eta_min) * cosine for base_lr in self.base_lrs]


class ReduceLROnPlateau(LRScheduler):
    """Multiply the lr by `factor` when a metric has not improved for `patience` epochs.

    Call `step(metric)` with the validation loss (mode='min') or accuracy (mode='max') each
    epoch. "Improved" means better than the best so far by more than `threshold`: relative
    (best·(1 ∓ threshold)) or absolute (best ∓ threshold), per `threshold_mode`. After a
    reduction, `cooldown` epochs pass before bad epochs count again. The lr never goes below
    `min_lr` (one number, or one per group), and changes smaller than `eps` are skipped.
    """

    def __init__(
        self,
        optimizer,
        mode="min",
        factor=0.1,
        patience=10,
        threshold=1e-4,
        threshold_mode="rel",
        cooldown=0,
        min_lr=0.0,
        eps=1e-8,
    ):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"ReduceLROnPlateau: {type(optimizer).__name__} is not an Optimizer")
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor must be < 1.0, got {factor}")
        if mode not in ("min", "max"):
            raise ValueError(f"ReduceLROnPlateau: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(
                f"ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}"
            )
        groups = optimizer.param_groups
        min_lrs = list(min_lr) if isinstance(min_lr, (list, tuple)) else [min_lr] * len(groups)
        if len(min_lrs) != len(groups):
            raise ValueError(
                f"ReduceLROnPlateau: expected {len(groups)} min_lrs, got {len(min_lrs)}"
            )
        self.optimizer = optimizer
        self.mode, self.factor, self.patience = mode, factor, patience
        self.threshold, self.threshold_mode = threshold, threshold_mode
        self.cooldown, self.min_lrs, self.eps = cooldown, min_lrs, eps
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self._last_lr = [group["lr"] for group in groups]

    def step(self, metrics):
        current = float(metrics)
        self.last_epoch += 1
        if self._is_better(current):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _is_better(self, current):
        relative = self.threshold_mode == "rel"
        if self.mode == "min":
            bar = self.best * (1.0 - self.threshold) if relative else self.best - self.threshold
            return current < bar
        bar = self.best * (1.0 + self.threshold) if relative else self.best + self.threshold
        return current > bar

    def _reduce_lr(self):
        for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr
