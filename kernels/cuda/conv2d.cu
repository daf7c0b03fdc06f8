// 2-D convolution (PyTorch's conv2d: NCHW, groups = 1) as implicit GEMM.
//
// The algorithm, for students:
//   im2col writes every kH x kW window of the input as a column of a matrix X_col, with one
//   row per kernel tap t = (c, a, b) and one column per output pixel p = (n, i, j); then
//   the convolution is a single matrix product. Its three products are
//
//     forward       Y  (C_out x pixels)  = W     (C_out x taps)     · X_col   (taps x pixels)
//     grad_input    dX (C_in x inputs)   = W'    (C_in x (o, a, b)) · dY_col  ((o, a, b) x inputs)
//     grad_weight   dW (C_out x taps)    = dY    (C_out x pixels)   · X_col^T (pixels x taps)
//
//   with W'[c][(o, a, b)] = W[o, c, a, b], and dY_col defined below.
//
//   Writing X_col out would cost kH*kW times the input's memory. Implicit GEMM never does:
//   the tiled GEMM of tiled_gemm.cuh asks for A[row][k] and B[k][col], and the functions
//   below compute, for each such request, which input pixel it is (zero in the padding).
//   The convolution is the matmul kernel with different address arithmetic.
//
//   For grad_input, input pixel (row, col) received from output pixel (i, j) through tap
//   (a, b) iff row = i*stride - pad + a*dilation; so dY_col holds dY[n, o, i, j] where that
//   division is exact and in range, and zero elsewhere. With stride s, only 1 in s*s of
//   those entries is non-zero: this kernel multiplies the zeros too (simple, not fastest).
//   The index arithmetic (divisions by run-time sizes) is the other price of simplicity.
//
// Each kernel takes the arrays that A, B and C live in, in that order, as matmul does.
// ConvGeometry's fields follow kernels/host.py; pad_h / pad_w are the rows / columns of
// zeros added at the top / left (the bottom / right padding only shapes oh and ow).

#include "tiled_gemm.cuh"

struct ConvGeometry {
    int m, n, k;  // the GEMM this launch runs: every GEMM geometry starts with them
    int batch, c_in, h, w;
    int c_out, kh, kw;
    int oh, ow;
    int stride_h, stride_w, pad_h, pad_w, dil_h, dil_w;
};

// x at kernel tap `tap` = (c, a, b) of the window of output pixel `pixel` = (n, i, j): the
// element X_col[tap][pixel], zero in the padding.
__device__ float input_patch(const float* x, const ConvGeometry& g, int tap, int pixel) {
    const int c = tap / (g.kh * g.kw), a = tap / g.kw % g.kh, b = tap % g.kw;
    const int n = pixel / (g.oh * g.ow), i = pixel / g.ow % g.oh, j = pixel % g.ow;
    const int row = i * g.stride_h - g.pad_h + a * g.dil_h;
    const int col = j * g.stride_w - g.pad_w + b * g.dil_w;
    if (row < 0 || row >= g.h || col < 0 || col >= g.w) return 0.0f;
    return x[((long long)(n * g.c_in + c) * g.h + row) * g.w + col];
}

// Where Y[n, o, i, j] (or dY) lives, for output channel o and output pixel (n, i, j).
__device__ long long output_index(const ConvGeometry& g, int o, int pixel) {
    const int pixels_per_image = g.oh * g.ow;
    return ((long long)(pixel / pixels_per_image) * g.c_out + o) * pixels_per_image +
           pixel % pixels_per_image;
}

struct ConvForward : Gathered<ConvForward> {
    DenseMatrix<const float> weights;  // A: W as stored, C_out x (C_in*kH*kW)
    const float* x;
    float* y;
    ConvGeometry g;

    __device__ float4 load_a4(int o, int tap) const { return weights.load4(o, tap); }
    __device__ float b(int tap, int pixel) const {
        return tap < g.k && pixel < g.n ? input_patch(x, g, tap, pixel) : 0.0f;
    }
    __device__ void store_c(int o, int pixel, float v) const {
        if (o < g.m && pixel < g.n) y[output_index(g, o, pixel)] = v;
    }
};

struct ConvGradInput : Gathered<ConvGradInput> {
    const float* w;
    const float* grad_y;
    float* grad_x;
    ConvGeometry g;

    // A[c][(o, a, b)] = W[o, c, a, b]
    __device__ float a(int c, int tap) const {
        if (c >= g.m || tap >= g.k) return 0.0f;
        const int taps = g.kh * g.kw;
        return w[((long long)(tap / taps) * g.c_in + c) * taps + tap % taps];
    }
    // B[(o, a, b)][(n, row, col)] = dY[n, o, i, j] where row = i*stride - pad + a*dilation
    __device__ float b(int tap, int pixel) const {
        if (tap >= g.k || pixel >= g.n) return 0.0f;
        const int o = tap / (g.kh * g.kw), a = tap / g.kw % g.kh, b = tap % g.kw;
        const int n = pixel / (g.h * g.w), row = pixel / g.w % g.h, col = pixel % g.w;
        const int i_strided = row + g.pad_h - a * g.dil_h;
        const int j_strided = col + g.pad_w - b * g.dil_w;
        if (i_strided < 0 || j_strided < 0) return 0.0f;
        if (i_strided % g.stride_h != 0 || j_strided % g.stride_w != 0) return 0.0f;
        const int i = i_strided / g.stride_h, j = j_strided / g.stride_w;
        if (i >= g.oh || j >= g.ow) return 0.0f;
        return grad_y[output_index(g, o, (n * g.oh + i) * g.ow + j)];
    }
    __device__ void store_c(int c, int pixel, float v) const {
        if (c >= g.m || pixel >= g.n) return;
        const int pixels_per_image = g.h * g.w;
        grad_x[((long long)(pixel / pixels_per_image) * g.c_in + c) * pixels_per_image +
               pixel % pixels_per_image] = v;
    }
};

struct ConvGradWeight : Gathered<ConvGradWeight> {
    const float* x;
    const float* grad_y;
    DenseMatrix<float> grad_w;  // C: dW as stored, C_out x (C_in*kH*kW)
    ConvGeometry g;

    __device__ float a(int o, int pixel) const {
        return o < g.m && pixel < g.k ? grad_y[output_index(g, o, pixel)] : 0.0f;
    }
    __device__ float b(int pixel, int tap) const {
        return pixel < g.k && tap < g.n ? input_patch(x, g, tap, pixel) : 0.0f;
    }
    __device__ void store_c4(int o, int tap, float4 v) const { grad_w.store4(o, tap, v); }
};

extern "C" __global__ void __launch_bounds__(GEMM_THREADS)
conv2d_forward(const float* w, const float* x, float* y, ConvGeometry g) {
    tiled_gemm(ConvForward{{}, {w, g.m, g.k}, x, y, g}, g.k);
}

extern "C" __global__ void __launch_bounds__(GEMM_THREADS)
conv2d_grad_input(const float* w, const float* grad_y, float* grad_x, ConvGeometry g) {
    tiled_gemm(ConvGradInput{{}, w, grad_y, grad_x, g}, g.k);
}

extern "C" __global__ void __launch_bounds__(GEMM_THREADS)
conv2d_grad_weight(const float* grad_y, const float* x, float* grad_w, ConvGeometry g) {
    tiled_gemm(ConvGradWeight{{}, x, grad_y, {grad_w, g.m, g.n}, g}, g.k);
}
