"""`mg.autograd.functional`: derivatives of a whole function, as torch.autograd.functional.

    vjp(f, x, v)     -> (f(x), vᵀ·J)    one backward pass
    jacobian(f, x)   -> J               one backward pass per output element (its row of J)

Both call `f` on detached copies of the inputs that require grad, so the caller's tensors and
their `.grad` are left alone, and go backward with `mg.autograd.grad`. With several inputs
(a tuple) the answer has one entry per input; jacobian with several outputs has one per
output, each with one per input. An output that does not depend on an input contributes zeros.

What needs a graph of the gradient itself (create_graph=True, hessian, hvp) is refused:
minigrad's backward runs on raw arrays, so there are no second derivatives.
"""

from minigrad.autograd import enable_grad, grad
from minigrad.backend import array_module
from minigrad.tensor import Tensor


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(*inputs), vᵀ·J): the gradient of Σ v ⊙ func(inputs) with respect to each input.
    `v` has func's output's shape (a tuple for several outputs); None only for an output of
    one element."""
    _refuse_create_graph("vjp", create_graph)
    inputs, inputs_are_tuple = _as_tuple("vjp", "inputs", inputs)
    inputs = _differentiable_copies(inputs)
    with enable_grad():
        outputs = func(*inputs)
    outputs, outputs_are_tuple = _as_tuple("vjp", "outputs of func", outputs)
    if v is None:
        if len(outputs) != 1 or outputs[0].numel() != 1:
            raise ValueError(
                "vjp: v can be left out only when func returns one tensor of one element; its "
                f"outputs have shapes {[tuple(o.shape) for o in outputs]}"
            )
        v = (None,)
    v, _ = _as_tuple("vjp", "v", v)
    if len(v) != len(outputs):
        raise ValueError(f"vjp: got {len(v)} tensors in v for {len(outputs)} outputs of func")
    grads = _gradients(outputs, v, inputs, strict, retain_graph=False)
    detached = tuple(o.detach() for o in outputs)
    return (
        detached if outputs_are_tuple else detached[0],
        grads if inputs_are_tuple else grads[0],
    )


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """d func(inputs) / d inputs, of shape output.shape + input.shape for each pair.

    Built row by row: the backward pass of output element k, seeded with a one-hot gradient,
    is row k. `vectorize` and the strategy are PyTorch's speed options: here every strategy
    is reverse mode, one pass per row."""
    _refuse_create_graph("jacobian", create_graph)
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError(f"jacobian: strategy must be 'reverse-mode' or 'forward-mode', got "
                         f"{strategy!r}")
    inputs, inputs_are_tuple = _as_tuple("jacobian", "inputs", inputs)
    inputs = _differentiable_copies(inputs)
    with enable_grad():
        outputs = func(*inputs)
    outputs, outputs_are_tuple = _as_tuple("jacobian", "outputs of func", outputs)
    per_output = []
    for output in outputs:
        xp = array_module(output.data)
        rows = [xp.zeros((output.numel(), x.numel()), dtype=x.dtype) for x in inputs]
        for k in range(output.numel()):
            seed = xp.zeros(output.numel(), dtype=output.dtype)
            seed[k] = 1
            seed = Tensor._make(seed.reshape(output.shape))
            for row, g in zip(rows, _gradients((output,), (seed,), inputs, strict, True)):
                row[k] = g.data.reshape(-1)
        per_output.append(tuple(
            Tensor._make(row.reshape(output.shape + x.shape)) for row, x in zip(rows, inputs)
        ))
    per_output = [j if inputs_are_tuple else j[0] for j in per_output]
    return tuple(per_output) if outputs_are_tuple else per_output[0]


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    raise NotImplementedError(
        "hessian: second derivatives need the gradient's own graph (double backward), and "
        "minigrad's backward runs on raw arrays; take finite differences of jacobian instead"
    )


def _gradients(outputs, seeds, inputs, strict, retain_graph):
    """Σ seed ⊙ output differentiated by each input; zeros where nothing depends on it."""
    live = [(o, s) for o, s in zip(outputs, seeds) if o.requires_grad]
    grads = [None] * len(inputs)
    if live:
        grads = grad([o for o, _ in live], inputs, grad_outputs=[s for _, s in live],
                     retain_graph=retain_graph, allow_unused=True)
    if strict and any(g is None for g in grads):
        unused = [i for i, g in enumerate(grads) if g is None]
        raise RuntimeError(f"strict=True: the outputs of func do not depend on inputs {unused}")
    return tuple(
        Tensor._make(array_module(x.data).zeros_like(x.data)) if g is None else g
        for g, x in zip(grads, inputs)
    )


def _as_tuple(op, what, values):
    is_tuple = isinstance(values, (tuple, list))
    values = tuple(values) if is_tuple else (values,)
    for i, value in enumerate(values):
        if not isinstance(value, Tensor) and not (what == "v" and value is None):
            raise TypeError(
                f"{op}: {what} must be a Tensor or a tuple of Tensors, got "
                f"{type(value).__name__}" + (f" at position {i}" if is_tuple else "")
            )
    return values, is_tuple


def _differentiable_copies(inputs):
    return tuple(x.detach().requires_grad_() for x in inputs)


def _refuse_create_graph(op, create_graph):
    if create_graph:
        raise NotImplementedError(
            f"{op}: create_graph=True is not supported: minigrad's backward runs on raw arrays, "
            "so gradients have no graph and there are no higher-order derivatives"
        )
