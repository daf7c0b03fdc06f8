// Batched matrix product C[b] = A[b] · B[b] in float32, row-major.
//
// The work is the tiled GEMM of tiled_gemm.cuh (shared-memory tiles, 8x8 register
// micro-tiles, the next slabs fetched while the current ones are multiplied, float4 loads
// where the rows are 16-byte aligned); this file only says where the matrices are.
// blockIdx.z picks the batch entry. An operand shared by the whole batch (x @ W with W 2-D)
// has batch stride 0, so it is read in place instead of copied per entry.

#include "tiled_gemm.cuh"

// Every GEMM geometry starts with the product's m, n, k (see kernels/host.py).
struct MatmulGeometry {
    int m, n, k;
    int batch_stride_a, batch_stride_b;  // elements between batch entries; 0: shared
};

struct MatmulOperands {
    DenseMatrix<const float> a, b;
    DenseMatrix<float> c;

    __device__ DenseRow<const float> a_row(int row) const { return {a, row}; }
    __device__ DenseColumns<const float> b_columns(int col) const { return {b, col}; }
    __device__ void store_c4(int row, int col, float4 v) const { c.store4(row, col, v); }
};

extern "C" __global__ void __launch_bounds__(GEMM_THREADS, BLOCKS_PER_SM)
matmul(const float* a, const float* b, float* c, MatmulGeometry g) {
    const long long batch = blockIdx.z;
    const MatmulOperands op{
        {a + batch * g.batch_stride_a, g.m, g.k},
        {b + batch * g.batch_stride_b, g.k, g.n},
        {c + batch * g.m * g.n, g.m, g.n},
    };
    tiled_gemm(op, g.k);
}
