"""The schedules that multiply the starting lr by a factor of the epoch t.

Each writes its factor as a formula; `FactorScheduler` (scheduler.py) steps it the way
PyTorch does, so they chain. LambdaLR is the exception, as in PyTorch: it sets
base_lr · lr_lambda(t) outright, whatever another scheduler did.
"""

from bisect import bisect_right

from minigrad.optim.lr_scheduler.scheduler import FactorScheduler, LRScheduler


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

    def _closed_form_lr(self):
        return [
            base_lr * fn(self.last_epoch) for base_lr, fn in zip(self.base_lrs, self.lr_lambdas)
        ]

    def state_dict(self):
        """Without the lambdas: functions are code, not state (the new scheduler has its own)."""
        return {k: v for k, v in super().state_dict().items() if k != "lr_lambdas"}


class StepLR(FactorScheduler):
    """factor = gamma^⌊epoch / step_size⌋: drops by gamma every step_size epochs."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def factor_at(self, epoch):
        return self.gamma ** (epoch // self.step_size)


class MultiStepLR(FactorScheduler):
    """factor = gamma^(number of milestones ≤ epoch): drops by gamma at each milestone.

    A milestone listed twice drops the lr twice, as in PyTorch.
    """

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        milestones = list(milestones)
        if milestones != sorted(milestones):
            raise ValueError(f"MultiStepLR: milestones must be in increasing order, got {milestones}")
        self.milestones = milestones
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def factor_at(self, epoch):
        return self.gamma ** bisect_right(self.milestones, epoch)


class ExponentialLR(FactorScheduler):
    """factor = gamma^epoch."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def factor_at(self, epoch):
        return self.gamma**epoch


class ConstantLR(FactorScheduler):
    """factor = `factor` before epoch total_iters, 1 from then on: a constant warm-up.

    PyTorch accepts factor=0 and then divides by it at total_iters; here it is refused.
    """

    def __init__(self, optimizer, factor=1.0 / 3, total_iters=5, last_epoch=-1):
        if not 0.0 < factor <= 1.0:
            raise ValueError(
                f"ConstantLR: factor must be in (0, 1] (the lr is divided by it at "
                f"total_iters), got {factor}"
            )
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def factor_at(self, epoch):
        return self.factor if epoch < self.total_iters else 1.0


class LinearLR(FactorScheduler):
    """factor goes in a straight line from start_factor (epoch 0) to end_factor (epoch
    total_iters), and stays there."""

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

    def factor_at(self, epoch):
        progress = min(epoch, self.total_iters) / self.total_iters
        return self.start_factor + (self.end_factor - self.start_factor) * progress


class PolynomialLR(FactorScheduler):
    """factor = (1 − min(epoch, total_iters) / total_iters)^power: down to 0 at total_iters."""

    def __init__(self, optimizer, total_iters=5, power=1.0, last_epoch=-1):
        if total_iters <= 0:
            raise ValueError(f"PolynomialLR: total_iters must be positive, got {total_iters}")
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def factor_at(self, epoch):
        return (1.0 - min(epoch, self.total_iters) / self.total_iters) ** self.power
