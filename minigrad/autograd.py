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

`grad(outputs, inputs)` is the same walk, restricted to the nodes between the outputs and the
inputs, returning the inputs' gradients instead of adding them to `.grad`. Hooks
(`Tensor.register_hook`) see a tensor's gradient at its node: on the leaf itself, or on the
Function that made it. `tensor.grad_fn` is that Function, for inspection (`name()`,
`next_functions`).

The walk runs on raw arrays: a gradient is not itself a graph, so there are no higher-order
gradients (`create_graph=True` is refused).
"""

import copy
import functools
import sys

import numpy as np

from minigrad.backend import array_module, device_of

_grad_enabled = True
# None, or while an autocast region is active (minigrad/autocast_mode.py) the function that
# casts an op's inputs as its `autocast_policy` says: all an op pays outside autocast is
# this one check
autocast_hook = None


def is_grad_enabled():
    return _grad_enabled


class set_grad_enabled:
    """Context manager (and decorator) that turns graph recording on or off."""

    def __new__(cls, *args, **kwargs):
        # `@mg.no_grad` without parentheses, as PyTorch allows: the function comes in as the
        # only argument, and the result is the decorated function
        if cls is not set_grad_enabled and len(args) == 1 and callable(args[0]):
            return cls()(args[0])
        return super().__new__(cls)

    def __init__(self, mode):
        self.mode = bool(mode)

    def __enter__(self):
        global _grad_enabled
        self.previous, _grad_enabled = _grad_enabled, self.mode

    def __exit__(self, *exc):
        global _grad_enabled
        _grad_enabled = self.previous

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with copy.copy(self):  # a fresh one per call: each restores its own previous mode
                return fn(*args, **kwargs)

        return wrapper


class no_grad(set_grad_enabled):
    """`with mg.no_grad():` runs ops without recording a graph (evaluation, optimizer steps)."""

    def __init__(self):
        super().__init__(False)


class enable_grad(set_grad_enabled):
    def __init__(self):
        super().__init__(True)


class inference_mode(set_grad_enabled):
    """`with mg.inference_mode():` as in PyTorch. minigrad has no separate inference tensors, so
    this is no_grad under PyTorch's name (and `inference_mode(False)` turns recording on, as
    PyTorch's does)."""

    def __init__(self, mode=True):
        super().__init__(not mode)


AUTOCAST_POLICIES = ("lower_precision_fp", "fp32", "promote", "banned")


def under_autocast(policy):
    """Decorator for a public op composed of several Functions (see minigrad/autocast_mode.py):
    inside autocast, cast its tensor arguments (also those in a list or tuple argument) as
    `policy` says, then run it with autocast off, so that the Functions inside do not cast
    again (as PyTorch's listed ops run their insides)."""
    if policy not in AUTOCAST_POLICIES:
        raise ValueError(f"under_autocast: policy must be one of {AUTOCAST_POLICIES}, got {policy!r}")

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            global autocast_hook
            hook = autocast_hook
            if hook is None:
                return fn(*args, **kwargs)
            tensors = list(_tensors_in((*args, *kwargs.values())))
            cast = dict(zip(map(id, tensors), hook(policy, fn.__name__, tensors)))
            args = [_replaced(a, cast) for a in args]
            kwargs = {name: _replaced(a, cast) for name, a in kwargs.items()}
            autocast_hook = None
            try:
                return fn(*args, **kwargs)
            finally:
                autocast_hook = hook

        return wrapper

    return decorate


def _tensors_in(values):
    for value in values:
        if isinstance(value, Tensor):
            yield value
        elif isinstance(value, (list, tuple)):
            yield from (v for v in value if isinstance(v, Tensor))


def _replaced(value, cast):
    if isinstance(value, Tensor):
        return cast[id(value)]
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value):
        return type(value)(cast[id(v)] if isinstance(v, Tensor) else v for v in value)
    return value


class Function:
    """One differentiable op. Subclasses define `forward` and `backward` (see module doc).

    `self.needs_input_grad[i]` tells backward whether input i wants a gradient, so an op can
    skip work (returning None for that input).

    `autocast_policy` names how the op runs inside `mg.autocast` (PyTorch's CastPolicy):
    None (in its inputs' dtypes), "lower_precision_fp", "fp32" or "promote".
    """

    autocast_policy = None

    parents = ()  # per input: its graph node (see graph_node), or None if it wants no gradient
    needs_input_grad = ()
    retained_output = None  # weakref to the output, if retain_grad() asked to keep its .grad
    _grad_hooks = None  # the output's hooks (Tensor.register_hook), by handle id

    @classmethod
    def apply(cls, *inputs, **options):
        if autocast_hook is not None and cls.autocast_policy is not None:
            inputs = autocast_hook(cls.autocast_policy, cls.__name__, inputs)
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

    # ---- inspection, as `tensor.grad_fn` -------------------------------------------------
    def name(self):
        """PyTorch's style, "MulBackward0": the op's class name here, so it matches PyTorch's
        for the ops named alike (Add, Mul, Sum, Exp, ...) and not for the others."""
        return f"{type(self).__name__}Backward0"

    @property
    def next_functions(self):
        """Per input, (where its gradient goes, 0): the Function that made it, an
        `AccumulateGrad` for a leaf, or None for an input that wants no gradient. The 0 is
        PyTorch's output number; each minigrad Function has one output. Empty once a backward
        pass without retain_graph has freed this part of the graph."""
        return tuple(
            (AccumulateGrad(p) if isinstance(p, Tensor) else p, 0) for p in self.parents or ()
        )

    def __repr__(self):
        return f"<{self.name()} object>"


class AccumulateGrad:
    """What `next_functions` shows for a leaf: the step that adds its gradient to `.grad`."""

    next_functions = ()

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "AccumulateGrad"

    def __repr__(self):
        return "<AccumulateGrad object>"


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


def topological_order(roots):
    """Graph nodes (Functions and leaf tensors) reachable from `roots`, inputs before users."""
    order, visited = [], set()
    stack = [(root, False) for root in roots]
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
                    "backward: this graph was already used by a backward pass (backward() or "
                    "grad()) and freed; pass retain_graph=True to the first pass to go through "
                    "it twice"
                )
            for parent in node.parents:
                if parent is not None and id(parent) not in visited:
                    stack.append((parent, False))
    return order


def run_backward(root, grad, retain_graph=False):
    """Accumulate d(root)/d(leaf) * grad into `.grad` of every leaf that requires grad."""
    backpropagate([root], [grad], retain_graph)


def backpropagate(roots, grads, retain_graph, inputs=None):
    """Walk from `roots` (tensors, seeded with the arrays `grads`) back to the leaves.

    Without `inputs` (backward()): each leaf reached adds its gradient to its `.grad`. With
    `inputs` (grad()): only nodes from which a gradient can reach an input are visited, no
    `.grad` of a leaf changes, and the return value is each input's gradient (None where
    none arrived).
    """
    starts = [graph_node(root) for root in roots]
    pending = {}
    for node, grad in zip(starts, grads):
        _add_gradient(pending, node, grad)
    order = topological_order(starts)
    wanted = None
    if inputs is not None:
        wanted = {id(graph_node(t)): None for t in inputs}
        order = _leading_to(order, wanted)
    for node in reversed(order):
        node_grad = pending.pop(id(node), None)
        if node_grad is None:
            continue
        if node._grad_hooks is not None:
            node_grad = call_hooks(node._grad_hooks, node_grad)
        if wanted is not None and id(node) in wanted:
            wanted[id(node)] = node_grad
        if not isinstance(node, Function):  # a leaf tensor
            if wanted is None:
                node._accumulate_grad(node_grad)
            continue
        retained = node.retained_output and node.retained_output()
        if retained is not None:
            retained._accumulate_grad(node_grad)
        input_grads = node.backward(node_grad)
        if not isinstance(input_grads, tuple):
            input_grads = (input_grads,)
        for parent, parent_grad in zip(node.parents, input_grads):
            if parent is not None and parent_grad is not None:
                _add_gradient(pending, parent, parent_grad)
        if not retain_graph:  # drop the links, so the graph's arrays can be freed
            node.parents = None
    if wanted is not None:
        return [wanted[id(graph_node(t))] for t in inputs]


def grad(
    outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False
):
    """d(outputs)/d(inputs), as torch.autograd.grad: a tuple with one gradient per input.

    `outputs` and `inputs` are tensors or sequences of tensors; with several outputs the
    gradients of all of them are summed. `grad_outputs` weights each output as `gradient=`
    does in backward() (None: ones, for an output of one element). Nothing is added to any
    `.grad`, though hooks on the tensors passed through run, as in backward(). An input the
    outputs do not depend on raises, or gets None with `allow_unused=True`. The graph is
    freed unless `retain_graph=True`.

    `create_graph=True` (a graph of the gradient, for second derivatives) is refused: the
    backward functions here compute with raw arrays, not with ops, so a gradient has no
    graph of its own.
    """
    if create_graph:
        raise NotImplementedError(
            "grad: create_graph=True is not supported: minigrad's backward runs on raw arrays, "
            "so gradients have no graph and there are no higher-order gradients"
        )
    outputs, inputs = _as_tensor_tuple("outputs", outputs), _as_tensor_tuple("inputs", inputs)
    if not inputs:
        raise ValueError("grad: inputs cannot be empty")
    if isinstance(grad_outputs, Tensor) or grad_outputs is None:
        grad_outputs = (grad_outputs,) * len(outputs) if grad_outputs is None else (grad_outputs,)
    if len(grad_outputs) != len(outputs):
        raise ValueError(
            f"grad: got {len(outputs)} outputs and {len(grad_outputs)} grad_outputs; "
            "give one per output"
        )
    for i, output in enumerate(outputs):
        if not output.requires_grad:
            raise RuntimeError(f"grad: outputs[{i}] does not require grad and has no graph")
    for i, tensor in enumerate(inputs):
        if not tensor.requires_grad:
            raise RuntimeError(f"grad: inputs[{i}] does not require grad")
    seeds = [
        initial_gradient("grad", output, given, f"outputs[{i}]", f"grad_outputs[{i}]")
        for i, (output, given) in enumerate(zip(outputs, grad_outputs))
    ]
    grads = backpropagate(outputs, seeds, bool(retain_graph), inputs)
    for i, g in enumerate(grads):
        if g is None and not allow_unused:
            raise RuntimeError(
                f"grad: inputs[{i}] was not used to compute the outputs (no gradient reaches "
                "it); pass allow_unused=True to get None for it"
            )
    # copies in the input's dtype: the walk's arrays may be broadcast views or shared
    return tuple(
        None if g is None else Tensor._make(g.astype(t.dtype)) for g, t in zip(grads, inputs)
    )


def initial_gradient(op, output, gradient, what, argument):
    """The array that starts a walk at `output`: ones for an output of one element when no
    gradient is given, else `gradient` in the output's dtype and device, checked for shape."""
    if gradient is None:
        if output.data.size != 1:
            raise RuntimeError(
                f"{op}: gradient can be implied only for a scalar output, but {what} has shape "
                f"{tuple(output.shape)}; pass {argument} of that shape"
            )
        return array_module(output.data).ones_like(output.data)
    grad = _to_array(gradient, output.dtype, output.device)
    if grad.shape != output.shape:
        raise ValueError(
            f"{op}: {argument} has shape {tuple(grad.shape)}, but {what} has shape "
            f"{tuple(output.shape)}"
        )
    return grad


def _as_tensor_tuple(name, tensors):
    tensors = (tensors,) if isinstance(tensors, Tensor) else tuple(tensors)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"grad: {name}[{i}] is a {type(t).__name__}, not a Tensor")
    return tensors


def _add_gradient(pending, node, grad):
    """Gradients from several users of a node are summed before the node passes them on."""
    key = id(node)
    pending[key] = pending[key] + grad if key in pending else grad


def _leading_to(order, targets):
    """The nodes of `order` (a topological order) from which a gradient can reach one of
    `targets` (node ids), the targets included: the rest of the graph need not run."""
    keep = set(targets)
    for node in order:  # inputs before users: a node's parents are settled before it
        if isinstance(node, Function) and any(id(p) in keep for p in node.parents if p is not None):
            keep.add(id(node))
    return [node for node in order if id(node) in keep]


def call_hooks(hooks, grad):
    """Run a tensor's hooks on its gradient, in the order they were registered; a hook that
    returns a tensor replaces the gradient for the hooks after it and for the walk."""
    for hook in tuple(hooks.values()):
        result = hook(Tensor._make(grad))
        if result is not None:
            grad = hook_gradient("register_hook", hook, result, grad)
    return grad


def hook_gradient(op, hook, result, grad):
    """The array of the Tensor `result` that `hook` returned in place of the gradient array
    `grad`, checked to be a Tensor of grad's shape and dtype."""
    name = getattr(hook, "__name__", type(hook).__name__)
    if not isinstance(result, Tensor):
        raise TypeError(
            f"{op}: hook {name!r} returned {type(result).__name__}; a hook returns "
            "None or a Tensor (the new gradient)"
        )
    if result.shape != grad.shape:
        raise ValueError(
            f"{op}: hook {name!r} returned shape {tuple(result.shape)} for a "
            f"gradient of shape {tuple(grad.shape)}"
        )
    if result.dtype != grad.dtype:
        raise TypeError(
            f"{op}: hook {name!r} returned dtype {result.dtype} for a gradient "
            f"of dtype {grad.dtype}"
        )
    return result.data


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
from minigrad.tensor import Tensor, _to_array  # noqa: E402

# isort: split
# `mg.autograd.functional.jacobian` / `vjp`, as PyTorch spells them (built on grad() above);
# listed in sys.modules under that name too, so `from minigrad.autograd.functional import
# jacobian` works although this module is a file, not a package
from minigrad import autograd_functional as functional

sys.modules[__name__ + ".functional"] = functional
