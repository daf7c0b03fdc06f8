"""The learning-rate scheduler cases compared with PyTorch, built alike by either library.

tests/fixtures/make_torch_fixtures_sched.py runs them with torch.optim and stores the
learning rates; tests/optim/test_lr_scheduler_against_pytorch.py runs them with minigrad.optim.
A case is plain data: the optimizer, the schedulers created on it in order, and how they are
combined (None: each stepped by hand, in order, every epoch; or SequentialLR/ChainedScheduler).
"""

EPOCHS = 25
BASE_LRS = [0.1, 0.02]
SGD = ("SGD", {"lr": BASE_LRS[0], "momentum": 0.9})
ADAM = ("Adam", {"lr": BASE_LRS[0]})

WARMUP = ("LinearLR", {"start_factor": 0.1, "total_iters": 5})


def single(name, options, optimizer=SGD, **extra):
    return {"optimizer": optimizer, "schedulers": [(name, options)], "combine": None, **extra}


CASES = [
    single("MultiStepLR", {"milestones": [4, 10]}),
    single("MultiStepLR", {"milestones": [2, 5, 5, 9], "gamma": 0.5}),
    single("ConstantLR", {}),
    single("ConstantLR", {"factor": 0.5, "total_iters": 3}),
    single("PolynomialLR", {}),
    single("PolynomialLR", {"total_iters": 10, "power": 2.0}),
    single("PolynomialLR", {"total_iters": 30, "power": 0.5}),
    single("CosineAnnealingWarmRestarts", {"T_0": 5}),
    single("CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 2, "eta_min": 0.001}),
    single("CosineAnnealingWarmRestarts", {"T_0": 4, "T_mult": 1},
           step_epochs=[i / 3 for i in range(1, 40)]),
    single("CosineAnnealingWarmRestarts", {"T_0": 2, "T_mult": 2, "eta_min": 0.001},
           step_epochs=[0.5, 1.0, 1.75, 2.5, 3.0, 5.9, 6.0, 6.1, 13.0, 14.2, 1.5, 29.5, 31.0]),
    single("OneCycleLR", {"max_lr": 1.0, "total_steps": EPOCHS}),
    single("OneCycleLR", {"max_lr": [1.0, 0.5], "total_steps": 30, "anneal_strategy": "linear",
                          "three_phase": True, "pct_start": 0.25}),
    single("OneCycleLR", {"max_lr": 0.3, "epochs": 5, "steps_per_epoch": 6, "div_factor": 10.0,
                          "final_div_factor": 100.0, "base_momentum": 0.8,
                          "max_momentum": [0.9, 0.99]}, optimizer=ADAM),
    single("OneCycleLR", {"max_lr": 1.0, "total_steps": EPOCHS, "cycle_momentum": False}),
    {"optimizer": SGD, "combine": "SequentialLR", "milestones": [5],
     "schedulers": [WARMUP, ("CosineAnnealingLR", {"T_max": 20})]},
    {"optimizer": SGD, "combine": "SequentialLR", "milestones": [5],
     "schedulers": [WARMUP, ("StepLR", {"step_size": 4, "gamma": 0.5})]},
    {"optimizer": SGD, "combine": "SequentialLR", "milestones": [3],
     "schedulers": [("LinearLR", {"start_factor": 0.2, "total_iters": 8}),
                    ("ExponentialLR", {"gamma": 0.9})]},
    {"optimizer": ADAM, "combine": "SequentialLR", "milestones": [3, 10],
     "schedulers": [("ConstantLR", {"factor": 0.5}), ("ExponentialLR", {"gamma": 0.8}),
                    ("CosineAnnealingWarmRestarts", {"T_0": 4, "T_mult": 2})]},
    {"optimizer": SGD, "combine": "SequentialLR", "milestones": [6],
     "schedulers": [("ExponentialLR", {"gamma": 0.7}), ("MultiStepLR", {"milestones": [2, 4]})]},
    {"optimizer": SGD, "combine": "ChainedScheduler",
     "schedulers": [("ConstantLR", {"factor": 0.1, "total_iters": 2}),
                    ("ExponentialLR", {"gamma": 0.9})]},
    {"optimizer": SGD, "combine": "ChainedScheduler",
     "schedulers": [WARMUP, ("CosineAnnealingLR", {"T_max": 10, "eta_min": 0.001})]},
    {"optimizer": SGD, "combine": "ChainedScheduler",
     "schedulers": [("StepLR", {"step_size": 3, "gamma": 0.5}),
                    ("MultiStepLR", {"milestones": [5, 8]}), ("PolynomialLR", {"power": 2.0})]},
    {"optimizer": SGD, "combine": "ChainedScheduler",
     "schedulers": [("CosineAnnealingWarmRestarts", {"T_0": 6}),
                    ("ExponentialLR", {"gamma": 0.95})]},
    {"optimizer": SGD, "combine": None,
     "schedulers": [("ExponentialLR", {"gamma": 0.9}),
                    ("CosineAnnealingLR", {"T_max": 8})]},
]


def case_id(case):
    names = "+".join(name for name, _ in case["schedulers"])
    options = [options for _, options in case["schedulers"]]
    return f"{case['combine'] or 'by-hand'}:{names}:{options}"


def build(case, optim, lr_scheduler, make_param):
    """The optimizer (two groups, BASE_LRS) and the schedulers to step each epoch."""
    name, options = case["optimizer"]
    groups = [{"params": [make_param(2)]}, {"params": [make_param(3)], "lr": BASE_LRS[1]}]
    optimizer = getattr(optim, name)(groups, **options)
    schedulers = [
        getattr(lr_scheduler, name)(optimizer, **options) for name, options in case["schedulers"]
    ]
    if case["combine"] == "SequentialLR":
        return optimizer, [lr_scheduler.SequentialLR(optimizer, schedulers, case["milestones"])]
    if case["combine"] == "ChainedScheduler":
        return optimizer, [lr_scheduler.ChainedScheduler(schedulers)]
    return optimizer, schedulers


def momentum(group):
    return group["betas"][0] if "betas" in group else group["momentum"]


def run(case, optim, lr_scheduler, make_param):
    """Each epoch's group lrs, the last scheduler's get_last_lr(), and the momenta."""
    optimizer, schedulers = build(case, optim, lr_scheduler, make_param)
    epochs = case.get("step_epochs") or [None] * EPOCHS
    lrs, last_lrs, momenta = [], [], []

    def record():
        lrs.append([float(group["lr"]) for group in optimizer.param_groups])
        last_lrs.append([float(lr) for lr in schedulers[-1].get_last_lr()])
        momenta.append([float(momentum(group)) for group in optimizer.param_groups])

    record()
    for epoch in epochs:
        optimizer.step()
        for scheduler in schedulers:
            scheduler.step() if epoch is None else scheduler.step(epoch)
        record()
    return {"lrs": lrs, "last_lrs": last_lrs, "momenta": momenta}
