"""Batched float32 matrix product as a Numba CUDA kernel: the tiled GEMM of
kernels/cuda/tiled_gemm.cuh, written in Python.

The algorithm, for students: C is cut into BM x BN tiles, one per block of GEMM_THREADS
threads. The block walks along k in steps of BK, copying a BM x BK slab of A and a BK x BN
slab of B into shared memory (each element read from device memory once per block, not once
per thread that needs it); then each thread multiplies its TM x TN micro-tile of C, kept in
registers: per k it reads TM numbers of A and TN of B and does TM*TN multiply-adds (register
tiling). A thread's micro-tile is two 4-wide strips half a tile apart in each direction, so
neighbouring threads read neighbouring shared-memory words (few bank conflicts).

Unlike the CUDA C version, Numba has no float4 type, so every load is one float. Elements
outside the matrices are read as 0 and never written, so any m, n, k work.

`make_tiled_gemm` builds the kernel from three device functions that say where A, B and C
live; conv2d (numba_conv2d.py) reuses it with functions that gather image patches.
"""

from numba import cuda, float32

from kernels.tiles import BK, BM, BN, TM, TN

ZERO = float32(0)


@cuda.jit(device=True)
def micro_tile_index(thread, u, tile):
    """Row (or column) of entry u (0..7) of a thread's micro-tile: two strips tile/2 apart."""
    return (u // 4) * (tile // 2) + thread * 4 + u % 4


def make_tiled_gemm(load_a, load_b, store_c):
    """A kernel tiled_gemm(a, b, c, geometry) computing C = A · B, where

        load_a(a, geometry, batch, row, k)         returns A[row][k], ZERO outside A
        load_b(b, geometry, batch, k, col)         returns B[k][col], ZERO outside B
        store_c(c, geometry, batch, row, col, x)   sets C[row][col] = x, inside C only

    are device functions, `geometry` is a tuple starting with the product's (m, n, k), and
    `batch` is blockIdx.z.
    """

    @cuda.jit
    def tiled_gemm(a, b, c, geometry):
        k_size = geometry[2]
        batch = cuda.blockIdx.z
        row0, col0 = cuda.blockIdx.y * BM, cuda.blockIdx.x * BN
        t = cuda.threadIdx.x
        tx, ty = t % (BN // TN), t // (BN // TN)
        # the four consecutive elements of each slab that this thread copies
        a_row, a_k = t // (BK // 4), (t % (BK // 4)) * 4
        b_k, b_col = t // (BN // 4), (t % (BN // 4)) * 4

        a_tile = cuda.shared.array((BK, BM), float32)  # the slab of A, transposed: [k][row]
        b_tile = cuda.shared.array((BK, BN), float32)
        acc = cuda.local.array((TM, TN), float32)
        a_reg = cuda.local.array(TM, float32)
        b_reg = cuda.local.array(TN, float32)
        for i in range(TM):
            for j in range(TN):
                acc[i, j] = ZERO

        for k0 in range(0, k_size, BK):
            for u in range(4):
                a_tile[a_k + u, a_row] = load_a(a, geometry, batch, row0 + a_row, k0 + a_k + u)
                b_tile[b_k, b_col + u] = load_b(b, geometry, batch, k0 + b_k, col0 + b_col + u)
            cuda.syncthreads()
            for kk in range(BK):
                for u in range(TM):
                    a_reg[u] = a_tile[kk, micro_tile_index(ty, u, BM)]
                for u in range(TN):
                    b_reg[u] = b_tile[kk, micro_tile_index(tx, u, BN)]
                for i in range(TM):
                    for j in range(TN):
                        acc[i, j] += a_reg[i] * b_reg[j]
            cuda.syncthreads()  # the next step overwrites the tiles everyone is reading

        for i in range(TM):
            row = row0 + micro_tile_index(ty, i, BM)
            for j in range(TN):
                store_c(c, geometry, batch, row, col0 + micro_tile_index(tx, j, BN), acc[i, j])

    return tiled_gemm


# matmul's geometry: (m, n, k, batch_stride_a, batch_stride_b); a stride of 0 means one
# matrix shared by the whole batch (see host.py).


@cuda.jit(device=True)
def _load_a(a, geometry, batch, row, k):
    m, _, k_size, stride_a, _ = geometry
    if row < m and k < k_size:
        return a[batch * stride_a + row * k_size + k]
    return ZERO


@cuda.jit(device=True)
def _load_b(b, geometry, batch, k, col):
    _, n, k_size, _, stride_b = geometry
    if k < k_size and col < n:
        return b[batch * stride_b + k * n + col]
    return ZERO


@cuda.jit(device=True)
def _store_c(c, geometry, batch, row, col, value):
    m, n = geometry[0], geometry[1]
    if row < m and col < n:
        c[(batch * m + row) * n + col] = value


matmul = make_tiled_gemm(_load_a, _load_b, _store_c)
