"""Parametrizations (torch.nn.utils.parametrize): a weight computed from other tensors.

    register_parametrization(layer, "weight", Symmetric())
    layer.weight            # Symmetric()(layer.parametrizations.weight.original), every time

The tensor the module had is kept, as `module.parametrizations.<name>.original` (the same
Parameter object, so an optimizer that holds it keeps training it), and `module.<name>`
becomes a property that runs the parametrization on it: gradients flow through the
parametrization back to `original`. State-dict names follow: "parametrizations.weight.original".

A parametrization is a Module whose forward maps the stored tensor(s) to the weight. It may
define `right_inverse(weight)`, which goes the other way: it turns the weight the module had
into what is stored (for weight_norm, the pair g, v, stored as `original0`, `original1`),
and it runs when the weight is assigned (`layer.weight = w`). Several parametrizations on one
tensor are applied in the order they were registered.

The property lives on a class made for the module, named as PyTorch names it
("ParametrizedLinear", a subclass of the module's own class), so other modules of the class
are not touched; removing the last parametrization gives the module its class back.
`with cached():` computes each parametrized tensor once until the block ends (the weight of
an RNN used at every step, say).
"""

import contextlib
from collections.abc import Sequence

from minigrad.autograd import no_grad
from minigrad.nn.containers import ModuleDict, ModuleList
from minigrad.nn.module import Parameter
from minigrad.tensor import Tensor

_cache_depth = 0
_cache = {}


@contextlib.contextmanager
def cached():
    """Inside the block, each parametrized tensor is computed on first use and then reused."""
    global _cache_depth
    _cache_depth += 1
    try:
        yield
    finally:
        _cache_depth -= 1
        if not _cache_depth:
            _cache.clear()


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, and the tensor(s) they start from ("original", or
    "original0", "original1", ... when right_inverse returns several)."""

    def __init__(self, modules, original, unsafe=False):
        super().__init__(modules)
        self.unsafe = unsafe
        dtype, shape = original.dtype, original.shape
        with no_grad():
            stored = original
            for module in reversed(self):
                if hasattr(module, "right_inverse"):
                    stored = module.right_inverse(stored)
        self.is_tensor = isinstance(stored, Tensor)
        if self.is_tensor:
            _check_dtype("right_inverse", original, stored)
            original.data = stored.data  # the same object, now holding what is stored
            _register(self, "original", original)
        else:
            stored = _tensor_sequence(stored)
            self.ntensors = len(stored)
            for i, tensor in enumerate(stored):
                if isinstance(original, Parameter):
                    tensor = Parameter(tensor.detach(), original.requires_grad)
                _register(self, f"original{i}", tensor)
        if not unsafe:
            _check_same("the parametrization", dtype, shape, self())

    def forward(self):
        if self.is_tensor:
            x = self[0](self.original)
        else:
            x = self[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for module in list(self)[1:]:
            x = module(x)
        return x

    def right_inverse(self, value):
        """Store what makes the parametrized tensor equal `value` (`module.weight = value`)."""
        with no_grad():
            for module in reversed(self):
                if not hasattr(module, "right_inverse"):
                    raise RuntimeError(
                        f"parametrization {type(module).__name__} does not implement "
                        "right_inverse, so the parametrized tensor cannot be assigned"
                    )
                value = module.right_inverse(value)
            if self.is_tensor:
                _check_dtype("right_inverse", self.original, value)
                self.original.data = value.data
                return
            value = _tensor_sequence(value)
            if len(value) != self.ntensors:
                raise ValueError(
                    f"right_inverse: returned {len(value)} tensors, but {self.ntensors} are stored"
                )
            for i, tensor in enumerate(value):
                stored = getattr(self, f"original{i}")
                _check_dtype("right_inverse", stored, tensor)
                stored.data = tensor.data


def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
    """Make `module.<tensor_name>` the output of `parametrization` (see the module doc).

    Unless `unsafe`, the parametrized tensor must keep the original's shape and dtype (checked
    now). Returns the module."""
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        if not unsafe:
            current = getattr(module, tensor_name)
            _check_same("the parametrization", current.dtype, current.shape,
                        parametrization(current))
        module.parametrizations[tensor_name].append(parametrization)
        module.parametrizations[tensor_name].unsafe |= unsafe
        return module
    original = module._parameters.get(tensor_name, module._buffers.get(tensor_name))
    if original is None:
        raise ValueError(
            f"register_parametrization: {type(module).__name__} has no parameter, buffer or "
            f"parametrized tensor named {tensor_name!r}"
        )
    parametrizations = ParametrizationList([parametrization], original, unsafe=unsafe)
    delattr(module, tensor_name)
    if not is_parametrized(module):
        module.parametrizations = ModuleDict()
        _give_parametrized_class(module)
    module.parametrizations[tensor_name] = parametrizations
    setattr(type(module), tensor_name, property(_parametrized_getter(tensor_name)))
    return module


def is_parametrized(module, tensor_name=None):
    """Whether `module` has parametrizations (on `tensor_name`, if given)."""
    parametrizations = module._modules.get("parametrizations")
    if not isinstance(parametrizations, ModuleDict):
        return False
    return len(parametrizations) > 0 if tensor_name is None else tensor_name in parametrizations


def remove_parametrizations(module, tensor_name, leave_parametrized=True):
    """Take the parametrizations of `tensor_name` off again; the tensor becomes a parameter
    (or buffer) holding the current parametrized value, or, with leave_parametrized=False,
    the stored original (possible only when a single tensor is stored). Returns the module."""
    if not is_parametrized(module, tensor_name):
        raise ValueError(
            f"remove_parametrizations: {type(module).__name__} has no parametrization on "
            f"{tensor_name!r}"
        )
    parametrizations = module.parametrizations[tensor_name]
    if parametrizations.is_tensor:
        original = parametrizations.original
        if leave_parametrized:
            with no_grad():
                original.data = getattr(module, tensor_name).data
    elif leave_parametrized:
        value = getattr(module, tensor_name)
        original = Parameter(value.detach(), value.requires_grad) if value.requires_grad else value
    else:
        raise ValueError(
            f"remove_parametrizations: {tensor_name!r} is stored as {parametrizations.ntensors} "
            "tensors, so it cannot be left unparametrized (leave_parametrized=False)"
        )
    delattr(type(module), tensor_name)
    del module.parametrizations[tensor_name]
    _register(module, tensor_name, original)
    if not is_parametrized(module):
        del module.parametrizations
        module.__class__ = type(module).__bases__[0]
    return module


def type_before_parametrizations(module):
    """The module's class as it was before any parametrization was registered."""
    return type(module).__bases__[0] if is_parametrized(module) else type(module)


def _give_parametrized_class(module):
    """A subclass of the module's class, made for this one module, to hold its properties;
    assigning to a parametrized name goes to right_inverse."""
    original_class = type(module)

    def __setattr__(self, name, value):
        if is_parametrized(self, name):
            self.parametrizations[name].right_inverse(value)
        else:
            super(parametrized_class, self).__setattr__(name, value)

    parametrized_class = type(
        f"Parametrized{original_class.__name__}", (original_class,), {"__setattr__": __setattr__}
    )
    module.__class__ = parametrized_class


def _parametrized_getter(tensor_name):
    def get_parametrized(module):
        if not _cache_depth:
            return module.parametrizations[tensor_name]()
        key = (id(module), tensor_name)
        if key not in _cache:
            _cache[key] = module.parametrizations[tensor_name]()
        return _cache[key]

    return get_parametrized


def _register(module, name, tensor):
    if isinstance(tensor, Parameter):
        module.register_parameter(name, tensor)
    else:
        module.register_buffer(name, tensor)


def _tensor_sequence(value):
    if not isinstance(value, Sequence) or not all(isinstance(t, Tensor) for t in value):
        raise TypeError(
            f"right_inverse: must return a Tensor or a sequence of Tensors, got "
            f"{type(value).__name__}"
        )
    return value


def _check_dtype(op, stored, value):
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}: must return a Tensor, got {type(value).__name__}")
    if value.dtype != stored.dtype:
        raise ValueError(f"{op}: returned dtype {value.dtype}, but the stored tensor has "
                         f"dtype {stored.dtype}")


def _check_same(what, dtype, shape, result):
    """The parametrized tensor keeps the dtype and shape the tensor had (unless unsafe)."""
    if not isinstance(result, Tensor):
        raise TypeError(
            f"register_parametrization: {what} must return a Tensor, got {type(result).__name__}"
        )
    for attribute, before in (("dtype", dtype), ("shape", tuple(shape))):
        after = getattr(result, attribute)
        after = tuple(after) if attribute == "shape" else after
        if before != after:
            raise ValueError(
                f"register_parametrization: {what} changes the {attribute} of the tensor from "
                f"{before} to {after}; pass unsafe=True to allow it"
            )
