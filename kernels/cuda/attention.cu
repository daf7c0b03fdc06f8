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
//   Registers cannot hold everything a backward thread needs (dkdv: k_j, v_j, dK_j and dV_j,
//   4 * HEAD_DIM floats), so its own k_j and v_j (dq: its dO_i) wait in shared memory. Both
//   kernels work a tile at a time, as the forward does: first the TILE scores s and dP of the
//   thread's row against the tile, reading each float4 of the thread's own row once for all
//   TILE of them; then P and dS; then the accumulation. Shared-memory reads, not arithmetic,
//   would otherwise set the pace: one per multiply-add when taken pair by pair.
//
// Masks: key j is hidden from query i when causal and j > i, or when key_padding_mask[b][j]
// is non-zero (PyTorch's key_padding_mask: true marks padding). A query that sees no key
// gets output 0 and lse = -inf (PyTorch would give NaN).
//
// HEAD_DIM, ROWS_PER_BLOCK and TILE come from kernels/tiles.py as -D options; q, k, v, out
// and the gradients are contiguous (batch, heads, length, HEAD_DIM); lse and D are
// (batch, heads, q_len).

// Rows in shared memory are ROW floats: HEAD_DIM rounded up to a multiple of 4, so every row
// starts 16-byte aligned and is read as float4s; the padding holds zeros.
#define ROW ((HEAD_DIM + 3) / 4 * 4)

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

// Copy `count` rows of HEAD_DIM floats starting at row `first` into tile (zeros past `rows`
// and in the padding).
__device__ void load_rows(float (*tile)[ROW], const float* src, int first, int rows, int count) {
    for (int e = threadIdx.x; e < count * ROW; e += blockDim.x) {
        const int r = e / ROW, d = e % ROW;
        tile[r][d] = first + r < rows && d < HEAD_DIM ? src[(long long)(first + r) * HEAD_DIM + d]
                                                      : 0.0f;
    }
}

// Copy this thread's row of src (HEAD_DIM floats at `row`; zeros if !active) into its column
// of own, a float4 per row: own[d / 4][thread] holds elements d .. d+3. When the threads of a
// warp each read their own float4 of the same d, they read consecutive 16-byte words (no
// bank conflicts).
__device__ void load_own_row(float4 (*own)[ROWS_PER_BLOCK], const float* src, long long row,
                             bool active) {
#pragma unroll
    for (int d = 0; d < ROW; d += 4) {
        float v[4];
#pragma unroll
        for (int u = 0; u < 4; ++u) v[u] = active && d + u < HEAD_DIM ? src[row * HEAD_DIM + d + u] : 0.0f;
        own[d / 4][threadIdx.x] = make_float4(v[0], v[1], v[2], v[3]);
    }
}

__device__ float dot(const float* x, const float* y) {
    float sum = 0.0f;
#pragma unroll
    for (int d = 0; d < HEAD_DIM; ++d) sum = fmaf(x[d], y[d], sum);
    return sum;
}

__device__ __forceinline__ float4 float4_at(const float* p) {
    return *reinterpret_cast<const float4*>(p);
}

__device__ __forceinline__ float dot4(float4 x, float4 y, float sum) {
    return fmaf(x.w, y.w, fmaf(x.z, y.z, fmaf(x.y, y.y, fmaf(x.x, y.x, sum))));
}

extern "C" __global__ void __launch_bounds__(ROWS_PER_BLOCK)
attention_forward(const float* q, const float* k, const float* v,
                  const unsigned char* key_padding_mask, float* out, float* lse,
                  AttentionGeometry g, float scale) {
    __shared__ __align__(16) float k_tile[TILE][ROW];
    __shared__ __align__(16) float v_tile[TILE][ROW];
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
    // 48 KB of shared memory, the most a block gets without asking: this block's keys and
    // values, a tile of queries and of dO, and each thread's P and dS against that tile
    __shared__ float4 k_own[ROW / 4][ROWS_PER_BLOCK], v_own[ROW / 4][ROWS_PER_BLOCK];
    __shared__ __align__(16) float q_tile[TILE][ROW];
    __shared__ __align__(16) float do_tile[TILE][ROW];
    __shared__ float p_tile[TILE][ROWS_PER_BLOCK], ds_tile[TILE][ROWS_PER_BLOCK];
    const int head = blockIdx.y, b = head / g.heads;
    const int j = blockIdx.x * ROWS_PER_BLOCK + threadIdx.x;
    const bool active = j < g.k_len;
    const long long key_row = (long long)head * g.k_len + j;
    const long long first_query_row = (long long)head * g.q_len;

    load_own_row(k_own, k, key_row, active);
    load_own_row(v_own, v, key_row, active);
    float dk[HEAD_DIM] = {}, dv[HEAD_DIM] = {};

    // With a causal mask, queries before the block's first key see none of its keys.
    const int i_start = g.causal ? blockIdx.x * ROWS_PER_BLOCK / TILE * TILE : 0;
    for (int i0 = i_start; i0 < g.q_len; i0 += TILE) {
        load_rows(q_tile, q + first_query_row * HEAD_DIM, i0, g.q_len, TILE);
        load_rows(do_tile, grad_out + first_query_row * HEAD_DIM, i0, g.q_len, TILE);
        __syncthreads();

        // s_t = q_t . k_j and dP_t = dO_t . v_j for the tile's queries t
        float p[TILE] = {}, ds[TILE] = {};
#pragma unroll
        for (int d = 0; d < ROW; d += 4) {
            const float4 k4 = k_own[d / 4][threadIdx.x], v4 = v_own[d / 4][threadIdx.x];
#pragma unroll
            for (int t = 0; t < TILE; ++t) {
                p[t] = dot4(float4_at(&q_tile[t][d]), k4, p[t]);
                ds[t] = dot4(float4_at(&do_tile[t][d]), v4, ds[t]);
            }
        }
        // then P_tj and dS_tj = P_tj (dP_tj - D_t), zero where key j is hidden from query t
#pragma unroll
        for (int t = 0; t < TILE; ++t) {
            const int i = i0 + t;
            if (i < g.q_len && visible(g, key_padding_mask, b, i, j)) {
                // (the same lse and D for the whole block: one read, from the cache)
                p[t] = expf(scale * p[t] - lse[first_query_row + i]);
                ds[t] = p[t] * (ds[t] - delta[first_query_row + i]);
            } else {
                p[t] = ds[t] = 0.0f;
            }
            p_tile[t][threadIdx.x] = p[t];
            ds_tile[t][threadIdx.x] = ds[t];
        }
        // (a rolled loop over t: unrolled, it would not fit the registers)
#pragma unroll 1
        for (int t = 0; t < TILE; ++t) {
            const float p_t = p_tile[t][threadIdx.x], ds_t = ds_tile[t][threadIdx.x];
#pragma unroll
            for (int d = 0; d < HEAD_DIM; ++d) {
                dv[d] = fmaf(p_t, do_tile[t][d], dv[d]);
                dk[d] = fmaf(ds_t, q_tile[t][d], dk[d]);
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
    __shared__ float4 do_own[ROW / 4][ROWS_PER_BLOCK];  // this block's rows of dO
    __shared__ __align__(16) float k_tile[TILE][ROW];
    __shared__ __align__(16) float v_tile[TILE][ROW];
    __shared__ float ds_tile[TILE][ROWS_PER_BLOCK];  // one column per thread
    const int head = blockIdx.y, b = head / g.heads;
    const int i = blockIdx.x * ROWS_PER_BLOCK + threadIdx.x;
    const bool active = i < g.q_len;
    const long long row = (long long)head * g.q_len + i;
    const float* keys = k + (long long)head * g.k_len * HEAD_DIM;
    const float* values = v + (long long)head * g.k_len * HEAD_DIM;

    float q_i[ROW], dq[HEAD_DIM] = {};
#pragma unroll
    for (int d = 0; d < ROW; ++d) q_i[d] = active && d < HEAD_DIM ? q[row * HEAD_DIM + d] : 0.0f;
    load_own_row(do_own, grad_out, row, active);
    const float lse_i = active ? lse[row] : 0.0f;
    const float delta_i = active ? delta[row] : 0.0f;

    for (int j0 = 0; j0 < keys_end(g); j0 += TILE) {
        load_rows(k_tile, keys, j0, g.k_len, TILE);
        load_rows(v_tile, values, j0, g.k_len, TILE);
        __syncthreads();

        // s_t = q_i . k_t and dP_t = dO_i . v_t for the tile's keys t
        float p[TILE] = {}, ds[TILE] = {};
#pragma unroll
        for (int d = 0; d < ROW; d += 4) {
            const float4 q4 = make_float4(q_i[d], q_i[d + 1], q_i[d + 2], q_i[d + 3]);
            const float4 do4 = do_own[d / 4][threadIdx.x];
#pragma unroll
            for (int t = 0; t < TILE; ++t) {
                p[t] = dot4(q4, float4_at(&k_tile[t][d]), p[t]);
                ds[t] = dot4(do4, float4_at(&v_tile[t][d]), ds[t]);
            }
        }
#pragma unroll
        for (int t = 0; t < TILE; ++t) {
            const bool seen = active && visible(g, key_padding_mask, b, i, j0 + t);
            const float p_t = seen ? expf(scale * p[t] - lse_i) : 0.0f;
            ds_tile[t][threadIdx.x] = p_t * (ds[t] - delta_i);
        }
#pragma unroll 1
        for (int t = 0; t < TILE; ++t) {
            const float ds_t = ds_tile[t][threadIdx.x];
#pragma unroll
            for (int d = 0; d < HEAD_DIM; ++d) dq[d] = fmaf(ds_t, k_tile[t][d], dq[d]);
        }
        __syncthreads();
    }

    if (!active) return;
#pragma unroll
    for (int d = 0; d < HEAD_DIM; ++d) grad_q[row * HEAD_DIM + d] = scale * dq[d];
}
