"""The Numba CUDA kernels behind the same `kernel(name, head_dim)` as cupy_kernels.py.

Numba launches with `kernel[grid, block](*args)`; `launch` adapts that to the
`launch(grid, block, args)` form host.py uses for both implementations.
"""

from kernels import numba_attention, numba_conv2d, numba_matmul

GEMM_KERNELS = {
    "matmul": numba_matmul.matmul,
    "conv2d_forward": numba_conv2d.conv2d_forward,
    "conv2d_grad_input": numba_conv2d.conv2d_grad_input,
    "conv2d_grad_weight": numba_conv2d.conv2d_grad_weight,
}


def compiled(name, head_dim=None):
    """The Numba kernel (a numba.cuda dispatcher) called `name`."""
    return GEMM_KERNELS[name] if head_dim is None else numba_attention.kernels(head_dim)[name]


def kernel(name, head_dim=None):
    dispatcher = compiled(name, head_dim)

    def launch(grid, block, args):
        dispatcher[grid, block](*args)

    return launch
