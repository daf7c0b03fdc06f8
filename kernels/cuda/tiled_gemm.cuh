// Tiled matrix product C = A · B, shared by matmul.cu and conv2d.cu.
//
// The algorithm, for students:
//   C is cut into BM x BN tiles, one per thread block. The block walks along k in steps of
//   BK: it copies a BM x BK slab of A and a BK x BN slab of B into shared memory, so each
//   number comes from device memory once per block instead of once per thread that needs
//   it, then every thread multiplies its share out of shared memory. A thread owns a TM x TN
//   micro-tile of C in registers: for each k it reads TM numbers of A and TN of B and does
//   TM*TN fused multiply-adds (register tiling), 64 FMAs for 16 shared-memory reads.
//
//   Reading device memory takes hundreds of cycles. So each thread asks for its share of
//   the next slabs (one float4 of A, one of B) before multiplying the current ones, and
//   writes them to shared memory only at the next step: the wait overlaps the arithmetic.
//
//   A thread's micro-tile is not one 8x8 square but two 4-wide strips half a tile apart in
//   each direction (rows 4*ty .. 4*ty+3 and BM/2 + 4*ty .. BM/2 + 4*ty+3; columns likewise).
//   Neighbouring threads then read neighbouring float4s of the shared tiles (no bank
//   conflicts) and write neighbouring float4s of C (coalesced stores).
//
// What A, B and C are is left to an `Operands` type:
//   op.a_row(row)                    a reader r of one row of A:      r.load4(k) = A[row][k .. k+3]
//   op.b_columns(col)                a reader r of four columns of B: r.load4(k) = B[k][col .. col+3]
//   op.store_c4(row, col, float4)    C[row][col .. col+3] = value, inside C only
// Readers give 0 outside their matrix. A thread reads the same row of A and the same four
// columns of B at every step along k, so a reader works out once whatever depends only on
// its row or columns (for a convolution: which image pixel a column is, three integer
// divisions each) instead of at every step. matmul.cu reads dense matrices with float4
// loads; conv2d.cu gathers image patches on the fly (implicit GEMM), so a convolution runs
// this same loop.
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
        for (int u = 0; u < 4; ++u)
            if (col + u < cols) p[u] = values[u];
    }
};

// The readers of a dense matrix: one row (A), or four columns (B).
template <class T>
struct DenseRow {
    DenseMatrix<T> matrix;
    int row;
    __device__ float4 load4(int k) const { return matrix.load4(row, k); }
};

template <class T>
struct DenseColumns {
    DenseMatrix<T> matrix;
    int col;
    __device__ float4 load4(int k) const { return matrix.load4(k, col); }
};

// For outputs that are not dense rows (a convolution's pixels change image every
// H_out*W_out of them): a type deriving from ScatteredStores<Self> defines a scalar
// store_c(row, col, value) and gets the store_c4 tiled_gemm calls.
template <class Self>
struct ScatteredStores {
    __device__ void store_c4(int row, int col, float4 v) const {
        const Self& self = static_cast<const Self&>(*this);
        self.store_c(row, col, v.x);
        self.store_c(row, col + 1, v.y);
        self.store_c(row, col + 2, v.z);
        self.store_c(row, col + 3, v.w);
    }
};

template <class Operands>
__device__ void tiled_gemm(const Operands& op, int k) {
    __shared__ __align__(16) float a_tile[BK][BM];  // the slab of A, transposed: [k][row]
    __shared__ __align__(16) float b_tile[BK][BN];
    const int t = threadIdx.x;
    const int tx = t % (BN / TN), ty = t / (BN / TN);
    const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;

    // The float4 of each slab that this thread copies, and the readers that fetch them.
    const int a_row = t / (BK / 4), a_k = (t % (BK / 4)) * 4;
    const int b_k = t / (BN / 4), b_col = (t % (BN / 4)) * 4;
    const auto a_reader = op.a_row(row0 + a_row);
    const auto b_reader = op.b_columns(col0 + b_col);

    float4 a_next = a_reader.load4(a_k), b_next = b_reader.load4(b_k);
    float acc[TM][TN] = {};
    for (int k0 = 0; k0 < k; k0 += BK) {
        a_tile[a_k + 0][a_row] = a_next.x;
        a_tile[a_k + 1][a_row] = a_next.y;
        a_tile[a_k + 2][a_row] = a_next.z;
        a_tile[a_k + 3][a_row] = a_next.w;
        *reinterpret_cast<float4*>(&b_tile[b_k][b_col]) = b_next;
        __syncthreads();
        if (k0 + BK < k) {  // the next slabs: in flight while this step multiplies
            a_next = a_reader.load4(k0 + BK + a_k);
            b_next = b_reader.load4(k0 + BK + b_k);
        }

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
