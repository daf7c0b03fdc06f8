"""Fused scaled dot-product attention as Numba CUDA kernels: forward with online softmax,
backward from the saved log-sum-exp (FlashAttention-2's algorithm, in float32).

The algorithm, for students (kernels/cuda/attention.cu has the same kernels in CUDA C):
out = softmax(scale * Q K^T + mask) V without ever storing the L x L score matrix.

Forward: each thread owns one query row i, keeping q_i and its output accumulator o_i in
registers, and the block streams keys and values through shared memory TILE rows at a time.
The ONLINE SOFTMAX folds each tile in: with running maximum m and running sum
l = sum_j exp(s_j - m), a tile whose maximum raises m to m' rescales what came before,

    l <- l * exp(m - m') + sum_tile exp(s_j - m')
    o <- o * exp(m - m') + sum_tile exp(s_j - m') v_j

so at the end out_i = o / l, and lse_i = m + log l is saved for the backward pass.

Backward, with D_i = sum_d dO_id O_id computed on the host:
    P_ij = exp(s_ij - lse_i)   (recomputed)       dP_ij = dO_i . v_j
    dS_ij = P_ij (dP_ij - D_i)                    dV_j = sum_i P_ij dO_i
    dQ_i = scale * sum_j dS_ij k_j                dK_j = scale * sum_i dS_ij q_i
One kernel gives each thread a key (dK, dV), another gives each thread a query (dQ): every
gradient has a single writer, so no atomics and bit-for-bit repeatable results.

Masks: key j is hidden from query i when causal and j > i, or when key_padding_mask[b, j]
is set (True marks padding). A query that sees no key gets 0 and lse = -inf.

The head dim is a compile-time constant (register arrays need one), so `kernels(head_dim)`
builds and caches one set of kernels per head dim. The geometry tuple is (batch, heads,
q_len, k_len, causal, has_mask); arrays are flat, rows of head_dim contiguous.
"""

import functools
import math

from numba import cuda, float32

from kernels.tiles import ROWS_PER_BLOCK, TILE

ZERO = float32(0)
MINUS_INFINITY = float32(-math.inf)


@cuda.jit(device=True)
def _visible(geometry, mask, b, i, j):
    """Whether query i of batch entry b may look at key j."""
    k_len, causal, has_mask = geometry[3], geometry[4], geometry[5]
    if j >= k_len or (causal != 0 and j > i):
        return False
    return not (has_mask != 0 and mask[b * k_len + j] != 0)


@cuda.jit(device=True)
def _keys_end(geometry):
    """One past the last key this block's queries may see: with a causal mask, keys after the
    block's last query are hidden from all of it. (No min(): Numba's CUDA target cannot
    compile the builtin on every version.)"""
    k_len, causal = geometry[3], geometry[4]
    end = (cuda.blockIdx.x + 1) * ROWS_PER_BLOCK
    return end if causal != 0 and end < k_len else k_len


@cuda.jit(device=True)
def _own_row(geometry, rows):
    """The row this thread owns among `rows` (queries or keys) of its head: (head, batch
    entry, row index, whether the row exists, its position in the flat (B*H*rows) layout)."""
    head = cuda.blockIdx.y  # runs over batch * heads
    index = cuda.blockIdx.x * ROWS_PER_BLOCK + cuda.threadIdx.x
    return head, head // geometry[1], index, index < rows, head * rows + index


@functools.lru_cache(maxsize=None)
def kernels(head_dim):
    """The three attention kernels for one head dim, by name (as in attention.cu)."""
    padded = head_dim + 1  # a row length that puts threads' same-d reads in different banks

    @cuda.jit(device=True)
    def load_rows(tile, source, base_row, first, rows):
        """tile[r] = source row base_row + first + r, zeros past `rows` (whole block helps)."""
        for e in range(cuda.threadIdx.x, tile.shape[0] * head_dim, cuda.blockDim.x):
            r, d = e // head_dim, e % head_dim
            inside = first + r < rows
            tile[r, d] = source[(base_row + first + r) * head_dim + d] if inside else ZERO

    @cuda.jit
    def attention_forward(q, k, v, mask, out, lse, geometry, scale):
        k_tile = cuda.shared.array((TILE, head_dim), float32)
        v_tile = cuda.shared.array((TILE, head_dim), float32)
        q_len, k_len = geometry[2], geometry[3]
        head, b, i, active, row = _own_row(geometry, q_len)

        q_i = cuda.local.array(head_dim, float32)
        o_i = cuda.local.array(head_dim, float32)
        for d in range(head_dim):
            q_i[d] = scale * q[row * head_dim + d] if active else ZERO
            o_i[d] = ZERO
        running_max, running_sum = MINUS_INFINITY, ZERO
        s = cuda.local.array(TILE, float32)

        for j0 in range(0, _keys_end(geometry), TILE):
            load_rows(k_tile, k, head * k_len, j0, k_len)
            load_rows(v_tile, v, head * k_len, j0, k_len)
            cuda.syncthreads()

            tile_max = MINUS_INFINITY
            for t in range(TILE):
                s[t] = MINUS_INFINITY
                if _visible(geometry, mask, b, i, j0 + t):
                    score = ZERO
                    for d in range(head_dim):
                        score += q_i[d] * k_tile[t, d]
                    s[t] = score
                if s[t] > tile_max:
                    tile_max = s[t]
            new_max = tile_max if tile_max > running_max else running_max
            if new_max != MINUS_INFINITY:  # otherwise every key so far is hidden
                rescale = math.exp(running_max - new_max)
                running_sum *= rescale
                for d in range(head_dim):
                    o_i[d] *= rescale
                for t in range(TILE):
                    p = math.exp(s[t] - new_max)
                    running_sum += p
                    for d in range(head_dim):
                        o_i[d] += p * v_tile[t, d]
                running_max = new_max
            cuda.syncthreads()  # the next tile overwrites k_tile and v_tile

        if active:
            inverse_sum = float32(1) / running_sum if running_sum > ZERO else ZERO
            for d in range(head_dim):
                out[row * head_dim + d] = o_i[d] * inverse_sum
            lse[row] = running_max + math.log(running_sum) if running_sum > ZERO else MINUS_INFINITY

    @cuda.jit
    def attention_backward_dkdv(
        q, k, v, mask, grad_out, lse, delta, grad_k, grad_v, geometry, scale
    ):
        k_own = cuda.shared.array((ROWS_PER_BLOCK, padded), float32)  # this block's keys
        v_own = cuda.shared.array((ROWS_PER_BLOCK, padded), float32)
        q_tile = cuda.shared.array((TILE, head_dim), float32)
        do_tile = cuda.shared.array((TILE, head_dim), float32)
        lse_tile = cuda.shared.array(TILE, float32)
        delta_tile = cuda.shared.array(TILE, float32)
        q_len, k_len, causal = geometry[2], geometry[3], geometry[4]
        head, b, j, active, key_row = _own_row(geometry, k_len)
        x = cuda.threadIdx.x

        dk = cuda.local.array(head_dim, float32)
        dv = cuda.local.array(head_dim, float32)
        for d in range(head_dim):
            k_own[x, d] = k[key_row * head_dim + d] if active else ZERO
            v_own[x, d] = v[key_row * head_dim + d] if active else ZERO
            dk[d] = ZERO
            dv[d] = ZERO

        # with a causal mask, queries before the block's first key see none of its keys
        i_start = (cuda.blockIdx.x * ROWS_PER_BLOCK) // TILE * TILE if causal != 0 else 0
        for i0 in range(i_start, q_len, TILE):
            load_rows(q_tile, q, head * q_len, i0, q_len)
            load_rows(do_tile, grad_out, head * q_len, i0, q_len)
            if x < TILE:
                inside = i0 + x < q_len
                lse_tile[x] = lse[head * q_len + i0 + x] if inside else ZERO
                delta_tile[x] = delta[head * q_len + i0 + x] if inside else ZERO
            cuda.syncthreads()

            for t in range(TILE):
                i = i0 + t
                if i < q_len and _visible(geometry, mask, b, i, j):
                    s = ZERO
                    dp = ZERO
                    for d in range(head_dim):
                        s += q_tile[t, d] * k_own[x, d]
                        dp += do_tile[t, d] * v_own[x, d]
                    p = math.exp(scale * s - lse_tile[t])
                    ds = p * (dp - delta_tile[t])
                    for d in range(head_dim):
                        dv[d] += p * do_tile[t, d]
                        dk[d] += ds * q_tile[t, d]
            cuda.syncthreads()

        if active:
            for d in range(head_dim):
                grad_k[key_row * head_dim + d] = scale * dk[d]
                grad_v[key_row * head_dim + d] = dv[d]

    @cuda.jit
    def attention_backward_dq(q, k, v, mask, grad_out, lse, delta, grad_q, geometry, scale):
        do_own = cuda.shared.array((ROWS_PER_BLOCK, padded), float32)
        k_tile = cuda.shared.array((TILE, head_dim), float32)
        v_tile = cuda.shared.array((TILE, head_dim), float32)
        q_len, k_len = geometry[2], geometry[3]
        head, b, i, active, row = _own_row(geometry, q_len)
        x = cuda.threadIdx.x

        q_i = cuda.local.array(head_dim, float32)
        dq = cuda.local.array(head_dim, float32)
        for d in range(head_dim):
            q_i[d] = q[row * head_dim + d] if active else ZERO
            do_own[x, d] = grad_out[row * head_dim + d] if active else ZERO
            dq[d] = ZERO
        lse_i = lse[row] if active else ZERO
        delta_i = delta[row] if active else ZERO

        for j0 in range(0, _keys_end(geometry), TILE):
            load_rows(k_tile, k, head * k_len, j0, k_len)
            load_rows(v_tile, v, head * k_len, j0, k_len)
            cuda.syncthreads()

            for t in range(TILE):
                if active and _visible(geometry, mask, b, i, j0 + t):
                    s = ZERO
                    dp = ZERO
                    for d in range(head_dim):
                        s += q_i[d] * k_tile[t, d]
                        dp += do_own[x, d] * v_tile[t, d]
                    ds = math.exp(scale * s - lse_i) * (dp - delta_i)
                    for d in range(head_dim):
                        dq[d] += ds * k_tile[t, d]
            cuda.syncthreads()

        if active:
            for d in range(head_dim):
                grad_q[row * head_dim + d] = scale * dq[d]

    return {
        "attention_forward": attention_forward,
        "attention_backward_dkdv": attention_backward_dkdv,
        "attention_backward_dq": attention_backward_dq,
    }
