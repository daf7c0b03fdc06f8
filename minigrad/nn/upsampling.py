"""`Upsample`, `UpsamplingNearest2d` and `UpsamplingBilinear2d` (torch.nn's): F.interpolate
as a layer (ops/interpolate.py has the coordinate rules)."""

from minigrad.nn.module import Module
from minigrad.ops.interpolate import interpolate


class Upsample(Module):
    """interpolate(input, size or scale_factor, mode, align_corners) with fixed arguments, on
    sequences, images or volumes (mode='trilinear' for those)."""

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.size, self.scale_factor, self.mode = size, scale_factor, mode
        self.align_corners, self.recompute_scale_factor = align_corners, recompute_scale_factor

    def forward(self, input):
        return interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                           self.recompute_scale_factor)

    def extra_repr(self):
        what = f"scale_factor={self.scale_factor!r}" if self.size is None else f"size={self.size!r}"
        return f"{what}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Upsample with mode='nearest', for images."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Upsample with mode='bilinear' and align_corners=True (as PyTorch fixes it here)."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
