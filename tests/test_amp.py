"""GradScaler and MasterWeights: the unscaled gradient is the true gradient (checked by finite
differences), overflowing steps are skipped and back off the scale, float32 masters keep
updates that float16 would lose."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad import nn
from minigrad.amp import GradScaler, MasterWeights
from minigrad.gradcheck import _numeric_gradient


class PlainSGD:
    """The smallest optimizer the scaler can drive: param_groups and step()."""

    def __init__(self, params, lr):
        self.param_groups = [{"params": list(params), "lr": lr}]
        self.steps = 0

    def step(self):
        self.steps += 1
        with mg.no_grad():
            for p in self.param_groups[0]["params"]:
                p -= self.param_groups[0]["lr"] * p.grad


def loss_of(w, x):
    return ((x @ w).tanh() ** 2).sum()


@given(st.integers(0, 10_000), st.sampled_from([1.0, 2.0**10, 2.0**16]))
def test_unscaled_gradient_matches_finite_differences_of_the_unscaled_loss(seed, scale):
    mg.manual_seed(seed)
    w = nn.Parameter(mg.randn(3, 2, dtype=mg.float64))
    x = mg.randn(4, 3, dtype=mg.float64)
    scaler = GradScaler(init_scale=scale)
    scaler.scale(loss_of(w, x).double()).backward()
    scaler.unscale_(PlainSGD([w], lr=0.1))
    numeric = _numeric_gradient(lambda: loss_of(w, x), w.data, 1e-6)
    np.testing.assert_allclose(w.grad.numpy(), numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.filterwarnings("ignore:overflow encountered")
def test_overflow_skips_the_step_and_halves_the_scale():
    layer = _OneWeight()
    master = MasterWeights(layer)
    w = layer.weight
    opt = PlainSGD(master.parameters(), lr=0.1)
    scaler = GradScaler(init_scale=2.0**20)
    scaler.scale((w * 1000.0).sum()).backward()  # 2^20 is inf in float16
    master.copy_grads_from_model()
    scaler.step(opt)
    scaler.update()
    assert opt.steps == 0 and scaler.skipped_steps == 1
    assert scaler.get_scale() == 2.0**19
    assert next(master.parameters()).numpy().tolist() == [[1.0]]


def test_unscaling_float16_gradients_is_refused_as_in_pytorch():
    """Divided by S in float16, the small gradients that S lifted would flush back to 0."""
    w = nn.Parameter(mg.ones(2, dtype=mg.float16))
    scaler = GradScaler(init_scale=2.0**10)
    scaler.scale(w.sum()).backward()
    with pytest.raises(ValueError, match="GradScaler.unscale_: attempting to unscale float16 "
                                         "gradients; keep float32 master weights"):
        scaler.step(PlainSGD([w], lr=0.1))


def test_state_dict_has_pytorchs_keys_and_round_trips():
    scaler = GradScaler(init_scale=8.0, growth_interval=3, backoff_factor=0.25)
    w = nn.Parameter(mg.ones(2))
    scaler.scale(w.sum()).backward()
    scaler.step(PlainSGD([w], lr=0.1))
    scaler.update()
    state = scaler.state_dict()
    assert state == {"scale": 8.0, "growth_factor": 2.0, "backoff_factor": 0.25,
                     "growth_interval": 3, "_growth_tracker": 1}
    restored = GradScaler()
    restored.load_state_dict(state)
    assert restored.state_dict() == state
    assert GradScaler(enabled=False).state_dict() == {}
    with pytest.raises(RuntimeError, match="state dict is empty"):
        GradScaler().load_state_dict({})


def test_scale_grows_after_growth_interval_clean_steps():
    w = nn.Parameter(mg.ones(2))
    opt = PlainSGD([w], lr=0.01)
    scaler = GradScaler(init_scale=4.0, growth_interval=3)
    for _ in range(3):
        w.grad = None
        scaler.scale(w.sum()).backward()
        scaler.step(opt)
        scaler.update()
    assert opt.steps == 3 and scaler.get_scale() == 8.0
    np.testing.assert_allclose(w.numpy(), 1 - 3 * 0.01, rtol=1e-6)


def test_master_weights_keep_updates_that_float16_would_lose():
    layer = _OneWeight()
    master = MasterWeights(layer)
    p = next(iter(layer.parameters()))
    assert p.dtype == mg.float16 and next(master.parameters()).dtype == mg.float32
    with mg.no_grad():
        p.data[...] = 1.0
        for m in master.parameters():
            m.data[...] = 1.0
    opt = PlainSGD(master.parameters(), lr=1.0)
    for _ in range(10):
        for q in layer.parameters():
            q.grad = mg.full(q.shape, -1e-4, dtype=mg.float16)
        master.copy_grads_from_model()
        opt.step()
        master.copy_to_model()
    # 1 + 1e-4 rounds back to 1 in float16, but ten steps add up to 1.001 in float32
    assert abs(next(master.parameters()).numpy().ravel()[0] - 1.001) < 1e-6
    assert np.float16(1) + np.float16(1e-4) == np.float16(1)


class _OneWeight(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(mg.ones(1, 1))


# ---- torch.amp.GradScaler's API --------------------------------------------------------------
def test_device_comes_first_and_the_getters_and_setters_are_pytorchs():
    scaler = GradScaler("cpu", init_scale=8.0, growth_interval=5)
    assert scaler.device == "cpu" and scaler.is_enabled() and scaler.get_scale() == 8.0
    assert (scaler.get_growth_factor(), scaler.get_backoff_factor()) == (2.0, 0.5)
    scaler.set_growth_factor(4.0)
    scaler.set_backoff_factor(0.25)
    scaler.set_growth_interval(7)
    assert scaler.state_dict() == {"scale": 8.0, "growth_factor": 4.0, "backoff_factor": 0.25,
                                   "growth_interval": 7, "_growth_tracker": 0}
    assert GradScaler().device == "cuda" and not GradScaler(enabled=False).is_enabled()
    assert GradScaler(enabled=False).get_scale() == 1.0


def test_update_with_new_scale_and_scaling_a_list():
    scaler = GradScaler("cpu", init_scale=4.0)
    a, b = mg.ones(1), mg.ones(1) * 2
    scaled = scaler.scale([a, (b,)])
    assert [scaled[0].item(), scaled[1][0].item()] == [4.0, 8.0]
    scaler.update(new_scale=mg.tensor([32.0]))
    assert scaler.get_scale() == 32.0


def test_autocast_with_grad_scaler_steps_like_the_explicit_recipe():
    """One step of PyTorch's AMP loop changes the weights as the unscaled float16-compute
    gradient says."""
    mg.manual_seed(5)
    model = nn.Linear(4, 2)
    x, y = mg.randn(8, 4), mg.randint(0, 2, (8,))
    logits = mg.nn.functional.linear(x.half(), model.weight.half(), model.bias.half())
    mg.nn.functional.cross_entropy(logits.float(), y).backward()
    expected = [p.grad.numpy() for p in model.parameters()]
    model.zero_grad()
    before = [p.numpy().copy() for p in model.parameters()]
    opt = PlainSGD(model.parameters(), lr=0.5)
    scaler = GradScaler("cpu", init_scale=2.0**12)
    with mg.autocast("cpu"):
        loss = mg.nn.functional.cross_entropy(model(x), y)
    scaler.scale(loss).backward()
    scaler.step(opt)
    scaler.update()
    for p, old, grad in zip(model.parameters(), before, expected):
        np.testing.assert_allclose(old - p.numpy(), 0.5 * grad, rtol=1e-3, atol=1e-6)


@pytest.mark.parametrize("make, error, message", [
    (lambda: GradScaler(2.0**16), TypeError, "first argument is the device.*init_scale by keyword"),
    (lambda: GradScaler("tpu"), ValueError, "GradScaler: device_type must be 'cpu' or 'cuda'"),
    (lambda: GradScaler(growth_factor=1.0), ValueError, "growth_factor must be > 1, got 1.0"),
    (lambda: GradScaler(backoff_factor=1.5), ValueError, r"backoff_factor must be in \(0, 1\)"),
    (lambda: GradScaler(growth_interval=0), ValueError, "growth_interval must be a positive int"),
])
def test_bad_arguments_are_refused(make, error, message):
    with pytest.raises(error, match=message):
        make()


def _scaled_backward():
    w = nn.Parameter(mg.ones(2))
    scaler = GradScaler("cpu", init_scale=4.0)
    scaler.scale(w.sum()).backward()
    return scaler, PlainSGD([w], lr=0.1)


def test_misordered_calls_are_refused_as_in_pytorch():
    scaler, opt = _scaled_backward()
    with pytest.raises(RuntimeError, match="no inf checks were recorded"):
        scaler.update()
    scaler.unscale_(opt)
    with pytest.raises(RuntimeError, match="unscale_: already called on this optimizer"):
        scaler.unscale_(opt)
    scaler.step(opt)
    with pytest.raises(RuntimeError, match="step: already called since the last update"):
        scaler.step(opt)
    with pytest.raises(RuntimeError, match="unscale_: called after step"):
        scaler.unscale_(opt)
    scaler.update()
    with pytest.raises(RuntimeError, match="a closure is not supported"):
        scaler.step(opt, closure=lambda: None)
    with pytest.raises(TypeError, match="GradScaler.scale: expected a tensor.*got float"):
        scaler.scale(1.0)
