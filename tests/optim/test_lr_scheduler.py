import math

import numpy as np
import pytest

import minigrad as mg
from minigrad.optim import SGD
from minigrad.optim.lr_scheduler import (
    ChainedScheduler,
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiStepLR,
    OneCycleLR,
    PolynomialLR,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)

BASE_LRS = [0.1, 0.02]


def two_group_optimizer():
    a, b = mg.nn.Parameter(mg.zeros(2)), mg.nn.Parameter(mg.zeros(3))
    return SGD([{"params": [a]}, {"params": [b], "lr": BASE_LRS[1]}], lr=BASE_LRS[0])


def lr_sequence(scheduler, epochs):
    """get_last_lr() at epoch 0 (right after construction) and after each step()."""
    lrs = [scheduler.get_last_lr()]
    for _ in range(epochs):
        scheduler.optimizer.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr())
    return np.array(lrs)


def closed_form(factor, epochs):
    return np.array([[base * factor(t) for base in BASE_LRS] for t in range(epochs + 1)])


@pytest.mark.parametrize(
    "make, factor",
    [
        (lambda o: StepLR(o, step_size=3, gamma=0.5), lambda t: 0.5 ** (t // 3)),
        (lambda o: ExponentialLR(o, gamma=0.9), lambda t: 0.9**t),
        (lambda o: LinearLR(o), lambda t: 1 / 3 + (2 / 3) * min(t, 5) / 5),
        (
            lambda o: LinearLR(o, start_factor=1.0, end_factor=0.0, total_iters=10),
            lambda t: 1.0 - min(t, 10) / 10,
        ),
        (lambda o: LambdaLR(o, lambda epoch: 1 / (1 + epoch)), lambda t: 1 / (1 + t)),
        (lambda o: CosineAnnealingLR(o, T_max=10), lambda t: (1 + math.cos(math.pi * t / 10)) / 2),
    ],
    ids=["StepLR", "ExponentialLR", "LinearLR-warmup", "LinearLR-decay", "LambdaLR", "Cosine"],
)
def test_schedule_follows_its_formula(make, factor):
    scheduler = make(two_group_optimizer())
    np.testing.assert_allclose(lr_sequence(scheduler, 15), closed_form(factor, 15), rtol=1e-12)


def test_scheduler_sets_the_groups_lr():
    optimizer = two_group_optimizer()
    scheduler = StepLR(optimizer, step_size=1, gamma=0.5)
    scheduler.step()
    assert [g["lr"] for g in optimizer.param_groups] == [0.05, 0.01] == scheduler.get_last_lr()
    assert [g["initial_lr"] for g in optimizer.param_groups] == BASE_LRS


def test_cosine_reaches_eta_min_at_t_max_and_halfway_at_half():
    lrs = lr_sequence(CosineAnnealingLR(two_group_optimizer(), T_max=8, eta_min=0.001), 8)
    np.testing.assert_allclose(lrs[4], [(0.1 + 0.001) / 2, (0.02 + 0.001) / 2], rtol=1e-12)
    np.testing.assert_allclose(lrs[8], [0.001, 0.001], rtol=1e-12)


def test_lambda_lr_takes_one_function_per_group():
    scheduler = LambdaLR(two_group_optimizer(), [lambda e: 0.5**e, lambda e: e + 1.0])
    np.testing.assert_allclose(lr_sequence(scheduler, 2)[2], [0.1 * 0.25, 0.02 * 3])
    with pytest.raises(ValueError, match="expected 2 lr_lambdas"):
        LambdaLR(two_group_optimizer(), [lambda e: 1.0])


def test_scheduler_state_dict_resumes_the_schedule(tmp_path):
    optimizer = two_group_optimizer()
    scheduler = CosineAnnealingLR(optimizer, T_max=10)
    lr_sequence(scheduler, 3)
    mg.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()},
            tmp_path / "ckpt.npz")
    expected = lr_sequence(scheduler, 4)[1:]

    checkpoint = mg.load(tmp_path / "ckpt.npz")
    optimizer = two_group_optimizer()
    optimizer.load_state_dict(checkpoint["optimizer"])
    scheduler = CosineAnnealingLR(optimizer, T_max=10)
    scheduler.load_state_dict(checkpoint["scheduler"])
    np.testing.assert_allclose(lr_sequence(scheduler, 4)[1:], expected, rtol=1e-15)


def warmup_then_cosine(optimizer):
    warmup = LinearLR(optimizer, start_factor=0.1, total_iters=3)
    return SequentialLR(optimizer, [warmup, CosineAnnealingLR(optimizer, T_max=6)], [3])


def warmup_times_decay(optimizer):
    return ChainedScheduler([ConstantLR(optimizer, factor=0.5, total_iters=2),
                             MultiStepLR(optimizer, milestones=[3, 5])])


@pytest.mark.parametrize(
    "make",
    [
        lambda o: CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2),
        lambda o: OneCycleLR(o, max_lr=1.0, total_steps=20),
        warmup_then_cosine,
        warmup_times_decay,
    ],
    ids=["WarmRestarts", "OneCycleLR", "SequentialLR", "ChainedScheduler"],
)
def test_new_schedulers_resume_from_a_saved_state_dict(make, tmp_path):
    optimizer = two_group_optimizer()
    scheduler = make(optimizer)
    lr_sequence(scheduler, 4)
    mg.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()},
            tmp_path / "ckpt.npz")
    expected = lr_sequence(scheduler, 6)[1:]

    checkpoint = mg.load(tmp_path / "ckpt.npz")
    optimizer = two_group_optimizer()
    scheduler = make(optimizer)
    optimizer.load_state_dict(checkpoint["optimizer"])
    scheduler.load_state_dict(checkpoint["scheduler"])
    np.testing.assert_allclose(lr_sequence(scheduler, 6)[1:], expected, rtol=1e-15)


def test_combined_state_dict_holds_each_schedulers_state():
    state = warmup_then_cosine(two_group_optimizer()).state_dict()
    assert [s["last_epoch"] for s in state["_schedulers"]] == [0, -1]
    assert state["_milestones"] == [3] and "optimizer" not in state


def test_lambda_lr_state_dict_leaves_out_the_functions():
    state = LambdaLR(two_group_optimizer(), lambda e: 1.0).state_dict()
    assert "lr_lambdas" not in state and state["last_epoch"] == 0


def test_resuming_without_initial_lr_is_a_clear_error():
    with pytest.raises(KeyError, match="initial_lr"):
        StepLR(two_group_optimizer(), step_size=2, last_epoch=4)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda o: LinearLR(o, start_factor=0.0), "start_factor"),
        (lambda o: LinearLR(o, end_factor=1.5), "end_factor"),
        (lambda o: ReduceLROnPlateau(o, factor=1.0), "factor"),
        (lambda o: ReduceLROnPlateau(o, mode="up"), "mode"),
        (lambda o: ReduceLROnPlateau(o, threshold_mode="pct"), "threshold_mode"),
        (lambda o: ReduceLROnPlateau(o, min_lr=[0.0]), "expected 2 min_lrs"),
        (lambda o: MultiStepLR(o, milestones=[5, 2]), "MultiStepLR: milestones"),
        (lambda o: ConstantLR(o, factor=-0.5), "ConstantLR: factor"),
        (lambda o: ConstantLR(o, factor=0.0), "ConstantLR: factor"),
        (lambda o: PolynomialLR(o, total_iters=0), "PolynomialLR: total_iters"),
        (lambda o: CosineAnnealingWarmRestarts(o, T_0=0), "CosineAnnealingWarmRestarts: T_0"),
        (lambda o: CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0), "WarmRestarts: T_mult"),
        (lambda o: OneCycleLR(o, max_lr=1.0), "OneCycleLR: give total_steps"),
        (lambda o: OneCycleLR(o, max_lr=1.0, total_steps=0), "OneCycleLR: total_steps"),
        (lambda o: OneCycleLR(o, max_lr=1.0, epochs=2, steps_per_epoch=-1), "steps_per_epoch"),
        (lambda o: OneCycleLR(o, max_lr=1.0, total_steps=9, pct_start=1.5), "pct_start"),
        (lambda o: OneCycleLR(o, max_lr=1.0, total_steps=9, anneal_strategy="exp"), "anneal"),
        (lambda o: OneCycleLR(o, max_lr=[1.0], total_steps=9), "OneCycleLR: expected 2"),
        (lambda o: SequentialLR(o, [StepLR(o, 2), StepLR(o, 3)], [4, 6]), "SequentialLR: exp"),
        (lambda o: SequentialLR(o, [StepLR(o, 2)] * 3, [4, 2]), "SequentialLR: milestones"),
        (lambda o: SequentialLR(o, [], []), "SequentialLR: expected at least one"),
        (lambda o: ChainedScheduler([StepLR(o, 2), StepLR(two_group_optimizer(), 2)]),
         "ChainedScheduler: schedulers\\[1\\]"),
        (lambda o: ChainedScheduler([ReduceLROnPlateau(o)]), "ChainedScheduler: .*metric"),
    ],
)
def test_bad_scheduler_options_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make(two_group_optimizer())


def plateau_lrs(metrics, **options):
    scheduler = ReduceLROnPlateau(two_group_optimizer(), **options)
    lrs = []
    for metric in metrics:
        scheduler.step(metric)
        lrs.append(scheduler.get_last_lr()[0])
    return lrs


def test_plateau_waits_patience_bad_epochs_then_reduces_then_cools_down():
    metrics = [1.0, 0.9] + [0.95] * 7
    # epochs 3-5 are bad; the third bad one (> patience=2) halves the lr; epoch 6 is in
    # cooldown and does not count, so epochs 7, 8, 9 are the next three bad ones
    expected = [0.1] * 4 + [0.05] * 4 + [0.025]
    np.testing.assert_allclose(plateau_lrs(metrics, factor=0.5, patience=2, cooldown=1), expected)


def test_plateau_counts_improvements_below_threshold_as_bad():
    # 0.89995 is better than 0.9, but by less than the relative threshold 1e-4
    assert plateau_lrs([0.9, 0.89995, 0.89995], patience=1) == [0.1, 0.1, pytest.approx(0.01)]
    assert plateau_lrs([0.9, 0.89995, 0.89995], patience=1, threshold=1e-6) == [0.1] * 3


def test_plateau_in_max_mode_with_absolute_threshold_and_floor():
    metrics = [0.5, 0.55, 0.56, 0.565, 0.566]
    lrs = plateau_lrs(metrics, mode="max", threshold=0.02, threshold_mode="abs", patience=0,
                      factor=0.1, min_lr=0.005)
    # 0.55 beats 0.5 by 0.05; 0.56 beats 0.55 by only 0.01: bad -> lr/10; then the floor
    np.testing.assert_allclose(lrs, [0.1, 0.1, 0.01, 0.005, 0.005])


def test_plateau_skips_reductions_smaller_than_eps():
    assert plateau_lrs([1.0, 2.0, 2.0], patience=0, factor=0.5, eps=0.06) == [0.1, 0.1, 0.1]


def test_one_cycle_refuses_to_step_past_total_steps():
    scheduler = OneCycleLR(two_group_optimizer(), max_lr=1.0, total_steps=3)
    for _ in range(3):
        scheduler.step()
    with pytest.raises(ValueError, match="OneCycleLR: tried to step 4 times, but total_steps is 3"):
        scheduler.step()


def test_one_cycle_without_momentum_to_cycle_is_a_clear_error():
    param = mg.nn.Parameter(mg.zeros(2))
    with pytest.raises(ValueError, match="OneCycleLR: cycle_momentum"):
        OneCycleLR(mg.optim.Adagrad([param]), max_lr=1.0, total_steps=5)


def test_combining_schedulers_needs_schedulers_of_one_optimizer():
    with pytest.raises(TypeError, match="SequentialLR: schedulers\\[0\\] is a str"):
        SequentialLR(two_group_optimizer(), ["warmup"], [])


def test_warm_restarts_refuses_a_negative_epoch():
    with pytest.raises(ValueError, match="CosineAnnealingWarmRestarts: epoch"):
        CosineAnnealingWarmRestarts(two_group_optimizer(), T_0=2).step(-1)


def test_chained_factors_multiply_where_a_closed_form_would_overwrite():
    # PyTorch's documented example: 0.1·0.9^t for t < 2, then 0.9^t
    optimizer = two_group_optimizer()
    scheduler = ChainedScheduler([ConstantLR(optimizer, factor=0.1, total_iters=2),
                                  ExponentialLR(optimizer, gamma=0.9)])
    expected = [0.1 * (0.1 if t < 2 else 1.0) * 0.9**t for t in range(5)]
    np.testing.assert_allclose(lr_sequence(scheduler, 4)[:, 0], expected, rtol=1e-12)
