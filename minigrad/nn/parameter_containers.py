"""`ParameterList` and `ParameterDict`: parameters held in a list or a dict, registered with
the module so that `parameters()`, `state_dict()` ("0", "1", ... or the keys) and `.to()`
see them (a plain Python list or dict of Parameters would hide them).

A tensor that is not yet a Parameter becomes one on the way in (sharing its memory), as in
PyTorch.
"""

from minigrad.nn.module import Module, Parameter
from minigrad.tensor import Tensor


def _as_parameter(container, key, value):
    if isinstance(value, Parameter):
        return value
    if isinstance(value, Tensor):
        return Parameter(value)
    raise TypeError(
        f"{type(container).__name__}: entry {key!r} must be a Tensor or a Parameter, "
        f"got {type(value).__name__}"
    )


class ParameterList(Module):
    def __init__(self, values=None):
        super().__init__()
        if values is not None:
            self.extend(values)

    def _key(self, index):
        """The registered name of position `index` (negative counts from the end)."""
        if not -len(self) <= index < len(self):
            raise IndexError(f"ParameterList: index {index} out of range for length {len(self)}")
        return str(index % len(self))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return ParameterList(list(self)[index])
        return self._parameters[self._key(index)]

    def __setitem__(self, index, value):
        key = self._key(index)
        self._parameters[key] = _as_parameter(self, key, value)

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters.values())

    def append(self, value):
        key = str(len(self))
        self._parameters[key] = _as_parameter(self, key, value)
        return self

    def extend(self, values):
        for value in values:
            self.append(value)
        return self

    def extra_repr(self):
        return ", ".join(f"({i}): Parameter of shape {tuple(p.shape)}" for i, p in enumerate(self))


class ParameterDict(Module):
    def __init__(self, parameters=None):
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key):
        return self._parameters[key]

    def __setitem__(self, key, value):
        self._parameters[key] = _as_parameter(self, key, value)

    def __delitem__(self, key):
        del self._parameters[key]

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters)

    def __contains__(self, key):
        return key in self._parameters

    def keys(self):
        return self._parameters.keys()

    def items(self):
        return self._parameters.items()

    def values(self):
        return self._parameters.values()

    def pop(self, key):
        return self._parameters.pop(key)

    def update(self, parameters):
        """Add (key, parameter) pairs from a mapping or an iterable of pairs."""
        pairs = parameters.items() if hasattr(parameters, "items") else parameters
        for key, value in pairs:
            self[key] = value

    def extra_repr(self):
        return ", ".join(f"({k}): Parameter of shape {tuple(p.shape)}" for k, p in self.items())
