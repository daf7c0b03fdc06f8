"""Module backward hooks: `register_full_backward_pre_hook` and `register_full_backward_hook`.

    hook(module, grad_output)              -> new grad_output or None   (a pre-hook)
    hook(module, grad_input, grad_output)  -> new grad_input or None

grad_output holds d(loss)/d(output) for each output of the module call, grad_input
d(loss)/d(input) for each positional input, as in PyTorch: a tuple with one entry per output
(per positional argument), None for an entry that is not a tensor or, in grad_output, for an
output that no gradient reached. A tensor input that takes no gradient (it needs none, or the
output does not depend on it) gets zeros, as PyTorch gives it.

How: a call of a module with backward hooks sends its tensor inputs, and afterwards its
outputs, through a *gate*: one graph node that all of them pass through together, the
identity in the forward direction. The backward walk (minigrad/autograd.py) reaches a node
only after every user of it has handed back its gradient, so when it reaches a gate, every
gradient with respect to those tensors has arrived (or never will): the output gate gives them
to the pre-hooks as grad_output and keeps them; the input gate, later, gives its gradients to
the full hooks as grad_input, with the grad_output the output gate kept. A hook's return value
replaces the gradients that flow on from there.

Why a gate rather than `Tensor.register_hook` on each tensor: such hooks fire one tensor at a
time, and none of them could tell when the last gradient has arrived, or that one never will.

A minigrad Function has one output, so a gate is wired by hand from two kinds of node: the
`Gate`, with one parent per tensor, and per tensor a `GatePass` whose output is the tensor seen
beyond the gate (its grad_fn). Each GatePass hands its gradient to the Gate in a slot of its own
(`Slots`, which add up slot by slot), so the Gate's backward receives them all at once.
"""

import warnings

from minigrad.autograd import Function, graph_node, hook_gradient, is_grad_enabled
from minigrad.backend import array_module
from minigrad.tensor import Tensor


class Slots:
    """Gradients for some of a gate's tensors, by slot; adding two merges them."""

    def __init__(self, grads):
        self.grads = grads

    def __add__(self, other):
        merged = dict(self.grads)
        for slot, grad in other.grads.items():
            merged[slot] = merged[slot] + grad if slot in merged else grad
        return Slots(merged)


class GatePass(Function):
    """y = x, for one tensor beyond a gate; backward puts dL/dy in the tensor's slot."""

    def __init__(self, slot):
        self.slot = slot

    def backward(self, grad):
        return Slots({self.slot: grad})


class Gate(Function):
    """y_i = x_i for every tensor of the gate; backward hands the gradients of all slots (None
    for a slot none reached) to `on_gradients`, which returns the ones that flow on."""

    def __init__(self, on_gradients, size):
        self.on_gradients, self.size = on_gradients, size

    def backward(self, slots):
        return tuple(self.on_gradients([slots.grads.get(i) for i in range(self.size)]))


def through_gate(tensors, on_gradients):
    """The tensors as seen beyond a new gate (those that need no gradient stay as they are)."""
    gate = Gate(on_gradients, len(tensors))
    gate.needs_input_grad = tuple(t.requires_grad for t in tensors)
    gate.parents = tuple(graph_node(t) if t.requires_grad else None for t in tensors)
    passed = []
    for slot, tensor in enumerate(tensors):
        if tensor.requires_grad:
            step = GatePass(slot)
            step.needs_input_grad, step.parents = (True,), (gate,)
            tensor = Tensor._make(tensor.data, True, step)
        passed.append(tensor)
    return passed


class BackwardHook:
    """The gates of one module call, and the hooks they run (those registered at the call)."""

    def __init__(self, module):
        self.module = module
        self.full_hooks = tuple(module._backward_hooks.values())
        self.pre_hooks = tuple(module._backward_pre_hooks.values())
        self.grad_outputs = None  # kept by the output gate for the full hooks at the input gate
        # per side: the number of positional entries, and where among them the gated tensors
        # are (None: no gate); for the inputs, what zeros stand for a missing gradient
        self.n_inputs, self.input_index, self.input_likes = 0, None, None
        self.n_outputs, self.output_index = 0, None

    # ---- wiring, during forward ---------------------------------------------------------
    def setup_input_hook(self, args):
        self.n_inputs = len(args)
        args, self.input_index = _gated(args, self._on_input_gradients)
        if self.input_index is not None:
            self.input_likes = [(array_module(args[i].data), args[i].shape, args[i].dtype)
                                for i in self.input_index]
        return args

    def setup_output_hook(self, output):
        single = isinstance(output, Tensor)
        if not single and not isinstance(output, tuple):
            warnings.warn(
                "For backward hooks to be called, module output should be a Tensor or a tuple "
                f"of Tensors but received {type(output)}",
                stacklevel=3,
            )
            return output
        outputs = (output,) if single else output
        self.n_outputs = len(outputs)
        outputs, self.output_index = _gated(outputs, self._on_output_gradients)
        return outputs[0] if single else outputs

    # ---- firing, during backward --------------------------------------------------------
    def _on_output_gradients(self, grads):
        grad_outputs = _packed(self.output_index, grads, self.n_outputs)
        for hook in self.pre_hooks:
            result = hook(self.module, grad_outputs)
            if result is not None:
                grad_outputs = _replacement("register_full_backward_pre_hook", hook, result,
                                            grad_outputs, "grad_output")
        self.grad_outputs = grad_outputs
        if self.input_index is None:  # no input takes a gradient: the full hooks run here
            self._run_full_hooks_without_inputs()
        return [_array(grad_outputs[i]) for i in self.output_index]

    def _run_full_hooks_without_inputs(self):
        grad_input = (None,) * self.n_inputs
        for hook in self.full_hooks:
            result = hook(self.module, grad_input, self.grad_outputs)
            if result is not None and any(g is not None for g in result):
                raise ValueError(
                    f"register_full_backward_hook: hook {_name(hook)!r} returned gradients for "
                    f"the inputs of {type(self.module).__name__}, but none of its inputs "
                    "requires grad; return None (or None for every input)"
                )
        self.grad_outputs = None

    def _on_input_gradients(self, grads):
        if self.grad_outputs is None:  # no gradient came through the outputs: nothing to report
            return grads
        grads = [g if g is not None else xp.zeros(shape, dtype)
                 for g, (xp, shape, dtype) in zip(grads, self.input_likes)]
        grad_input = _packed(self.input_index, grads, self.n_inputs)
        for hook in self.full_hooks:
            result = hook(self.module, grad_input, self.grad_outputs)
            if result is not None:
                grad_input = _replacement("register_full_backward_hook", hook, result,
                                          grad_input, "grad_input")
        self.grad_outputs = None
        return [_array(grad_input[i]) for i in self.input_index]


def _gated(values, on_gradients):
    """`values` with its tensors passed through one gate, and where the tensors are (None,
    and no gate, when none needs a gradient or no graph is being recorded)."""
    index = [i for i, v in enumerate(values) if isinstance(v, Tensor)]
    if not is_grad_enabled() or not any(values[i].requires_grad for i in index):
        return values, None
    passed = iter(through_gate([values[i] for i in index], on_gradients))
    items = [next(passed) if isinstance(v, Tensor) else v for v in values]
    return (tuple(items) if type(values) is tuple else type(values)(*items)), index


def _packed(index, grads, size):
    """The gate's gradient arrays placed at their positions among `size` entries, as tensors
    (None elsewhere)."""
    packed = [None] * size
    for i, grad in zip(index, grads):
        packed[i] = None if grad is None else Tensor._make(grad)
    return tuple(packed)


def _replacement(op, hook, result, grads, what):
    """A hook's new gradients, checked against the ones it was given."""
    result = (result,) if isinstance(result, Tensor) else tuple(result)
    if len(result) != len(grads):
        raise ValueError(
            f"{op}: hook {_name(hook)!r} returned {len(result)} entries for {what}, but "
            f"expected {len(grads)}"
        )
    return tuple(
        new if new is None or old is None else Tensor._make(hook_gradient(op, hook, new, old.data))
        for new, old in zip(result, grads)
    )


def _array(grad):
    return None if grad is None else grad.data


def _name(hook):
    return getattr(hook, "__name__", type(hook).__name__)
