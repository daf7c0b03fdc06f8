"""Check an op's backward against central finite differences, in float64.

For a scalar function L(x), the central difference (L(x + ε) - L(x - ε)) / 2ε approximates
dL/dx with error O(ε²). Perturbing one input element at a time gives a numeric gradient that
owes nothing to the op's backward, so agreement is evidence the backward is right.

A function with a tensor output is reduced to a scalar by a fixed random weighting,
L = Σ w ⊙ f(x); a wrong backward disagrees for almost every w. Everything runs in float64:
in float32, rounding error of ~1e-7/ε would swamp the comparison.
"""

import numpy as np

from minigrad.autograd import no_grad
from minigrad.tensor import Tensor


class GradcheckError(RuntimeError):
    """The analytic and the numeric gradient disagree."""


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """True if `fn`'s gradients match finite differences for every input that requires grad.

    `inputs` is a tensor or a sequence of them (non-tensor items are passed through as they
    are). Float inputs are copied to float64 first. Raises GradcheckError naming the input,
    the element and both values at the first mismatch.
    """
    inputs = inputs if isinstance(inputs, (tuple, list)) else (inputs,)
    inputs = [_float64_copy(x) for x in inputs]
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input has requires_grad=True, so nothing is checked")

    weights = None

    def scalar_loss():
        nonlocal weights
        out = fn(*inputs)
        if not isinstance(out, Tensor):
            raise TypeError(f"gradcheck: fn must return a tensor, got {type(out).__name__}")
        if weights is None:
            weights = np.random.default_rng(1234).uniform(0.5, 1.5, out.shape)
        return (out * Tensor._make(weights.astype(out.dtype))).sum()

    loss = scalar_loss()
    if not loss.requires_grad:
        raise GradcheckError("gradcheck: the output does not depend on any input with grad")
    loss.backward()

    for i in checked:
        x = inputs[i]
        analytic = np.zeros(x.shape) if x.grad is None else x.grad.numpy()
        numeric = _numeric_gradient(scalar_loss, x.data, eps)
        bad = ~(np.abs(analytic - numeric) <= atol + rtol * np.abs(numeric))
        if bad.any():
            where = tuple(int(k) for k in np.argwhere(bad)[0])
            raise GradcheckError(
                f"gradcheck: gradient of input {i} (shape {tuple(x.shape)}) at element "
                f"{where}: backward gave {analytic[where]:.8g}, finite differences "
                f"{numeric[where]:.8g} ({int(bad.sum())} of {bad.size} elements differ)"
            )
    return True


def _float64_copy(x):
    if isinstance(x, Tensor) and x.dtype.kind == "f":
        return Tensor(x.data, dtype=np.float64, requires_grad=x.requires_grad)
    return x


def _numeric_gradient(scalar_loss, values, eps):
    """(L(x+ε) - L(x-ε)) / 2ε for each element of `values`, changed in place and restored."""
    grad = np.zeros(values.shape)
    flat = values.reshape(-1)
    with no_grad():
        for k in range(flat.size):
            original = flat[k]
            flat[k] = original + eps
            plus = scalar_loss().item()
            flat[k] = original - eps
            minus = scalar_loss().item()
            flat[k] = original
            grad.reshape(-1)[k] = (plus - minus) / (2 * eps)
    return grad
