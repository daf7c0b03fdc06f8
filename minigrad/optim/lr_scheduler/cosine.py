"""Cosine annealing: half a cosine from the base lr down to eta_min, once or with restarts.

    lr(t) = eta_min + (base_lr − eta_min) · (1 + cos(π · t / T)) / 2

Starts at base_lr, falls slowly, fastest in the middle, and flattens out at eta_min at t = T.
SGDR (Loshchilov & Hutter, 2017) restarts it: back to base_lr every T_i epochs, each period
T_mult times the one before.
"""

import math

from minigrad.optim.lr_scheduler.scheduler import LRScheduler


def cosine_between(eta_min, base_lr, progress):
    """eta_min + (base_lr − eta_min)·(1 + cos(π·progress))/2: base_lr at 0, eta_min at 1."""
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * progress)) / 2


class CosineAnnealingLR(LRScheduler):
    """The cosine above with T = T_max, once (past T_max it rises again, as in PyTorch).

    `step()` follows PyTorch's recursive form, which keeps the distance to eta_min scaled by
    the cosine's change, so it chains with other schedulers:

        lr_t = eta_min + (lr_{t−1} − eta_min) · (1 + cos(π t / T_max)) / (1 + cos(π (t−1) / T_max))

    except where the denominator is 0 (t − 1 = T_max, 3·T_max, ...: the bottom of the
    cosine), where it adds the cosine's rise, (base_lr − eta_min)·(1 − cos(π / T_max)) / 2.
    Alone it gives the closed form to rounding; `step(epoch)` uses the closed form.
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def _closed_form_lr(self):
        progress = self.last_epoch / self.T_max
        return [cosine_between(self.eta_min, base_lr, progress) for base_lr in self.base_lrs]

    def get_lr(self):
        t, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        lrs = [group["lr"] for group in self.optimizer.param_groups]
        if t == 0:
            return lrs
        if (t - 1 - T) % (2 * T) == 0:
            rise = (1 - math.cos(math.pi / T)) / 2
            return [lr + (base_lr - eta_min) * rise for lr, base_lr in zip(lrs, self.base_lrs)]
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return [ratio * (lr - eta_min) + eta_min for lr in lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    """The cosine above with T = T_i, restarted at base_lr when T_cur (epochs since the last
    restart) reaches T_i; then T_i becomes T_i · T_mult.

    Always the closed form of (T_cur, T_i): it overwrites what another scheduler set, as in
    PyTorch. `step(epoch)` takes a fractional epoch, to step once per batch:

        for epoch in range(epochs):
            for i, batch in enumerate(loader):
                ...
                scheduler.step(epoch + i / len(loader))
    """

    def __init__(self, optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1):
        if not isinstance(T_0, int) or T_0 <= 0:
            raise ValueError(f"CosineAnnealingWarmRestarts: T_0 must be a positive int, got {T_0}")
        if not isinstance(T_mult, int) or T_mult < 1:
            raise ValueError(
                f"CosineAnnealingWarmRestarts: T_mult must be an int >= 1, got {T_mult}"
            )
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def _closed_form_lr(self):
        progress = self.T_cur / self.T_i
        return [cosine_between(self.eta_min, base_lr, progress) for base_lr in self.base_lrs]

    def step(self, epoch=None):
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            self.T_cur += 1
            if self.T_cur >= self.T_i:
                self.T_cur -= self.T_i
                self.T_i *= self.T_mult
            super().step()
            return
        if epoch < 0:
            raise ValueError(f"CosineAnnealingWarmRestarts: epoch must be >= 0, got {epoch}")
        self.T_cur, self.T_i = self._position(epoch)
        super().step(math.floor(epoch))

    def _position(self, epoch):
        """(T_cur, T_i) at a given, maybe fractional, epoch.

        With T_mult > 1, restarts fall at T_0·(T_mult^n − 1)/(T_mult − 1); n comes from a
        float log, as in PyTorch, so an epoch on a restart may land one period early where
        the log rounds down (PyTorch does the same).
        """
        if epoch < self.T_0:
            return epoch, self.T_0
        if self.T_mult == 1:
            return epoch % self.T_0, self.T_0
        n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
        start = self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
        return epoch - start, self.T_0 * self.T_mult**n
