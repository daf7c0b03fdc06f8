"""All parameters as one flat vector, and back (named as in torch.nn.utils).

    vec = parameters_to_vector(model.parameters())     # shape (total number of weights,)
    vector_to_parameters(vec, model.parameters())      # write it back, in the same order

Methods that see the model as one point θ ∈ ℝⁿ need this: evolution strategies, line
searches, measuring ‖θ − θ₀‖, averaging or interpolating two models. The order is that of
`parameters`, each parameter flattened row by row (C order).
"""

from minigrad.ops.movement import cat
from minigrad.tensor import Tensor


def _listed(parameters, name):
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    if not params:
        raise ValueError(f"{name}: got no parameters")
    devices = sorted({p.device for p in params})
    if len(devices) > 1:
        raise ValueError(f"{name}: found parameters on different devices {devices}")
    return params


def parameters_to_vector(parameters):
    """The parameters flattened and joined into one 1-D tensor. It is computed by ops
    (reshape, cat), so gradients flow back to each parameter."""
    return cat([p.reshape(-1) for p in _listed(parameters, "parameters_to_vector")])


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the 1-D `vec` into the parameters, in place.

    Each parameter keeps its own array and dtype (PyTorch instead makes each parameter a
    view of `vec`, sharing its memory and taking its dtype); no graph is recorded.
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"vector_to_parameters: expected a Tensor, but got {type(vec).__name__}")
    params = _listed(parameters, "vector_to_parameters")
    total = sum(p.data.size for p in params)
    if vec.shape != (total,):
        raise ValueError(
            f"vector_to_parameters: vec has shape {tuple(vec.shape)}, but the parameters "
            f"have {total} elements in all (expected shape ({total},))"
        )
    if vec.device != params[0].device:
        raise ValueError(
            f"vector_to_parameters: vec is on {vec.device}, the parameters on "
            f"{params[0].device}"
        )
    offset = 0
    for p in params:
        p.data[...] = vec.data[offset : offset + p.data.size].reshape(p.shape)
        offset += p.data.size
