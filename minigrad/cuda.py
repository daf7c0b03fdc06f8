"""`mg.cuda`: whether a GPU backend (CuPy with a CUDA device) is usable, and waiting for it."""

from minigrad.backend import cupy_module, normalize_device
from minigrad.backend import is_cuda_available as is_available  # noqa: F401


def synchronize():
    """Wait until the GPU has finished all work queued so far (torch.cuda.synchronize).

    GPU work runs asynchronously: a call returns once its kernels are queued. A wall-clock
    timing of GPU code must synchronize before reading the clock, or it times the queueing.
    """
    normalize_device("cuda")  # the clear error where no GPU is usable
    cupy_module().cuda.Device().synchronize()
