"""Mixed-precision training: float16 compute, float32 master weights, dynamic loss scaling.

float16 is a floating-point format (1 sign bit, 5 exponent bits, 10 mantissa bits), not
integer arithmetic as the course's seed 004 §4.1.3 says. Its two limits shape the recipe
(Micikevicius et al., "Mixed Precision Training", 2018):

* Range: the largest float16 is 65504 and the smallest normal one 6.1e-5. Small gradients
  round to zero ("underflow"). Multiplying the loss by a scale S (say 2^16) before backward
  multiplies every gradient by S, lifting them into range; dividing by S afterwards
  ("unscale") restores them. If S was too large some gradient becomes inf: that step is
  skipped and S halved. After `growth_interval` good steps S is doubled again. That is
  `GradScaler`, with the methods and arguments of torch.amp.GradScaler.
* Precision: 10 mantissa bits cannot represent w + lr·g when the update is below w/2048,
  so updates applied to float16 weights are lost. `MasterWeights` keeps a float32 copy of
  every parameter: the optimizer updates the float32 copy and the model's float16 weights are
  refreshed from it.
"""

from minigrad import dtypes
from minigrad.autocast_mode import autocast, check_device_type  # noqa: F401  (mg.amp.autocast)
from minigrad.backend import array_module
from minigrad.nn.module import Parameter
from minigrad.tensor import Tensor


class GradScaler:
    """torch.amp.GradScaler: dynamic loss scaling (see the module docstring).

        scaler = GradScaler("cuda")              # device first, as in torch.amp.GradScaler
        with mg.autocast("cuda"):
            loss = loss_fn(model(x), y)
        scaler.scale(loss).backward()
        scaler.step(optimizer)                   # unscales, skips the step on inf/NaN
        scaler.update()                          # halves S after an overflow, grows it later

    `device` only names where the gradients live: the scaler works on either device's
    arrays (PyTorch's disables itself, with a warning, when device='cuda' has no GPU).
    """

    def __init__(self, device="cuda", init_scale=2.0**16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        if not isinstance(device, str):
            raise TypeError(
                f"GradScaler: the first argument is the device ('cpu' or 'cuda'), as in "
                f"torch.amp.GradScaler(device, init_scale=...), got {device!r}; pass init_scale "
                "by keyword"
            )
        self.device = check_device_type("GradScaler", device)
        self.enabled = bool(enabled)
        self._scale = float(init_scale)
        self.set_growth_factor(growth_factor)
        self.set_backoff_factor(backoff_factor)
        self.set_growth_interval(growth_interval)
        self._good_steps = 0
        self._stage, self._found_inf = {}, {}  # per optimizer (by id), since the last update
        self.skipped_steps = 0

    # ---- PyTorch's getters and setters ---------------------------------------------------
    def is_enabled(self):
        return self.enabled

    def get_scale(self):
        return self._scale if self.enabled else 1.0

    def get_growth_factor(self):
        return self.growth_factor

    def set_growth_factor(self, new_factor):
        if not new_factor > 1.0:
            raise ValueError(f"GradScaler: growth_factor must be > 1, got {new_factor}")
        self.growth_factor = float(new_factor)

    def get_backoff_factor(self):
        return self.backoff_factor

    def set_backoff_factor(self, new_factor):
        if not 0.0 < new_factor < 1.0:
            raise ValueError(f"GradScaler: backoff_factor must be in (0, 1), got {new_factor}")
        self.backoff_factor = float(new_factor)

    def get_growth_interval(self):
        return self.growth_interval

    def set_growth_interval(self, new_interval):
        if isinstance(new_interval, bool) or not isinstance(new_interval, int) or new_interval < 1:
            raise ValueError(
                f"GradScaler: growth_interval must be a positive int, got {new_interval!r}"
            )
        self.growth_interval = new_interval

    # ---- the training step ---------------------------------------------------------------
    def scale(self, outputs):
        """outputs · S: a tensor, or a list or tuple of them (nested), in the same structure.
        Computed in float32 so that S itself cannot overflow float16 (PyTorch multiplies in
        the output's dtype)."""
        if not self.enabled:
            return outputs
        if isinstance(outputs, (list, tuple)):
            return type(outputs)(self.scale(output) for output in outputs)
        if not isinstance(outputs, Tensor):
            raise TypeError(
                f"GradScaler.scale: expected a tensor or a list or tuple of tensors, got "
                f"{type(outputs).__name__}"
            )
        return outputs.float() * self._scale

    def unscale_(self, optimizer):
        """Divide the gradients of `optimizer`'s parameters by S and note whether any of
        them is inf or NaN. At most once per optimizer between updates, as in PyTorch.

        float16 gradients are refused, as PyTorch does: divided by S in float16 the small ones
        would flush to zero again (and 1/S itself is 0 in float16 once S > 2^24)."""
        if not self.enabled:
            return
        stage = self._stage.get(id(optimizer))
        if stage is not None:
            raise RuntimeError(
                "GradScaler.unscale_: already called on this optimizer since the last update()"
                if stage == "unscaled" else "GradScaler.unscale_: called after step(); call "
                "it before step(), once per update()"
            )
        inverse = 1.0 / self._scale
        found_inf = False
        for group in optimizer.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad.data
                if grad.dtype == dtypes.float16:
                    raise ValueError(
                        "GradScaler.unscale_: attempting to unscale float16 gradients; keep "
                        "float32 master weights (minigrad.amp.MasterWeights) and give the "
                        "optimizer those"
                    )
                grad *= grad.dtype.type(inverse)
                found_inf = found_inf or not bool(array_module(grad).isfinite(grad).all())
        self._stage[id(optimizer)] = "unscaled"
        self._found_inf[id(optimizer)] = found_inf

    def step(self, optimizer, *args, **kwargs):
        """optimizer.step(*args, **kwargs) unless the unscaled gradients hold an inf/NaN:
        then skip it. Unscales first unless unscale_(optimizer) already did."""
        if not self.enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError(
                "GradScaler.step: a closure is not supported while the scaler is enabled (the "
                "loss it recomputes would not be scaled), as in PyTorch"
            )
        if self._stage.get(id(optimizer)) == "stepped":
            raise RuntimeError("GradScaler.step: already called since the last update()")
        if self._stage.get(id(optimizer)) is None:
            self.unscale_(optimizer)
        self._stage[id(optimizer)] = "stepped"
        if self._found_inf[id(optimizer)]:
            self.skipped_steps += 1
            return None
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale=None):
        """Halve S after an overflow; double it after `growth_interval` clean steps. Or, with
        `new_scale` (a number or a one-element tensor), set S to it."""
        if not self.enabled:
            return
        if new_scale is not None:
            self._scale = float(new_scale.item() if isinstance(new_scale, Tensor) else new_scale)
        elif not self._found_inf:
            raise RuntimeError(
                "GradScaler.update: no inf checks were recorded since the last update(); call "
                "step(optimizer) (or unscale_) first"
            )
        elif any(self._found_inf.values()):
            self._scale *= self.backoff_factor
            self._good_steps = 0
        else:
            self._good_steps += 1
            if self._good_steps == self.growth_interval:
                self._scale *= self.growth_factor
                self._good_steps = 0
        self._stage, self._found_inf = {}, {}

    def state_dict(self):
        """PyTorch's keys; empty when disabled, as there is no state to keep."""
        if not self.enabled:
            return {}
        return {"scale": self._scale, "growth_factor": self.growth_factor,
                "backoff_factor": self.backoff_factor, "growth_interval": self.growth_interval,
                "_growth_tracker": self._good_steps}

    def load_state_dict(self, state):
        if not self.enabled:
            return
        if not state:
            raise RuntimeError(
                "GradScaler.load_state_dict: the state dict is empty, perhaps saved from a "
                "disabled GradScaler"
            )
        self._scale, self._good_steps = float(state["scale"]), int(state["_growth_tracker"])
        self.set_growth_factor(state["growth_factor"])
        self.set_backoff_factor(state["backoff_factor"])
        self.set_growth_interval(int(state["growth_interval"]))


class MasterWeights:
    """float32 master copies of a model's parameters, with the model itself cast to float16.

        master = MasterWeights(model)            # model is now float16
        optimizer = optim.Adam(master.parameters())
        ... scaler.scale(loss).backward()
        master.copy_grads_from_model()           # float16 grads -> float32 masters
        scaler.step(optimizer); scaler.update()
        master.copy_to_model()                   # updated masters -> float16 model
    """

    def __init__(self, model, dtype=dtypes.float16):
        self.model_params = list(model.parameters())
        self.masters = [Parameter(p.detach().float()) for p in self.model_params]
        model.to(dtype)

    def parameters(self):
        return iter(self.masters)

    def copy_grads_from_model(self):
        for master, p in zip(self.masters, self.model_params):
            master.grad = None if p.grad is None else p.grad.float()
            p.grad = None

    def copy_to_model(self):
        for master, p in zip(self.masters, self.model_params):
            p.data[...] = master.data.astype(p.dtype)
