"""Two ways to combine schedulers on one optimizer, as PyTorch does.

SequentialLR hands the optimizer from one scheduler to the next at each milestone, and
restarts the next one at its epoch 0 (its closed form there: its base lr times its factor
at 0), so each schedule runs as if it were alone from its milestone on:

    warmup = LinearLR(opt, start_factor=0.1, total_iters=5)
    cosine = CosineAnnealingLR(opt, T_max=epochs - 5)
    scheduler = SequentialLR(opt, [warmup, cosine], milestones=[5])

ChainedScheduler steps all of its schedulers every epoch. Those that step recursively
(FactorScheduler, CosineAnnealingLR) each apply their own change to the current lr, so the
effects multiply; LambdaLR, CosineAnnealingWarmRestarts and OneCycleLR set their closed
form and overwrite what came before them, exactly as in PyTorch.
"""

from bisect import bisect_right

from minigrad.optim.lr_scheduler.plateau import ReduceLROnPlateau
from minigrad.optim.lr_scheduler.scheduler import LRScheduler


def _check_schedulers(name, schedulers, optimizer):
    if not schedulers:
        raise ValueError(f"{name}: expected at least one scheduler, got none")
    for index, scheduler in enumerate(schedulers):
        if not isinstance(scheduler, LRScheduler):
            raise TypeError(f"{name}: schedulers[{index}] is a {type(scheduler).__name__}, "
                            "not a learning-rate scheduler")
        if isinstance(scheduler, ReduceLROnPlateau):  # a ValueError in PyTorch too
            raise ValueError(  # noqa: TRY004
                f"{name}: schedulers[{index}] is a ReduceLROnPlateau, whose step() "
                "needs a metric; step it yourself"
            )
        if scheduler.optimizer is not optimizer:
            raise ValueError(f"{name}: schedulers[{index}] ({type(scheduler).__name__}) "
                             "belongs to a different optimizer")


class _SchedulerList(LRScheduler):
    """What SequentialLR and ChainedScheduler share: a state dict that holds each
    scheduler's own state dict, in order, under '_schedulers' (PyTorch's layout)."""

    def state_dict(self):
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [scheduler.state_dict() for scheduler in self._schedulers]
        return state

    def load_state_dict(self, state_dict):
        self.__dict__.update({k: v for k, v in state_dict.items() if k != "_schedulers"})
        for scheduler, state in zip(self._schedulers, state_dict["_schedulers"]):
            scheduler.load_state_dict(state)


def _undo_initial_steps(scheduler):
    """Take back the epoch-0 step each scheduler made when it was created (nested ones too):
    they have not started yet."""
    if isinstance(scheduler, _SchedulerList):
        for inner in scheduler._schedulers:
            _undo_initial_steps(inner)
    else:
        scheduler.last_epoch -= 1


class SequentialLR(_SchedulerList):
    """schedulers[i] runs from milestones[i − 1] (0 for the first) until milestones[i]."""

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        _check_schedulers("SequentialLR", schedulers, optimizer)
        milestones = list(milestones)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                f"SequentialLR: expected {len(schedulers) - 1} milestones (one fewer than the "
                f"schedulers), got {len(milestones)}"
            )
        if milestones != sorted(milestones):
            raise ValueError(f"SequentialLR: milestones must be in increasing order, got "
                             f"{milestones}")
        self._schedulers = list(schedulers)
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        # Creating the schedulers changed the lrs (a warm-up's start_factor, say); start over.
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for scheduler in self._schedulers:
            _undo_initial_steps(scheduler)
        first = self._schedulers[bisect_right(milestones, 0)]
        first.step()
        self._last_lr = first.get_last_lr()

    def step(self):
        self.last_epoch += 1
        index = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler.step(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


class ChainedScheduler(_SchedulerList):
    """Steps every scheduler, in order, each epoch. Creating it changes nothing: each
    scheduler already applied its epoch 0 when it was created."""

    def __init__(self, schedulers, optimizer=None):
        schedulers = list(schedulers)
        optimizer = optimizer or (schedulers[0].optimizer if schedulers else None)
        _check_schedulers("ChainedScheduler", schedulers, optimizer)
        self._schedulers = schedulers
        self.optimizer = optimizer
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def step(self):
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]
