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
    step decay        StepLR: multiply by gamma every step_size epochs;
                      MultiStepLR: multiply by gamma at each listed milestone
    exponential       ExponentialLR: multiply by gamma every epoch
    linear decay      LinearLR(opt, start_factor=1.0, end_factor=0.0, total_iters=epochs);
                      with start_factor < 1 and end_factor=1 it is a linear warm-up
    constant warm-up  ConstantLR: a smaller lr for the first total_iters epochs
    polynomial        PolynomialLR: base_lr · (1 − epoch/total_iters)^power
    cosine            CosineAnnealingLR: half a cosine from the base lr down to eta_min;
                      CosineAnnealingWarmRestarts: the same, restarted every T_i epochs
    one cycle         OneCycleLR: up to max_lr and far below the start, per batch
    adaptive          ReduceLROnPlateau: divide the lr when a watched metric stops improving
    anything else     LambdaLR(opt, lambda epoch: factor)

and two ways to combine them on one optimizer:
    one after another SequentialLR(opt, [warmup, cosine], milestones=[5])
    at the same time  ChainedScheduler([warmup, decay]): their factors multiply

Every schedule has a closed formula of the epoch count (written in its docstring). Most of
them step as PyTorch does, by scaling the *current* lr by the formula's change since the last
epoch; that is what lets two schedulers act on one optimizer. See `scheduler.py`.
"""

from minigrad.optim.lr_scheduler.combine import ChainedScheduler, SequentialLR  # noqa: F401
from minigrad.optim.lr_scheduler.cosine import (  # noqa: F401
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
)
from minigrad.optim.lr_scheduler.decay import (  # noqa: F401
    ConstantLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from minigrad.optim.lr_scheduler.one_cycle import OneCycleLR  # noqa: F401
from minigrad.optim.lr_scheduler.plateau import ReduceLROnPlateau  # noqa: F401
from minigrad.optim.lr_scheduler.scheduler import LRScheduler  # noqa: F401
