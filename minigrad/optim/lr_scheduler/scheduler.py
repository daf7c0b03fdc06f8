"""`LRScheduler`, the base of every schedule, and `FactorScheduler`, the base of those that
multiply the lr by a factor of the epoch.

Two ways to compute a schedule, and why both are here:

  closed form   lr_t = base_lr · factor(t), from the group's starting lr ('initial_lr').
                Clear, and right for one scheduler alone; `step(epoch)` jumps with it.
  recursive     lr_t = lr_{t−1} · factor(t) / factor(t−1), from the group's *current* lr.
                Alone it gives the same numbers (to rounding, ~1e-16 a step). But when a
                second scheduler also changes the lr, each one applies only its own change,
                so their factors multiply. This is how PyTorch steps, and `step()` does it.

Warm-up then decay, for example: ChainedScheduler([ConstantLR(opt, factor=0.1,
total_iters=2), ExponentialLR(opt, gamma=0.9)]) gives 0.1·0.9^t at first and 0.9^t from
epoch 2 on. A closed form would let the second scheduler overwrite the first.
"""

from minigrad.optim.optimizer import Optimizer


def require_optimizer(scheduler_name, optimizer):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{scheduler_name}: {type(optimizer).__name__} is not an Optimizer")


class LRScheduler:
    """Base class: subclasses define `_closed_form_lr()`, each group's lr at `last_epoch` from
    `base_lrs`, and may define `get_lr()`, the lr at `last_epoch` from the current lrs (by
    default the closed form: such a schedule overwrites what another scheduler set, as in
    PyTorch).

    Creating a scheduler already applies epoch 0's learning rate (as PyTorch does), so
    `get_last_lr()` is right before the first `step()`. Creating it with `last_epoch=k` (to
    resume) jumps to epoch k + 1 by the closed form; PyTorch 2.13 instead keeps the loaded
    lrs (ExponentialLR, LinearLR, PolynomialLR, CosineAnnealingLR) or takes one recursive
    step from them (StepLR, MultiStepLR, ConstantLR). `load_state_dict` resumes exactly.
    """

    def __init__(self, optimizer, last_epoch=-1):
        require_optimizer(type(self).__name__, optimizer)
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
        self.step(None if last_epoch == -1 else last_epoch + 1)

    def _closed_form_lr(self):
        raise NotImplementedError(f"{type(self).__name__} does not define _closed_form_lr()")

    def get_lr(self):
        return self._closed_form_lr()

    def step(self, epoch=None):
        """Move to the next epoch, or with `epoch`, jump to that one (by the closed form)."""
        if epoch is None:
            self.last_epoch += 1
            lrs = self.get_lr()
        else:
            self.last_epoch = epoch
            lrs = self._closed_form_lr()
        for group, lr in zip(self.optimizer.param_groups, lrs):
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


class FactorScheduler(LRScheduler):
    """lr_t = base_lr · factor(t); subclasses define `factor_at(epoch)`.

    `step()` scales the current lr by factor(t) / factor(t−1) (by factor(0) at epoch 0), and
    leaves it alone where the factor does not change; so a factor that reaches 0 and stays
    there (LinearLR to end_factor=0, PolynomialLR) never divides by it.
    """

    def factor_at(self, epoch):
        raise NotImplementedError(f"{type(self).__name__} does not define factor_at()")

    def _closed_form_lr(self):
        return [base_lr * self.factor_at(self.last_epoch) for base_lr in self.base_lrs]

    def get_lr(self):
        now = self.factor_at(self.last_epoch)
        before = 1.0 if self.last_epoch == 0 else self.factor_at(self.last_epoch - 1)
        lrs = [group["lr"] for group in self.optimizer.param_groups]
        if now == before:
            return lrs
        return [lr * now / before for lr in lrs]
