"""Reverse-mode automatic differentiation: the graph, and the walk back through it.

Every differentiable op is a `Function` subclass with two methods side by side:

    forward(self, *arrays, **options) -> array      the value, from raw numpy/cupy arrays
    backward(self, grad) -> array or tuple           d(loss)/d(input) for each tensor input,
                                                     given d(loss)/d(output) = grad

`Function.apply` runs forward and, when a gradient will be needed, records the op in the output
tensor (`tensor._ctx`) and records in the op where each input's gradient must go: to the
Function that made the input, or to the input itself if it is a leaf (a tensor made by the
user, such as a parameter). Those links between Functions, ending in leaves, are the
computation graph. The tensors in between are not part of it (as in PyTorch): an
intermediate result is freed as soon as the program stops using it, unless an op kept its
numbers for backward.

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

    parents = ()  # per input: its graph node (see graph_node), or None if it wants no gradient
    needs_input_grad = ()
    retained_output = None  # the output tensor, if retain_grad() asked to keep its .grad

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
            fn.needs_input_grad = needs_input_grad
            fn.parents = tuple([graph_node(t) if t.requires_grad else None for t in inputs])
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


def graph_node(tensor):
    """Where the gradient of `tensor` goes: the Function that made it, or, for a leaf, the
    tensor itself (whose .grad collects it)."""
    return tensor if tensor._ctx is None else tensor._ctx


def topological_order(root):
    """Graph nodes (Functions and leaf tensors) reachable from `root`, inputs before users."""
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        if isinstance(node, Function):
            if node.parents is None:
                raise RuntimeError(
                    "backward: this graph was already used by a backward pass and freed; "
                    "pass retain_graph=True to the first backward() to go through it twice"
                )
            for parent in node.parents:
                if parent is not None and id(parent) not in visited:
                    stack.append((parent, False))
    return order


def run_backward(root, grad, retain_graph=False):
    """Accumulate d(root)/d(leaf) * grad into `.grad` of every leaf that requires grad."""
    start = graph_node(root)
    pending = {id(start): grad}
    for node in reversed(topological_order(start)):
        node_grad = pending.pop(id(node), None)
        if node_grad is None:
            continue
        if not isinstance(node, Function):  # a leaf tensor
            node._accumulate_grad(node_grad)
            continue
        if node.retained_output is not None:
            node.retained_output._accumulate_grad(node_grad)
        input_grads = node.backward(node_grad)
        if not isinstance(input_grads, tuple):
            input_grads = (input_grads,)
        for parent, parent_grad in zip(node.parents, input_grads):
            if parent is None or parent_grad is None:
                continue
            key = id(parent)
            pending[key] = pending[key] + parent_grad if key in pending else parent_grad
        if not retain_graph:  # drop the links, so the graph's arrays can be freed
            node.parents, node.retained_output = None, None


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
