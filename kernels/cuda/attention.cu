// Fused scaled dot-product attention, forward and backward (FlashAttention-2's algorithm,
// in plain float32 CUDA C).
//
// The algorithm, for students:
//   out = softmax(scale * Q K^T + mask) V. Written naively, S = Q K^T is an L x L matrix per
//   head that goes to device memory and back three times (scores, softmax, product). Here
//   it never leaves the chip.
//
//   Forward. One thread owns one query row i: q_i and its output accumulator o_i sit in
//   registers. The block streams the keys and values through shared memory, TILE rows at a
//   time. For each tile the thread computes its scores s_j = scale * q_i . k_j and folds
//   them in with the ONLINE SOFTMAX: keeping the running maximum m and running sum
//   l = sum_j exp(s_j - m), a new tile with larger maximum m' rescales what came before:
//       l <- l * exp(m - m') + sum_tile exp(s_j - m'),   o <- o * exp(m - m') + sum_tile exp(s_j - m') v_j
//   At the end out_i = o / l, and the kernel also saves lse_i = m + log l, the log of the
//   softmax denominator, which is all the backward pass needs to rebuild the probabilities.
//
//   Backward. With P = softmax rows, dO the output gradient and D_i = sum_d dO_id * O_id
//   (computed on the host; it equals sum_j P_ij dP_ij):
//       P_ij = exp(s_ij - lse_i)         recomputed, never stored
//       dV_j = sum_i P_ij dO_i           dP_ij = dO_i . v_j
//       dS_ij = P_ij (dP_ij - D_i)       (the softmax Jacobian applied to dP)
//       dQ_i = scale * sum_j dS_ij k_j   dK_j = scale * sum_i dS_ij q_i
//   attention_backward_dkdv gives each thread a key j and streams the queries;
//   attention_backward_dq gives each thread a query i and streams the keys. Recomputing P
//   in both costs a second pass, but every gradient has exactly one writer: no atomics, and
//   the result is the same bit for bit on every run.
//
// Masks: key j is hidden from query i when causal and j > i, or when key_padding_mask[b][j]
// is non-zero (PyTorch's key_padding_mask: true marks padding). A query that sees no key
// gets output 0 and lse = -inf (PyTorch would give NaN).
//
// HEAD_DIM, ROWS_PER_BLOCK and TILE come from kernels/tiles.py as -D options; q, k, v, out
// and the gradients are contiguous (batch, heads, length, HEAD_DIM); lse and D are
// (batch, heads, q_len).

struct AttentionGeometry {
    int batch, heads, q_len, k_len;
    int causal, has_mask;
};

__device__ __forceinline__ float minus_infinity() { return -__int_as_float(0x7f800000); }

__device__ __forceinline__ bool visible(const AttentionGeometry& g, const unsigned char* mask,
                                        int b, int i, int j) {
    if (j >= g.k_len || (g.causal && j > i)) return false;
    return !(g.has_mask && mask[(long long)b * g.k_len + j]);
}

// One past the last key this block's queries may see: with a causal mask, keys after the
// block's last query are hidden from all of it.
__device__ __forceinline__ int keys_end(const AttentionGeometry& g) {
    const int end = (blockIdx.x + 1) * ROWS_PER_BLOCK;
    return g.causal && end < g.k_len ? end : g.k_len;
}

// Copy `count` rows of HEAD_DIM floats starting at row `first` into tile (zeros past `rows`).
__device__ void load_rows(float (*tile)[HEAD_DIM], const float* src, int first, int rows,
                          int count) {
    for (int e = threadIdx.x; e < count * HEAD_DIM; e += blockDim.x) {
        const int r = e / HEAD_DIM, d = e % HEAD_DIM;
        tile[r][d] = first + r < rows ? src[(long long)(first + r) * HEAD_DIM + d] : 0.0f;
    }
}

__device__ float dot(const float* x, const float* y) {
    float sum = 0.0f;
#pragma unroll
    for (int d = 0; d < HEAD_DIM; ++d) sum = fmaf(x[d], y[d], sum);
    return sum;
}

extern "C" __global__ void __launch_bounds__(ROWS_PER_BLOCK)
attention_forward(const float* q, const float* k, const float* v,
                  const unsigned char* key_padding_mask, float* out, float* lse,
                  AttentionGeometry g, float scale) {
    __shared__ __align__(16) float k_tile[TILE][HEAD_DIM];
    __shared__ __align__(16) float v_tile[TILE][HEAD_DIM];
    const int head = blockIdx.y, b = head / g.heads;  // head runs over batch * heads
    const int i = blockIdx.x * ROWS_PER_BLOCK + threadIdx.x;
    const bool active = i < g.q_len;
    const long long row = (long long)head * g.q_len + i;
    const float* keys = k + (long long)head * g.k_len * HEAD_DIM;
    const float* values = v + (long long)head * g.k_len * HEAD_DIM;

    float q_i[HEAD_DIM], o_i[HEAD_DIM];
#pragma unroll
    for (int d = 0; d < HEAD_DIM; ++d) {
        q_i[d] = active ? scale * q[row * HEAD_DIM + d] : 0.0f;
        o_i[d] = 0.0f;
    }
    float running_max = minus_infinity(), running_sum = 0.0f;

    for (int j0 = 0; j0 < keys_end(g); j0 += TILE) {
        load_rows(k_tile, keys, j0, g.k_len, TILE);
        load_rows(v_tile, values, j0, g.k_len, TILE);
        __syncthreads();

        float s[TILE];
        float tile_max = minus_infinity();
#pragma unroll
        for (int t = 0; t < TILE; ++t) {
            s[t] = visible(g, key_padding_mask, b, i, j0 + t) ? dot(q_i, k_tile[t]) : minus_infinity();
            tile_max = fmaxf(tile_max, s[t]);
        }
        const float new_max = fmaxf(running_max, tile_max);
        if (new_max != minus_infinity()) {  // otherwise every key so far is hidden: no change
            const float rescale = expf(running_max - new_max);
            running_sum *= rescale;
#pragma unroll
            for (int d = 0; d < HEAD_DIM; ++d) o_i[d] *= rescale;
#pragma unroll
            for (int t = 0; t < TILE; ++t) {
                const float p = expf(s[t] - new_max);
                running_sum += p;
#pragma unroll
                for (int d = 0; d < HEAD_DIM; ++d) o_i[d] = fmaf(p, v_tile[t][d], o_i[d]);
            }
            running_max = new_max;
        }
        __syncthreads();  // the next tile overwrites k_tile and v_tile
    }

    if (!active) return;
    const float inverse_sum = running_sum > 0.0f ? 1.0f / running_sum : 0.0f;
#pragma unroll
    for (int d = 0; d < HEAD_DIM; ++d) out[row * HEAD_DIM + d] = o_i[d] * inverse_sum;
    lse[row] = running_sum > 0.0f ? running_max + logf(running_sum) : minus_infinity();
}

extern "C" __global__ void __launch_bounds__(ROWS_PER_BLOCK)
attention_backward_dkdv(const float* q, const float* k, const float* v,
                        const unsigned char* key_padding_mask, const float* grad_out,
                        const float* lse, const float* delta, float* grad_k, float* grad_v,
                        AttentionGeometry g, float scale) {
    // This block's own keys and values, one padded row per thread: HEAD_DIM + 1 floats per
    // row put the threads' same-d reads in different banks.
    __shared__ float k_own[ROWS_PER_BLOCK][HEAD_DIM + 1];
    __shared__ float v_own[ROWS_PER_BLOCK][HEAD_DIM + 1];
    __shared__ __align__(16) float q_tile[TILE][HEAD_DIM];
    __shared__ __align__(16) float do_tile[TILE][HEAD_DIM];
    __shared__ float lse_tile[TILE], delta_tile[TILE];
    const int head = blockIdx.y, b = head / g.heads;
    const int j = blockIdx.x * ROWS_PER_BLOCK + threadIdx.x;
    const bool active = j < g.k_len;
    const long long key_row = (long long)head * g.k_len + j;
    const long long first_query_row = (long long)head * g.q_len;

#pragma unroll
    for (int d = 0; d < HEAD_DIM; ++d) {
        k_own[threadIdx.x][d] = active ? k[key_row * HEAD_DIM + d] : 0.0f;
        v_own[threadIdx.x][d] = active ? v[key_row * HEAD_DIM + d] : 0.0f;
    }
    float dk[HEAD_DIM] = {}, dv[HEAD_DIM] = {};

    // With a causal mask, queries before the block's first key see none of its keys.
    const int i_start = g.causal ? blockIdx.x * ROWS_PER_BLOCK / TILE * TILE : 0;
    for (int i0 = i_start; i0 < g.q_len; i0 += TILE) {
        load_rows(q_tile, q + first_query_row * HEAD_DIM, i0, g.q_len, TILE);
        load_rows(do_tile, grad_out + first_query_row * HEAD_DIM, i0, g.q_len, TILE);
        if (threadIdx.x < TILE) {
            const bool inside = i0 + threadIdx.x < g.q_len;
            lse_tile[threadIdx.x] = inside ? lse[first_query_row + i0 + threadIdx.x] : 0.0f;
            delta_tile[threadIdx.x] = inside ? delta[first_query_row + i0 + threadIdx.x] : 0.0f;
        }
        __syncthreads();

        for (int t = 0; t < TILE; ++t) {
            const int i = i0 + t;
            if (i >= g.q_len || !visible(g, key_padding_mask, b, i, j)) continue;
            float s = 0.0f, dp = 0.0f;
#pragma unroll
            for (int d = 0; d < HEAD_DIM; ++d) {
                s = fmaf(q_tile[t][d], k_own[threadIdx.x][d], s);
                dp = fmaf(do_tile[t][d], v_own[threadIdx.x][d], dp);
            }
            const float p = expf(scale * s - lse_tile[t]);
            const float ds = p * (dp - delta_tile[t]);
#pragma unroll
            for (int d = 0; d < HEAD_DIM; ++d) {
                dv[d] = fmaf(p, do_tile[t][d], dv[d]);
                dk[d] = fmaf(ds, q_tile[t][d], dk[d]);
            }
        }
        __syncthreads();
    }

    if (!active) return;
#pragma unroll
    for (int d = 0; d < HEAD_DIM; ++d) {
        grad_k[key_row * HEAD_DIM + d] = scale * dk[d];
        grad_v[key_row * HEAD_DIM + d] = dv[d];
    }
}

extern "C" __global__ void __launch_bounds__(ROWS_PER_BLOCK)
attention_backward_dq(const float* q, const float* k, const float* v,
                      const unsigned char* key_padding_mask, const float* grad_out,
                      const float* lse, const float* delta, float* grad_q,
                      AttentionGeometry g, float scale) {
    __shared__ float do_own[ROWS_PER_BLOCK][HEAD_DIM + 1];  // padded, as in dkdv
    __shared__ __align__(16) float k_tile[TILE][HEAD_DIM];
    __shared__ __align__(16) float v_tile[TILE][HEAD_DIM];
    const int head = blockIdx.y, b = head / g.heads;
    const int i = blockIdx.x * ROWS_PER_BLOCK + threadIdx.x;
    const bool active = i < g.q_len;
    const long long row = (long long)head * g.q_len + i;
    const float* keys = k + (long long)head * g.k_len * HEAD_DIM;
    const float* values = v + (long long)head * g.k_len * HEAD_DIM;

    float q_i[HEAD_DIM], dq[HEAD_DIM] = {};
#pragma unroll
    for (int d = 0; d < HEAD_DIM; ++d) {
        q_i[d] = active ? q[row * HEAD_DIM + d] : 0.0f;
        do_own[threadIdx.x][d] = active ? grad_out[row * HEAD_DIM + d] : 0.0f;
    }
    const float lse_i = active ? lse[row] : 0.0f;
    const float delta_i = active ? delta[row] : 0.0f;

    for (int j0 = 0; j0 < keys_end(g); j0 += TILE) {
        load_rows(k_tile, keys, j0, g.k_len, TILE);
        load_rows(v_tile, values, j0, g.k_len, TILE);
        __syncthreads();

        for (int t = 0; t < TILE; ++t) {
            if (!active || !visible(g, key_padding_mask, b, i, j0 + t)) continue;
            float dp = 0.0f;
#pragma unroll
            for (int d = 0; d < HEAD_DIM; ++d) dp = fmaf(do_own[threadIdx.x][d], v_tile[t][d], dp);
            const float p = expf(scale * dot(q_i, k_tile[t]) - lse_i);
            const float ds = p * (dp - delta_i);
#pragma unroll
            for (int d = 0; d < HEAD_DIM; ++d) dq[d] = fmaf(ds, k_tile[t][d], dq[d]);
        }
        __syncthreads();
    }

    if (!active) return;
#pragma unroll
    for (int d = 0; d < HEAD_DIM; ++d) grad_q[row * HEAD_DIM + d] = scale * dq[d];
}
