"""`Flatten`: from convolution feature maps (N, C, H, W) to a Linear layer's input (N, C·H·W);
`Unflatten`: the way back, one dim split into several."""

import math

from minigrad.nn.module import Module


class Flatten(Module):
    """Merges dims start_dim..end_dim into one (by default all but the batch dim)."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Splits dim `dim` into `unflattened_size` (a tuple whose product is that dim's size;
    one entry may be -1, as in reshape)."""

    def __init__(self, dim, unflattened_size):
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, input):
        shape = tuple(input.shape)
        if not -len(shape) <= self.dim < len(shape):
            raise ValueError(
                f"Unflatten(dim={self.dim}): input of shape {shape} has no dim {self.dim}"
            )
        dim = self.dim % len(shape)
        known = math.prod(size for size in self.unflattened_size if size != -1)
        fits = shape[dim] == known if -1 not in self.unflattened_size else shape[dim] % known == 0
        if not fits:
            raise ValueError(
                f"Unflatten(dim={self.dim}, unflattened_size={self.unflattened_size}): dim "
                f"{self.dim} of the input of shape {shape} has size {shape[dim]}, which does "
                f"not split into {self.unflattened_size}"
            )
        return input.reshape(*shape[:dim], *self.unflattened_size, *shape[dim + 1 :])

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
