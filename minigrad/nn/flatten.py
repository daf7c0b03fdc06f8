"""`Flatten`: from convolution feature maps (N, C, H, W) to a Linear layer's input (N, C·H·W)."""

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
