"""`Module`: the base class of every layer and model, with PyTorch's API.

A module owns parameters (tensors the optimizer trains), buffers (state that is saved but not
trained, like BatchNorm's running mean) and child modules. Assigning one as an attribute
registers it:

    self.fc = Linear(4, 2)                 # a child module, named "fc"
    self.weight = Parameter(mg.randn(2))   # a parameter, named "weight"
    self.register_buffer("running_mean", mg.zeros(2))

and from then on `parameters()`, `state_dict()`, `to(device)` and `train()/eval()` find it,
walking the tree of children. Names in `state_dict()` are dotted paths ("fc.weight"), the same
as PyTorch's, so a PyTorch state dict (converted to numpy arrays) loads into the same model.
"""

from collections import OrderedDict

import numpy as np

from minigrad.backend import to_device
from minigrad.conversion import ConversionShortcuts, parse_to_args
from minigrad.hooks import RemovableHandle
from minigrad.nn.backward_hooks import BackwardHook
from minigrad.tensor import Tensor


class Parameter(Tensor):
    """A tensor that is a trainable weight of a module (requires_grad=True by default)."""

    def __init__(self, data=None, requires_grad=True):
        data = np.zeros(0, dtype=np.float32) if data is None else data
        if isinstance(data, Tensor):
            super().__init__(data.data, requires_grad=requires_grad, device=data.device)
        else:
            super().__init__(data, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


class Module(ConversionShortcuts):
    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "_backward_pre_hooks", OrderedDict())
        object.__setattr__(self, "_backward_hooks", OrderedDict())

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args, **kwargs):
        for hook in tuple(self._forward_pre_hooks.values()):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        backward_hook = None
        if self._backward_hooks or self._backward_pre_hooks:
            backward_hook = BackwardHook(self)
            args = backward_hook.setup_input_hook(args)
        output = self.forward(*args, **kwargs)
        for hook in tuple(self._forward_hooks.values()):
            result = hook(self, args, output)
            if result is not None:
                output = result
        if backward_hook is not None:
            output = backward_hook.setup_output_hook(output)
        return output

    def register_forward_pre_hook(self, hook, *, prepend=False):
        """Call `hook(module, args)` before every forward, `args` the positional inputs as a
        tuple. A hook that returns something replaces the inputs (a non-tuple is wrapped in
        one), as in PyTorch; pruning re-applies its mask here. Returns a handle whose
        `.remove()` takes the hook off again. Hooks run in registration order; `prepend=True`
        puts this one first."""
        return RemovableHandle.add(self._forward_pre_hooks, hook, prepend)

    def register_forward_hook(self, hook, *, prepend=False):
        """Call `hook(module, args, output)` after every forward; a hook that returns something
        replaces the output (to inspect activations, or to change them). Returns a handle
        whose `.remove()` takes the hook off again."""
        return RemovableHandle.add(self._forward_hooks, hook, prepend)

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """Call `hook(module, grad_output)` when the gradients with respect to the outputs of a
        call have been computed: a tuple, one entry per output (None where no gradient came).
        A hook that returns a tuple replaces them. See minigrad/nn/backward_hooks.py."""
        return RemovableHandle.add(self._backward_pre_hooks, hook, prepend)

    def register_full_backward_hook(self, hook, prepend=False):
        """Call `hook(module, grad_input, grad_output)` when the gradients with respect to the
        positional inputs of a call have been computed: one entry per input, None for one
        that is not a tensor (all None when no input requires grad; then the hook runs once
        the outputs' gradients are known). A hook that returns a tuple replaces grad_input.
        See minigrad/nn/backward_hooks.py."""
        return RemovableHandle.add(self._backward_hooks, hook, prepend)

    # ---- registration -------------------------------------------------------------------
    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"{type(self).__name__}: call super().__init__() before assigning attributes"
            )
        if isinstance(value, Parameter):
            self._forget(name)
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._forget(name)
            self._modules[name] = value
        elif name in self._buffers and (value is None or isinstance(value, Tensor)):
            self._buffers[name] = value
        elif name in self._parameters and value is None:
            self._parameters[name] = None
        else:
            self._forget(name)
            object.__setattr__(self, name, value)

    def _forget(self, name):
        for table in (self._parameters, self._buffers, self._modules):
            table.pop(name, None)
        self.__dict__.pop(name, None)

    def __getattr__(self, name):
        # only called when normal lookup fails: look in the registries
        for table in ("_parameters", "_buffers", "_modules"):
            entries = self.__dict__.get(table)
            if entries is not None and name in entries:
                return entries[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        if name not in self.__dict__ and not any(
            name in t for t in (self._parameters, self._buffers, self._modules)
        ):
            raise AttributeError(name)
        self._forget(name)

    def register_parameter(self, name, param):
        if param is None:
            self._forget(name)  # a plain attribute of that name would hide the registered None
            self._parameters[name] = None
            return
        if not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: {name!r} must be a Parameter, got {type(param)}")
        setattr(self, name, param)

    def register_buffer(self, name, tensor, persistent=True):
        """State that belongs to the module but is not trained (saved unless not persistent)."""
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer: {name!r} must be a Tensor or None")
        self._forget(name)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent.add(name)

    def add_module(self, name, module):
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {name!r} must be a Module, got {type(module)}")
        self._forget(name)
        self._modules[name] = module

    register_module = add_module

    # ---- walking the tree ---------------------------------------------------------------
    def named_modules(self, prefix=""):
        """This module and every descendant, as (dotted name, module), parents first."""
        stack, seen = [(prefix, self)], set()
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(f"{name}.{n}" if name else n, m) for n, m in module._modules.items()]
            stack.extend(reversed([c for c in children if c[1] is not None]))

    def modules(self):
        return (m for _, m in self.named_modules())

    def get_submodule(self, target):
        """The descendant at a dotted path ("encoder.layers.0.linear1"); "" is this module."""
        module = self
        for part in target.split(".") if target else ():
            child = module._modules.get(part)
            if child is None:
                raise AttributeError(
                    f"get_submodule({target!r}): {type(module).__name__} has no submodule "
                    f"{part!r} (its children: {list(module._modules)})"
                )
            module = child
        return module

    def set_submodule(self, target, module, strict=False):
        """Put `module` at a dotted path ("encoder.layers.0"), replacing what is there; with
        `strict=True` the last name must already be a submodule."""
        if not target:
            raise ValueError("set_submodule: the target path is empty")
        parent_path, _, name = target.rpartition(".")
        parent = self.get_submodule(parent_path)
        if strict and parent._modules.get(name) is None:
            raise AttributeError(
                f"set_submodule({target!r}): {type(parent).__name__} has no submodule {name!r} "
                f"(its children: {list(parent._modules)}), and strict=True"
            )
        if not isinstance(module, Module):
            raise TypeError(f"set_submodule({target!r}): module must be a Module, got {type(module)}")
        parent.add_module(name, module)

    def get_parameter(self, target):
        """The parameter at a dotted path ("encoder.0.weight")."""
        return self._get_member(target, "_parameters", "parameter")

    def get_buffer(self, target):
        """The buffer at a dotted path ("bn.running_mean")."""
        return self._get_member(target, "_buffers", "buffer")

    def _get_member(self, target, table, kind):
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if name not in getattr(module, table):
            raise AttributeError(
                f"get_{kind}({target!r}): {type(module).__name__} has no {kind} {name!r} "
                f"(its {kind}s: {list(getattr(module, table))})"
            )
        return getattr(module, table)[name]

    def named_children(self):
        return ((n, m) for n, m in self._modules.items() if m is not None)

    def children(self):
        return (m for _, m in self.named_children())

    def _named_members(self, table, recurse=True):
        seen = set()
        modules = self.named_modules() if recurse else [("", self)]
        for module_name, module in modules:
            for name, value in getattr(module, table).items():
                if value is None or id(value) in seen:
                    continue
                seen.add(id(value))
                yield (f"{module_name}.{name}" if module_name else name), value

    def named_parameters(self, recurse=True):
        return self._named_members("_parameters", recurse)

    def parameters(self, recurse=True):
        return (p for _, p in self.named_parameters(recurse))

    def named_buffers(self, recurse=True):
        return self._named_members("_buffers", recurse)

    def buffers(self, recurse=True):
        return (b for _, b in self.named_buffers(recurse))

    def apply(self, fn):
        for module in list(self.modules())[::-1]:
            fn(module)
        return self

    # ---- modes and gradients ------------------------------------------------------------
    def train(self, mode=True):
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self):
        return self.train(False)

    def zero_grad(self, set_to_none=True):
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    # ---- device and dtype ---------------------------------------------------------------
    def to(self, *args, device=None, dtype=None):
        """Move every parameter and buffer in place (`model.to('cuda')`, `model.to(mg.float16)`)."""
        device, dtype = parse_to_args(args, device, dtype)
        for module in self.modules():
            for table in (module._parameters, module._buffers):
                for tensor in table.values():
                    if tensor is not None:
                        _convert_in_place(tensor, device, dtype)
        return self

    # ---- saving and loading -------------------------------------------------------------
    def state_dict(self):
        """Parameters and persistent buffers by dotted name, detached (shares memory)."""
        state = OrderedDict()
        for module_name, module in self.named_modules():
            prefix = f"{module_name}." if module_name else ""
            for name, p in module._parameters.items():
                if p is not None:
                    state[prefix + name] = p.detach()
            for name, b in module._buffers.items():
                if b is not None and name not in module._non_persistent:
                    state[prefix + name] = b.detach()
        return state

    def load_state_dict(self, state_dict, strict=True):
        """Copy values (tensors or numpy arrays) into this module's parameters and buffers.

        Raises KeyError for missing or unexpected names when `strict`, and ValueError naming
        the key for a shape that does not match. Returns (missing_keys, unexpected_keys).
        """
        own = self.state_dict()
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        if strict and (missing or unexpected):
            raise KeyError(
                f"load_state_dict for {type(self).__name__}: missing keys {missing}, "
                f"unexpected keys {unexpected}"
            )
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            value = value.numpy() if isinstance(value, Tensor) else np.asarray(value)
            if tuple(value.shape) != tuple(target.shape):
                raise ValueError(
                    f"load_state_dict: {key!r} has shape {tuple(value.shape)} in the state "
                    f"dict, but the model expects {tuple(target.shape)}"
                )
            target.data[...] = to_device(value.astype(target.dtype, copy=False), target.device)
        return missing, unexpected

    # ---- printing -----------------------------------------------------------------------
    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = []
        for name, module in self._modules.items():
            child = repr(module).replace("\n", "\n  ")
            lines.append(f"  ({name}): {child}")
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        head = f"{type(self).__name__}({extra}" if extra else f"{type(self).__name__}("
        return head + "\n" + "\n".join(lines) + "\n)"


def _convert_in_place(tensor, device, dtype):
    """Change a parameter's storage (and its gradient's) without replacing the object, so
    optimizers holding it keep working."""
    if dtype is not None and tensor.dtype.kind == "f" and tensor.dtype != dtype:
        tensor.data = tensor.data.astype(dtype)
        if tensor.grad is not None:
            tensor.grad.data = tensor.grad.data.astype(dtype)
    if device is not None and tensor.device != device:
        tensor.data = to_device(tensor.data, device)
        if tensor.grad is not None:
            tensor.grad.data = to_device(tensor.grad.data, device)
