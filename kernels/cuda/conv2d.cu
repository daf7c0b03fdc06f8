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
//
//   Finding a pixel (n, i, j) or a tap (c, a, b) from its index takes integer divisions by
//   run-time sizes, each some twenty instructions: more than the multiply-adds they feed, if
//   done for every element. But a thread reads the same row of A and the same four columns
//   of B at every step (tiled_gemm.cuh), so the readers below split their fixed row or
//   columns once, when the thread starts, and each step splits only its one k index.
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

// A kernel tap (c, a, b): channel c (or output channel, for grad_input's (o, a, b)), and
// the window's row a and column b.
struct Tap {
    int c, a, b;
};

__device__ Tap split_tap(const ConvGeometry& g, int tap) {
    const int per_channel = g.kh * g.kw, c = tap / per_channel, ab = tap - c * per_channel;
    const int a = ab / g.kw;
    return {c, a, ab - a * g.kw};
}

// A pixel (n, i, j) of an image batch with rows x cols pixels per image.
struct Pixel {
    int n, i, j;
};

__device__ Pixel split_pixel(int pixel, int rows, int cols) {
    const int per_image = rows * cols, n = pixel / per_image, ij = pixel - n * per_image;
    const int i = ij / cols;
    return {n, i, ij - i * cols};
}

// Where Y[n, o, i, j] (or dY) lives, for output channel o and output pixel (n, i, j).
__device__ long long output_index(const ConvGeometry& g, int o, int pixel) {
    const int pixels_per_image = g.oh * g.ow;
    return ((long long)(pixel / pixels_per_image) * g.c_out + o) * pixels_per_image +
           pixel % pixels_per_image;
}

__device__ bool inside_image(const ConvGeometry& g, int row, int col) {
    return row >= 0 && row < g.h && col >= 0 && col < g.w;
}

// ---- forward: Y = W · X_col ------------------------------------------------------------------

// B = X_col, four consecutive output pixels (columns) at a time. Each pixel's image and the
// input row and column its window starts at (maybe in the padding) are found once; a tap
// then only shifts the window.
struct PatchColumns {
    const float* x;
    ConvGeometry g;
    int image[4];  // where the pixel's image starts in x; -1 past the last pixel
    int top[4], left[4];

    __device__ PatchColumns(const float* x, const ConvGeometry& g, int pixel) : x(x), g(g) {
#pragma unroll
        for (int u = 0; u < 4; ++u) {
            const Pixel p = split_pixel(pixel + u, g.oh, g.ow);
            image[u] = pixel + u < g.n ? p.n * g.c_in * g.h * g.w : -1;
            top[u] = p.i * g.stride_h - g.pad_h;
            left[u] = p.j * g.stride_w - g.pad_w;
        }
    }
    __device__ float4 load4(int tap) const {
        float v[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        if (tap < g.k) {
            const Tap t = split_tap(g, tap);
            const int channel = t.c * g.h * g.w, dy = t.a * g.dil_h, dx = t.b * g.dil_w;
#pragma unroll
            for (int u = 0; u < 4; ++u) {
                const int row = top[u] + dy, col = left[u] + dx;
                if (image[u] >= 0 && inside_image(g, row, col))
                    v[u] = x[(long long)image[u] + channel + row * g.w + col];
            }
        }
        return make_float4(v[0], v[1], v[2], v[3]);
    }
};

struct ConvForward : ScatteredStores<ConvForward> {
    DenseMatrix<const float> weights;  // A: W as stored, C_out x (C_in*kH*kW)
    const float* x;
    float* y;
    ConvGeometry g;

    __device__ DenseRow<const float> a_row(int o) const { return {weights, o}; }
    __device__ PatchColumns b_columns(int pixel) const { return PatchColumns(x, g, pixel); }
    __device__ void store_c(int o, int pixel, float v) const {
        if (o < g.m && pixel < g.n) y[output_index(g, o, pixel)] = v;
    }
};

// ---- grad_input: dX = W' · dY_col ------------------------------------------------------------

// A = W', one input channel c (a row) read along (o, a, b): W[o, c, a, b].
struct TransposedWeightRow {
    const float* w;
    ConvGeometry g;
    int c;

    __device__ float4 load4(int k) const {
        const int per_channel = g.kh * g.kw;
        int o = k / per_channel, ab = k - o * per_channel;  // then counted on, not divided
        float v[4];
#pragma unroll
        for (int u = 0; u < 4; ++u) {
            v[u] = c < g.m && k + u < g.k ? w[((long long)o * g.c_in + c) * per_channel + ab] : 0.0f;
            if (++ab == per_channel) ab = 0, ++o;
        }
        return make_float4(v[0], v[1], v[2], v[3]);
    }
};

// i with i * stride == strided, or -1 if there is none (stride 1, the usual case, divides
// nothing).
__device__ int exact_quotient(int strided, int stride) {
    if (stride == 1) return strided;
    const int i = strided / stride;
    return i * stride == strided ? i : -1;
}

// B = dY_col, four consecutive input pixels (n, row, col) at a time: for tap (o, a, b), the
// dY[n, o, i, j] whose window put tap (a, b) on the pixel. Each pixel's image, and its row
// and column shifted by the padding, are found once.
struct SpreadGradientColumns {
    const float* grad_y;
    ConvGeometry g;
    int image[4];  // where the pixel's image starts in dY; -1 past the last pixel
    int padded_row[4], padded_col[4];

    __device__ SpreadGradientColumns(const float* grad_y, const ConvGeometry& g, int pixel)
        : grad_y(grad_y), g(g) {
#pragma unroll
        for (int u = 0; u < 4; ++u) {
            const Pixel p = split_pixel(pixel + u, g.h, g.w);
            image[u] = pixel + u < g.n ? p.n * g.c_out * g.oh * g.ow : -1;
            padded_row[u] = p.i + g.pad_h;
            padded_col[u] = p.j + g.pad_w;
        }
    }
    __device__ float4 load4(int tap) const {
        float v[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        if (tap < g.k) {
            const Tap t = split_tap(g, tap);  // (o, a, b)
            const int channel = t.c * g.oh * g.ow, dy = t.a * g.dil_h, dx = t.b * g.dil_w;
#pragma unroll
            for (int u = 0; u < 4; ++u) {
                const int i_strided = padded_row[u] - dy, j_strided = padded_col[u] - dx;
                if (image[u] < 0 || i_strided < 0 || j_strided < 0) continue;
                const int i = exact_quotient(i_strided, g.stride_h);
                const int j = exact_quotient(j_strided, g.stride_w);
                if (i >= 0 && j >= 0 && i < g.oh && j < g.ow)
                    v[u] = grad_y[(long long)image[u] + channel + i * g.ow + j];
            }
        }
        return make_float4(v[0], v[1], v[2], v[3]);
    }
};

struct ConvGradInput : ScatteredStores<ConvGradInput> {
    const float* w;
    const float* grad_y;
    float* grad_x;
    ConvGeometry g;

    __device__ TransposedWeightRow a_row(int c) const { return {w, g, c}; }
    __device__ SpreadGradientColumns b_columns(int pixel) const {
        return SpreadGradientColumns(grad_y, g, pixel);
    }
    __device__ void store_c(int c, int pixel, float v) const {
        if (c >= g.m || pixel >= g.n) return;
        const int pixels_per_image = g.h * g.w;
        grad_x[((long long)(pixel / pixels_per_image) * g.c_in + c) * pixels_per_image +
               pixel % pixels_per_image] = v;
    }
};

// ---- grad_weight: dW = dY · X_col^T ----------------------------------------------------------

// A = dY, one output channel o (a row) read along the output pixels (n, i, j).
struct GradientRow {
    const float* grad_y;
    ConvGeometry g;
    int o;

    __device__ float4 load4(int pixel) const {
        const int per_image = g.oh * g.ow;
        int n = pixel / per_image, ij = pixel - n * per_image;  // then counted on
        float v[4];
#pragma unroll
        for (int u = 0; u < 4; ++u) {
            v[u] = o < g.m && pixel + u < g.k ? grad_y[((long long)n * g.c_out + o) * per_image + ij]
                                              : 0.0f;
            if (++ij == per_image) ij = 0, ++n;
        }
        return make_float4(v[0], v[1], v[2], v[3]);
    }
};

// B = X_col^T, four consecutive taps (columns) at a time, read along the output pixels. Each
// tap's channel and shift are found once; a pixel then places the window.
struct PatchTapColumns {
    const float* x;
    ConvGeometry g;
    int channel[4];  // where the tap's channel starts in an image; -1 past the last tap
    int dy[4], dx[4];

    __device__ PatchTapColumns(const float* x, const ConvGeometry& g, int tap) : x(x), g(g) {
#pragma unroll
        for (int u = 0; u < 4; ++u) {
            const Tap t = split_tap(g, tap + u);
            channel[u] = tap + u < g.n ? t.c * g.h * g.w : -1;
            dy[u] = t.a * g.dil_h;
            dx[u] = t.b * g.dil_w;
        }
    }
    __device__ float4 load4(int pixel) const {
        float v[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        if (pixel < g.k) {
            const Pixel p = split_pixel(pixel, g.oh, g.ow);
            const int image = p.n * g.c_in * g.h * g.w;
            const int top = p.i * g.stride_h - g.pad_h, left = p.j * g.stride_w - g.pad_w;
#pragma unroll
            for (int u = 0; u < 4; ++u) {
                const int row = top + dy[u], col = left + dx[u];
                if (channel[u] >= 0 && inside_image(g, row, col))
                    v[u] = x[(long long)image + channel[u] + row * g.w + col];
            }
        }
        return make_float4(v[0], v[1], v[2], v[3]);
    }
};

struct ConvGradWeight {
    const float* x;
    const float* grad_y;
    DenseMatrix<float> grad_w;  // C: dW as stored, C_out x (C_in*kH*kW)
    ConvGeometry g;

    __device__ GradientRow a_row(int o) const { return {grad_y, g, o}; }
    __device__ PatchTapColumns b_columns(int tap) const { return PatchTapColumns(x, g, tap); }
    __device__ void store_c4(int o, int tap, float4 v) const { grad_w.store4(o, tap, v); }
};

extern "C" __global__ void __launch_bounds__(GEMM_THREADS, BLOCKS_PER_SM)
conv2d_forward(const float* w, const float* x, float* y, ConvGeometry g) {
    tiled_gemm(ConvForward{{}, {w, g.m, g.k}, x, y, g}, g.k);
}

extern "C" __global__ void __launch_bounds__(GEMM_THREADS, BLOCKS_PER_SM)
conv2d_grad_input(const float* w, const float* grad_y, float* grad_x, ConvGeometry g) {
    tiled_gemm(ConvGradInput{{}, w, grad_y, grad_x, g}, g.k);
}

extern "C" __global__ void __launch_bounds__(GEMM_THREADS, BLOCKS_PER_SM)
conv2d_grad_weight(const float* grad_y, const float* x, float* grad_w, ConvGeometry g) {
    tiled_gemm(ConvGradWeight{x, grad_y, {grad_w, g.m, g.n}, g}, g.k);
}
