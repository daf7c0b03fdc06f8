"""Weight normalisation and spectral normalisation as parametrizations (see parametrize.py),
as torch.nn.utils.parametrizations names them.

weight_norm (Salimans & Kingma 2016) writes a weight as a direction times a length,

    w = g · v / ‖v‖        (the norm over every dim but `dim`: one length per output unit)

stored as original0 = g and original1 = v, so gradient descent moves length and direction
separately. dim=None takes one norm over the whole tensor.

spectral_norm (Miyato et al. 2018) divides a weight by its largest singular value σ, so the
layer stretches no input by more than a factor 1 (a Lipschitz bound, for GAN discriminators):

    w = W / σ(W),    σ ≈ uᵀ W v

with W seen as a matrix (`dim` first, the other dims flattened). u and v are buffers that
power iteration (u ← W v / ‖W v‖, v ← Wᵀ u / ‖Wᵀ u‖) refines by `n_power_iterations` steps
each time the weight is computed in training mode; they carry over from call to call, so the
estimate stays good at the cost of one step per call. σ is differentiated with u and v held
constant (as in PyTorch).
"""

from minigrad.autograd import no_grad
from minigrad.nn.functional import normalize
from minigrad.nn.module import Module
from minigrad.nn.utils import parametrize


def norm_except_dim(v, dim):
    """The 2-norm of v over every dim but `dim` (kept, as size-1 dims); over all of v for
    dim=-1, as PyTorch's norm_except_dim counts it."""
    if dim == -1:
        return (v * v).sum().sqrt()
    others = tuple(d for d in range(v.ndim) if d != dim % v.ndim)
    return (v * v).sum(dim=others, keepdim=True).sqrt()


def weight_from_direction(g, v, dim):
    """w = g · v / ‖v‖ (PyTorch's _weight_norm)."""
    return v * (g / norm_except_dim(v, dim))


class _WeightNorm(Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return weight_from_direction(weight_g, weight_v, self.dim)

    def right_inverse(self, weight):
        return norm_except_dim(weight, self.dim), weight


def weight_norm(module, name="weight", dim=0):
    """Store `module.<name>` as a length g and a direction v (see the module doc); the state
    dict has parametrizations.<name>.original0 (g) and .original1 (v). Returns the module."""
    checked_weight("weight_norm", module, name, dim)
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)
    return module


class _SpectralNorm(Module):
    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        if n_power_iterations <= 0:
            raise ValueError(
                f"spectral_norm: n_power_iterations must be positive, got {n_power_iterations}"
            )
        self.dim = dim % weight.ndim
        self.eps, self.n_power_iterations = eps, n_power_iterations
        if weight.ndim > 1:
            matrix = self._as_matrix(weight.detach())
            rows, cols = matrix.shape
            start = [weight.new_empty(n).normal_(0, 1) for n in (rows, cols)]
            self.register_buffer("_u", normalize(start[0], dim=0, eps=eps))
            self.register_buffer("_v", normalize(start[1], dim=0, eps=eps))
            self._power_method(matrix, 15)  # a good estimate from the start

    def _as_matrix(self, weight):
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.ndim) if d != self.dim))
        return weight.flatten(1)

    @no_grad()
    def _power_method(self, matrix, steps):
        for _ in range(steps):
            self._u.copy_(normalize(matrix @ self._v, dim=0, eps=self.eps))
            self._v.copy_(normalize(matrix.T @ self._u, dim=0, eps=self.eps))

    def forward(self, weight):
        if weight.ndim == 1:  # a vector's only singular value is its norm
            return normalize(weight, dim=0, eps=self.eps)
        matrix = self._as_matrix(weight)
        if self.training:
            self._power_method(matrix.detach(), self.n_power_iterations)
        u, v = self._u.clone(), self._v.clone()  # constants of sigma's gradient
        sigma = (u * (matrix @ v)).sum()
        return weight / sigma

    def right_inverse(self, value):
        return value


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Divide `module.<name>` by its largest singular value, estimated by power iteration
    (see the module doc). dim=None is 1 for the ConvTranspose layers (whose weight is
    (in, out, ...)), else 0. Returns the module."""
    from minigrad.nn.conv_transpose import ConvTranspose1d, ConvTranspose2d

    if dim is None:
        dim = 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d)) else 0
    weight = checked_weight("spectral_norm", module, name, dim)
    spectral = _SpectralNorm(weight, n_power_iterations, dim, eps)
    parametrize.register_parametrization(module, name, spectral)
    return module


def checked_weight(op, module, name, dim):
    """The tensor to normalise, checked to exist and to have `dim`."""
    weight = getattr(module, name, None)
    if weight is None or not hasattr(weight, "ndim"):
        raise ValueError(f"{op}: {type(module).__name__} has no parameter or buffer {name!r}")
    if dim is not None and not -weight.ndim <= dim < weight.ndim:
        raise ValueError(
            f"{op}: dim={dim} is out of range for {name!r} of shape {tuple(weight.shape)}"
        )
    return weight
