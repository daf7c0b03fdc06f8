"""The Numba CUDA kernels behind the same `kernel(name, head_dim)` as cupy_kernels.py.

Numba launches with `kernel[grid, block](*args)`; `launch` adapts that to the
`launch(grid, block, args)` form host.py uses for both implementations.
"""

from kernels import numba_attention, numba_conv2d, numba_matmul, numba_optim

KERNELS = {
    "matmul": numba_matmul.matmul,
    "conv2d_forward": numba_conv2d.conv2d_forward,
    "conv2d_grad_input": numba_conv2d.conv2d_grad_input,
    "conv2d_grad_weight": numba_conv2d.conv2d_grad_weight,
    "adam_update": numba_optim.adam_update,
}


def compiled(name, head_dim=None):
    """The Numba kernel (a numba.cuda dispatcher) called `name`; the attention kernels are
    built per head dim."""
    return KERNELS[name] if head_dim is None else numba_attention.kernels(head_dim)[name]


def kernel(name, head_dim=None):
    dispatcher = compiled(name, head_dim)

    def launch(grid, block, args):
        dispatcher[grid, block](*args)

    return launch
