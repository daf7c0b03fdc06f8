"""The older form of weight normalisation (torch.nn.utils.weight_norm): parameters
`<name>_g` and `<name>_v` on the module itself, and a forward pre-hook that recomputes
`module.<name>` = g · v / ‖v‖ before every call. parametrizations.weight_norm is the newer
form of the same idea; the math is shared with it."""

from minigrad.autograd import no_grad
from minigrad.nn.module import Parameter
from minigrad.nn.utils.parametrizations import (
    checked_weight,
    norm_except_dim,
    weight_from_direction,
)


class WeightNorm:
    """The forward pre-hook: sets `module.<name>` from `<name>_g` and `<name>_v`."""

    def __init__(self, name, dim):
        self.name, self.dim = name, dim

    def compute_weight(self, module):
        g, v = getattr(module, self.name + "_g"), getattr(module, self.name + "_v")
        return weight_from_direction(g, v, self.dim)

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name="weight", dim=0):
    """Replace the parameter `name` by `<name>_g` (the norms, over every dim but `dim`; one
    norm for dim=None) and `<name>_v` (the weight itself). Returns the module."""
    weight = checked_weight("weight_norm", module, name, dim)
    if any(isinstance(h, WeightNorm) and h.name == name for h in module._forward_pre_hooks.values()):
        raise RuntimeError(f"weight_norm: {name!r} of {type(module).__name__} already has one")
    hook = WeightNorm(name, -1 if dim is None else dim)
    del module._parameters[name]
    with no_grad():
        module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, hook.dim)))
    module.register_parameter(name + "_v", Parameter(weight.detach()))
    hook(module, ())
    module.register_forward_pre_hook(hook)
    return module


def remove_weight_norm(module, name="weight"):
    """Undo weight_norm: `name` is a parameter again, holding g · v / ‖v‖. Returns the module."""
    for key, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, WeightNorm) and hook.name == name:
            with no_grad():
                weight = hook.compute_weight(module)
            delattr(module, name)
            del module._parameters[name + "_g"], module._parameters[name + "_v"]
            module.register_parameter(name, Parameter(weight))
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"remove_weight_norm: {type(module).__name__} has no weight_norm of {name!r}")
