"""Reverse-mode automatic differentiation: the graph, and the walk back through it.

Every differentiable op is a `Function` subclass with two methods side by side:

    forward(self, *arrays, **options) -> array      the value, from raw numpy/cupy arrays
    backward(self, grad) -> array or tuple           d(loss)/d(input) for each tensor input,
                                                     given d(loss)/d(output) = grad

`Function.apply` runs forward and, when a gradient will be needed, remembers the inputs on the
output tensor (`tensor._ctx`). That chain of remembered inputs is the computation graph.

`run_backward` visits the graph in reverse topological order: a node is processed only after
every node that used it has handed back its gradient, so gradients from several uses of a
tensor are summed before they flow further. The topological sort is an explicit stack, not
recursion, so a chain of 20,000 ops works (a recursive walk hits Python's recursion limit
around 1,000).
"""

import numpy as np

from minigrad.backend import device_of

_grad_enabled = True


def is_grad_enabled():
    return _grad_enabled


class set_grad_enabled:
    """Context manager (and decorator) that turns graph recording on or off."""

    def __init__(self, mode):
        self.mode = bool(mode)

    def __enter__(self):
        global _grad_enabled
        self.previous, _grad_enabled = _grad_enabled, self.mode

    def __exit__(self, *exc):
        global _grad_enabled
        _grad_enabled = self.previous

    def __call__(self, fn):
        def wrapper(*args, **kwargs):
            with set_grad_enabled(self.mode):
                return fn(*args, **kwargs)

        wrapper.__name__, wrapper.__doc__ = fn.__name__, fn.__doc__
        return wrapper


class no_grad(set_grad_enabled):
    """`with mg.no_grad():` runs ops without recording a graph (evaluation, optimizer steps)."""

    def __init__(self):
        super().__init__(False)


class enable_grad(set_grad_enabled):
    def __init__(self):
        super().__init__(True)


class Function:
    """One differentiable op. Subclasses define `forward` and `backward` (see module doc).

    `self.needs_input_grad[i]` tells backward whether input i wants a gradient, so an op can
    skip work (returning None for that input).
    """

    inputs = ()
    needs_input_grad = ()

    @classmethod
    def apply(cls, *inputs, **options):
        fn = cls()
        arrays = [t.data for t in inputs]
        if len(arrays) > 1:
            _check_same_device(cls.__name__, inputs, arrays)
        out = fn.forward(*arrays, **options)
        needs_input_grad = tuple([t.requires_grad for t in inputs])
        requires_grad = _grad_enabled and True in needs_input_grad
        if requires_grad:
            fn.inputs, fn.needs_input_grad = inputs, needs_input_grad
        return Tensor._make(out, requires_grad, fn if requires_grad else None)

    def forward(self, *arrays, **options):
        raise NotImplementedError(f"{type(self).__name__}.forward")

    def backward(self, grad):
        raise NotImplementedError(f"{type(self).__name__} has no backward")


def _check_same_device(op, tensors, arrays):
    first = type(arrays[0])
    if not all([type(a) is first for a in arrays]):
        devices = {device_of(a) for a in arrays}
        if len(devices) > 1:
            shapes = ", ".join(f"{t.device}:{tuple(t.shape)}" for t in tensors)
            raise RuntimeError(
                f"{op}: inputs are on different devices ({shapes}); "
                "move them with .to(device) first"
            )


def topological_order(root):
    """Tensors reachable from `root` through requires-grad edges, inputs before users."""
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        if node._ctx is not None:
            if node._ctx.inputs is None:
                raise RuntimeError(
                    "backward: this graph was already used by a backward pass and freed; "
                    "pass retain_graph=True to the first backward() to go through it twice"
                )
            for parent in node._ctx.inputs:
                if parent.requires_grad and id(parent) not in visited:
                    stack.append((parent, False))
    return order


def run_backward(root, grad, retain_graph=False):
    """Accumulate d(root)/d(leaf) * grad into `.grad` of every leaf that requires grad."""
    order = topological_order(root)
    pending = {id(root): grad}
    for node in reversed(order):
        node_grad = pending.pop(id(node), None)
        if node_grad is None:
            continue
        fn = node._ctx
        if fn is None or node._retains_grad:
            node._accumulate_grad(node_grad)
        if fn is None:
            continue
        input_grads = fn.backward(node_grad)
        if not isinstance(input_grads, tuple):
            input_grads = (input_grads,)
        for parent, parent_grad in zip(fn.inputs, input_grads):
            if parent_grad is None or not parent.requires_grad:
                continue
            key = id(parent)
            pending[key] = pending[key] + parent_grad if key in pending else parent_grad
        if not retain_graph:
            fn.inputs = None  # drop the references, so the graph's arrays can be freed


def unbroadcast(grad, shape):
    """Sum `grad` down to `shape`: the backward of numpy broadcasting.

    Broadcasting copies an input along new leading dims and along its size-1 dims; each copy
    received its own gradient, and the input's gradient is their sum.
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def as_array(value):
    """numpy scalars (what a reduction of a numpy array returns) as 0-d arrays."""
    return np.asarray(value) if isinstance(value, np.generic) else value


# Tensor's methods call the ops, which subclass Function: load Tensor after Function exists.
from minigrad.tensor import Tensor  # noqa: E402
