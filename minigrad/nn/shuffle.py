"""`PixelShuffle`, `PixelUnshuffle` and `ChannelShuffle` (torch.nn's), around the functions of
nn/functional/shuffle.py."""

from minigrad.nn.functional.shuffle import (
    channel_shuffle,
    pixel_shuffle,
    pixel_unshuffle,
)
from minigrad.nn.module import Module


class PixelShuffle(Module):
    """(*, C·r², H, W) -> (*, C, H·r, W·r) with r = upscale_factor."""

    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):
        return pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H·r, W·r) -> (*, C·r², H, W) with r = downscale_factor."""

    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):
        return pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"


class ChannelShuffle(Module):
    """(N, C, *) with the channels of `groups` groups interleaved."""

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, input):
        return channel_shuffle(input, self.groups)

    def extra_repr(self):
        return f"groups={self.groups}"
