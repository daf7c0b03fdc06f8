"""Tile sizes of every kernel, written down once.

The CUDA C kernels get them as -D macros (`cuda_defines`), the Numba kernels import them, and
the host code (`host.py`) sizes each launch grid with them, so a kernel and its grid cannot
disagree. The numbers are the usual starting point for float32 on recent NVIDIA GPUs, not the
result of tuning on one.
"""

# Tiled matrix product (matmul and the implicit-GEMM conv2d): a block of threads computes a
# BM x BN tile of C, walking along k in steps of BK; each thread computes a TM x TN micro-tile.
BM, BN, BK = 128, 128, 8
TM, TN = 8, 8
GEMM_THREADS = (BM // TM) * (BN // TN)
# Two blocks per multiprocessor (16 warps) keep one block's arithmetic going while the other
# waits at a barrier; asking nvcc for that caps a thread at 65536 / (2 * 256) = 128 registers.
BLOCKS_PER_SM = 2

# Elementwise kernels (the optimizer's update): one thread per element, blocks of this many.
ELEMENTWISE_THREADS = 256

# Fused attention: a block owns ROWS_PER_BLOCK rows (queries in the forward and dQ kernels,
# keys in the dK/dV kernel), one per thread, and streams the other side through shared
# memory TILE rows at a time.
ROWS_PER_BLOCK = 64
TILE = 16
# Each thread keeps a few head_dim-long rows in registers; beyond 64 they would spill.
MAX_HEAD_DIM = 64


def cuda_defines(head_dim=None):
    """The tile sizes (and the head dim, for attention) as nvcc/NVRTC -D options."""
    sizes = {"BM": BM, "BN": BN, "BK": BK, "TM": TM, "TN": TN, "GEMM_THREADS": GEMM_THREADS,
             "BLOCKS_PER_SM": BLOCKS_PER_SM}
    sizes.update(ROWS_PER_BLOCK=ROWS_PER_BLOCK, TILE=TILE, ELEMENTWISE_THREADS=ELEMENTWISE_THREADS)
    if head_dim is not None:
        sizes["HEAD_DIM"] = head_dim
    return tuple(f"-D{name}={value}" for name, value in sizes.items())
