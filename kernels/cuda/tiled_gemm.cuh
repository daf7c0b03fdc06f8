// Tiled matrix product C = A · B, shared by matmul.cu and conv2d.cu.
//
// The algorithm, for students:
//   C is cut into BM x BN tiles, one per thread block. The block walks along k in steps of
//   BK: it copies a BM x BK slab of A and a BK x BN slab of B into shared memory, so each
//   number comes from device memory once per block instead of once per thread that needs
//   it, then every thread multiplies its share out of shared memory. A thread owns a TM x TN
//   micro-tile of C in registers: for each k it reads TM numbers of A and TN of B and does
//   TM*TN fused multiply-adds, 64 FMAs for 16 shared-memory reads (register tiling).
//
//   A thread's micro-tile is not one 8x8 square but two 4-wide strips half a tile apart in
//   each direction (rows 4*ty .. 4*ty+3 and BM/2 + 4*ty .. BM/2 + 4*ty+3; columns likewise).
//   Neighbouring threads then read neighbouring float4s of the shared tiles (no bank
//   conflicts) and write neighbouring float4s of C (coalesced stores).
//
// `k` is the length of the inner dim; what A, B and C are is left to an `Operands` type with
//   float4 load_a4(int row, int k)           A[row][k .. k+3], zero outside A
//   float4 load_b4(int k, int col)           B[k][col .. col+3], zero outside B
//   void store_c4(int row, int col, float4)  C[row][col .. col+3] = value, inside C only
// matmul.cu reads dense matrices with float4 loads; conv2d.cu gathers image patches on the
// fly (implicit GEMM), so a convolution runs this same loop.
//
// BM, BN, BK, TM, TN and GEMM_THREADS come from kernels/tiles.py as -D options.

static_assert(TM == 8 && TN == 8, "a micro-tile is two 4-wide strips in each direction");
static_assert(GEMM_THREADS == (BM / TM) * (BN / TN), "one thread per micro-tile");
static_assert(BM * BK == 4 * GEMM_THREADS && BK * BN == 4 * GEMM_THREADS,
              "each thread copies one float4 of A and one of B per step");

// A row-major matrix: the simplest operand (T is `const float` for inputs, `float` for the
// output). Loads and stores use float4 when the row length keeps every 4th element 16-byte
// aligned; the edges of the matrix go element by element.
template <class T>
struct DenseMatrix {
    T* data;
    int rows, cols;

    __device__ bool vectorizable() const {
        return cols % 4 == 0 && reinterpret_cast<unsigned long long>(data) % 16 == 0;
    }
    __device__ float at(int row, int col) const {
        return row < rows && col < cols ? data[(long long)row * cols + col] : 0.0f;
    }
    __device__ float4 load4(int row, int col) const {
        if (vectorizable() && row < rows && col + 3 < cols) {
            return *reinterpret_cast<const float4*>(data + (long long)row * cols + col);
        }
        return make_float4(at(row, col), at(row, col + 1), at(row, col + 2), at(row, col + 3));
    }
    __device__ void store4(int row, int col, float4 v) const {
        if (row >= rows) return;
        T* p = data + (long long)row * cols + col;
        if (vectorizable() && col + 3 < cols) {
            *reinterpret_cast<float4*>(p) = v;
            return;
        }
        const float values[4] = {v.x, v.y, v.z, v.w};
        for (int u = 0; u < 4 && col + u < cols; ++u) p[u] = values[u];
    }
};

// Operands gathered one element at a time (convolutions) derive from Gathered<Self> and
// define scalar a(row, k), b(k, col) and store_c(row, col, value); Gathered turns those
// into the float4 interface above. A derived type may still define its own load_a4 etc.
template <class Self>
struct Gathered {
    __device__ float4 load_a4(int row, int k) const {
        const Self& s = static_cast<const Self&>(*this);
        return make_float4(s.a(row, k), s.a(row, k + 1), s.a(row, k + 2), s.a(row, k + 3));
    }
    __device__ float4 load_b4(int k, int col) const {
        const Self& s = static_cast<const Self&>(*this);
        return make_float4(s.b(k, col), s.b(k, col + 1), s.b(k, col + 2), s.b(k, col + 3));
    }
    __device__ void store_c4(int row, int col, float4 v) const {
        const Self& s = static_cast<const Self&>(*this);
        s.store_c(row, col, v.x);
        s.store_c(row, col + 1, v.y);
        s.store_c(row, col + 2, v.z);
        s.store_c(row, col + 3, v.w);
    }
};

template <class Operands>
__device__ void tiled_gemm(const Operands& op, int k) {
    __shared__ __align__(16) float a_tile[BK][BM];  // the slab of A, transposed: [k][row]
    __shared__ __align__(16) float b_tile[BK][BN];
    const int t = threadIdx.x;
    const int tx = t % (BN / TN), ty = t / (BN / TN);
    const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;

    // The float4 of each slab that this thread copies.
    const int a_row = t / (BK / 4), a_k = (t % (BK / 4)) * 4;
    const int b_k = t / (BN / 4), b_col = (t % (BN / 4)) * 4;

    float acc[TM][TN] = {};
    for (int k0 = 0; k0 < k; k0 += BK) {
        const float4 a = op.load_a4(row0 + a_row, k0 + a_k);
        a_tile[a_k + 0][a_row] = a.x;
        a_tile[a_k + 1][a_row] = a.y;
        a_tile[a_k + 2][a_row] = a.z;
        a_tile[a_k + 3][a_row] = a.w;
        *reinterpret_cast<float4*>(&b_tile[b_k][b_col]) = op.load_b4(k0 + b_k, col0 + b_col);
        __syncthreads();

#pragma unroll
        for (int kk = 0; kk < BK; ++kk) {
            float a_reg[TM], b_reg[TN];
#pragma unroll
            for (int half = 0; half < 2; ++half) {
                const float4 av = *reinterpret_cast<const float4*>(&a_tile[kk][half * BM / 2 + ty * 4]);
                const float4 bv = *reinterpret_cast<const float4*>(&b_tile[kk][half * BN / 2 + tx * 4]);
                a_reg[half * 4 + 0] = av.x, a_reg[half * 4 + 1] = av.y;
                a_reg[half * 4 + 2] = av.z, a_reg[half * 4 + 3] = av.w;
                b_reg[half * 4 + 0] = bv.x, b_reg[half * 4 + 1] = bv.y;
                b_reg[half * 4 + 2] = bv.z, b_reg[half * 4 + 3] = bv.w;
            }
#pragma unroll
            for (int i = 0; i < TM; ++i)
#pragma unroll
                for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(a_reg[i], b_reg[j], acc[i][j]);
        }
        __syncthreads();  // the next step overwrites the tiles everyone is reading
    }

#pragma unroll
    for (int i = 0; i < TM; ++i) {
        const int row = row0 + (i / 4) * (BM / 2) + ty * 4 + i % 4;
#pragma unroll
        for (int half = 0; half < 2; ++half) {
            const float* v = &acc[i][half * 4];
            op.store_c4(row, col0 + half * BN / 2 + tx * 4, make_float4(v[0], v[1], v[2], v[3]));
        }
    }
}
