"""`.to(...)` argument parsing and its shorthands, shared by Tensor and Module.

`x.to('cuda')`, `x.to(mg.float16)` and `x.to(device='cuda', dtype=mg.float16)` all mean the
same thing to both; `x.cpu()`, `x.cuda()`, `x.float()`, `x.half()` and `x.double()` are
shorthands for them.
"""

from minigrad import dtypes
from minigrad.backend import normalize_device


def parse_to_args(args, device=None, dtype=None):
    """(device or None, dtype or None) from `to`'s positional and keyword arguments."""
    for arg in args:
        if isinstance(arg, str) and arg.split(":")[0] in ("cpu", "cuda"):
            device = arg
        else:
            dtype = arg
    device = normalize_device(device) if device is not None else None
    return device, dtypes.as_dtype(dtype)


class ConversionShortcuts:
    __slots__ = ()  # Tensor uses __slots__; a mixin without them would give it a __dict__

    def cpu(self):
        return self.to("cpu")

    def cuda(self):
        return self.to("cuda")

    def float(self):
        return self.to(dtypes.float32)

    def double(self):
        return self.to(dtypes.float64)

    def half(self):
        return self.to(dtypes.float16)
