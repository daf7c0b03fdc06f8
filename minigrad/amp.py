"""Mixed-precision training: float16 compute, float32 master weights, dynamic loss scaling.

float16 is a floating-point format (1 sign bit, 5 exponent bits, 10 mantissa bits), not
integer arithmetic as the course's seed 004 §4.1.3 says. Its two limits shape the recipe
(Micikevicius et al., "Mixed Precision Training", 2018):

* Range: the largest float16 is 65504 and the smallest normal one 6.1e-5. Small gradients
  round to zero ("underflow"). Multiplying the loss by a scale S (say 2^16) before backward
  multiplies every gradient by S, lifting them into range; dividing by S afterwards
  ("unscale") restores them. If S was too large some gradient becomes inf: that step is
  skipped and S halved. After `growth_interval` good steps S is doubled again. That is
  `GradScaler`, with the same methods as torch.cuda.amp.GradScaler.
* Precision: 10 mantissa bits cannot represent w + lr·g when the update is below w/2048,
  so updates applied to float16 weights are lost. `MasterWeights` keeps a float32 copy of
  every parameter: the optimizer updates the float32 copy and the model's float16 weights are
  refreshed from it.
"""

from minigrad import dtypes
from minigrad.autocast_mode import autocast  # noqa: F401  (mg.amp.autocast is mg.autocast)
from minigrad.backend import array_module
from minigrad.nn.module import Parameter


class GradScaler:
    def __init__(self, init_scale=2.0**16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        if growth_factor <= 1.0 or not 0.0 < backoff_factor < 1.0:
            raise ValueError(
                f"GradScaler: need growth_factor > 1 and 0 < backoff_factor < 1, got "
                f"{growth_factor} and {backoff_factor}"
            )
        self.enabled = enabled
        self._scale = float(init_scale)
        self.growth_factor, self.backoff_factor = growth_factor, backoff_factor
        self.growth_interval = growth_interval
        self._good_steps = 0
        self._unscaled, self._found_inf = set(), {}
        self.skipped_steps = 0

    def get_scale(self):
        return self._scale if self.enabled else 1.0

    def scale(self, loss):
        """loss · S, computed in float32 so that S itself cannot overflow float16."""
        if not self.enabled:
            return loss
        return loss.float() * self._scale

    def unscale_(self, optimizer):
        """Divide the gradients of `optimizer`'s parameters by S (once per step) and note
        whether any of them is inf or NaN.

        float16 gradients are refused, as PyTorch does: divided by S in float16 the small ones
        would flush to zero again (and 1/S itself is 0 in float16 once S > 2^24)."""
        if not self.enabled or id(optimizer) in self._unscaled:
            return
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
        self._unscaled.add(id(optimizer))
        self._found_inf[id(optimizer)] = found_inf

    def step(self, optimizer):
        """optimizer.step() unless the unscaled gradients hold an inf/NaN: then skip it."""
        if not self.enabled:
            return optimizer.step()
        self.unscale_(optimizer)
        if self._found_inf[id(optimizer)]:
            self.skipped_steps += 1
            return None
        return optimizer.step()

    def update(self):
        """Halve S after an overflow; double it after `growth_interval` clean steps."""
        if not self.enabled:
            return
        if any(self._found_inf.values()):
            self._scale *= self.backoff_factor
            self._good_steps = 0
        else:
            self._good_steps += 1
            if self._good_steps == self.growth_interval:
                self._scale *= self.growth_factor
                self._good_steps = 0
        self._unscaled, self._found_inf = set(), {}

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
        self.growth_factor, self.backoff_factor = state["growth_factor"], state["backoff_factor"]
        self.growth_interval = state["growth_interval"]


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
