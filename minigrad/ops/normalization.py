"""Normalisation to zero mean and unit variance: the shared core of batch norm and layer norm.

Over the elements x_1..x_n being normalised together (a channel across the batch for batch
norm, one sample's features for layer norm):

    μ = Σ x_k / n,   σ² = Σ (x_k - μ)² / n,   x̂ = (x - μ) / √(σ² + ε)

Why fused rather than composed from mean, sub, mul and sqrt: composed, the graph keeps four
intermediate arrays and walks back through six nodes. μ and σ² depend on every x_k, but the
chain rule through them collapses to one closed form, one pass over the numbers:

    dx = (g - mean(g) - x̂ · mean(g · x̂)) / √(σ² + ε)

(the two means are over the same elements as μ). The learnable scale and shift that follow,
y = γ x̂ + β, are plain broadcast mul and add, composed by the callers.
"""

from minigrad.autograd import Function


class Normalize(Function):
    """x̂ = (x - μ) / √(σ² + ε) over `axes`;  dx = (g - mean(g) - x̂·mean(g·x̂)) / √(σ²+ε)."""

    def forward(self, x, axes, eps):
        self.axes = axes
        centered = x - x.mean(axis=axes, keepdims=True)
        variance = (centered * centered).mean(axis=axes, keepdims=True)
        self.inv_std = 1 / (variance + eps) ** 0.5
        self.normalized = centered * self.inv_std
        return self.normalized

    def backward(self, g):
        x_hat, axes = self.normalized, self.axes
        mean_g = g.mean(axis=axes, keepdims=True)
        mean_g_x_hat = (g * x_hat).mean(axis=axes, keepdims=True)
        return (g - mean_g - x_hat * mean_g_x_hat) * self.inv_std


def normalize(x, axes, eps):
    """x normalised over `axes` (a tuple of non-negative dims); see `Normalize`."""
    return Normalize.apply(x, axes=tuple(axes), eps=eps)
