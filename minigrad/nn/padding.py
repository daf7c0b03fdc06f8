"""Padding layers (torch.nn's): `ZeroPad1d/2d`, `ConstantPad1d/2d`, `ReflectionPad1d/2d`,
`ReplicationPad1d/2d` and `CircularPad1d/2d`, each `F.pad` with its mode fixed.

`padding` is an int (the same on every side) or (left, right) for 1-D and (left, right, top,
bottom) for 2-D, F.pad's order: from the last dim backwards.
"""

from minigrad.nn.module import Module
from minigrad.ops.padding import pad


class _PadNd(Module):
    spatial_dims = None  # 1 pads sequences (the last dim), 2 images (the last two)
    mode = None

    def __init__(self, padding):
        super().__init__()
        sides = 2 * self.spatial_dims
        padding = tuple(padding) if isinstance(padding, (tuple, list)) else (padding,) * sides
        if len(padding) != sides or not all(isinstance(p, int) for p in padding):
            raise ValueError(
                f"{type(self).__name__}: padding must be an int or {sides} ints, got {padding!r}"
            )
        self.padding = padding

    def forward(self, input):
        return pad(input, self.padding, self.mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    mode = "constant"

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return pad(input, self.padding, self.mode, self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    spatial_dims = 1


class ConstantPad2d(_ConstantPadNd):
    spatial_dims = 2


class ZeroPad1d(ConstantPad1d):
    def __init__(self, padding):
        super().__init__(padding, 0.0)


class ZeroPad2d(ConstantPad2d):
    def __init__(self, padding):
        super().__init__(padding, 0.0)


class ReflectionPad1d(_PadNd):
    spatial_dims, mode = 1, "reflect"


class ReflectionPad2d(_PadNd):
    spatial_dims, mode = 2, "reflect"


class ReplicationPad1d(_PadNd):
    spatial_dims, mode = 1, "replicate"


class ReplicationPad2d(_PadNd):
    spatial_dims, mode = 2, "replicate"


class CircularPad1d(_PadNd):
    spatial_dims, mode = 1, "circular"


class CircularPad2d(_PadNd):
    spatial_dims, mode = 2, "circular"
