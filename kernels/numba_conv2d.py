"""2-D convolution (PyTorch's conv2d: NCHW, groups = 1) as Numba CUDA kernels: implicit GEMM.

The algorithm, for students: im2col writes every kH x kW window of the input as a column of a
matrix X_col (one row per kernel tap (c, a, b), one column per output pixel (n, i, j)), and
the convolution becomes one matrix product. Its three products are

    forward       Y  (C_out x pixels)  = W  (C_out x taps)      · X_col   (taps x pixels)
    grad_input    dX (C_in x inputs)   = W' (C_in x (o, a, b))  · dY_col  ((o, a, b) x inputs)
    grad_weight   dW (C_out x taps)    = dY (C_out x pixels)    · X_col^T (pixels x taps)

with W'[c][(o, a, b)] = W[o, c, a, b], and dY_col[(o, a, b)][(n, row, col)] = dY[n, o, i, j]
for the output pixel (i, j) whose window put tap (a, b) on input pixel (row, col), zero where
there is none. Writing X_col out would cost kH*kW times the input's memory; implicit GEMM
never does. Each product runs the tiled GEMM of numba_matmul.py, whose loaders below compute
for every requested element which pixel it is (zero in the padding).

The geometry tuple is (m, n, k) of the GEMM, then the ConvGeometry fields of
kernels/cuda/conv2d.cu: batch, c_in, h, w, c_out, kh, kw, oh, ow, stride_h, stride_w,
pad_h, pad_w (top / left zeros), dil_h, dil_w.
"""

from numba import cuda

from kernels.numba_matmul import ZERO, make_tiled_gemm


@cuda.jit(device=True)
def _input_patch(x, geometry, tap, pixel):
    """X_col[tap][pixel]: x at tap (c, a, b) of the window of output pixel (n, i, j)."""
    c_in, h, w = geometry[4:7]
    kh, kw, oh, ow = geometry[8:12]
    stride_h, stride_w, pad_h, pad_w, dil_h, dil_w = geometry[12:]
    c, a, b = tap // (kh * kw), tap // kw % kh, tap % kw
    n, i, j = pixel // (oh * ow), pixel // ow % oh, pixel % ow
    row = i * stride_h - pad_h + a * dil_h
    col = j * stride_w - pad_w + b * dil_w
    if row < 0 or row >= h or col < 0 or col >= w:
        return ZERO
    return x[((n * c_in + c) * h + row) * w + col]


@cuda.jit(device=True)
def _output_index(geometry, o, pixel):
    """Where y[n, o, i, j] (or dy) lives, for output channel o and output pixel (n, i, j)."""
    c_out, oh, ow = geometry[7], geometry[10], geometry[11]
    per_image = oh * ow
    return ((pixel // per_image) * c_out + o) * per_image + pixel % per_image


# ---- forward: A = W (dense), B = X_col, C = y --------------------------------------------


@cuda.jit(device=True)
def _weight(w, geometry, batch, o, tap):
    m, _, k = geometry[0], geometry[1], geometry[2]
    return w[o * k + tap] if o < m and tap < k else ZERO


@cuda.jit(device=True)
def _patches(x, geometry, batch, tap, pixel):
    n, k = geometry[1], geometry[2]
    return _input_patch(x, geometry, tap, pixel) if tap < k and pixel < n else ZERO


@cuda.jit(device=True)
def _store_output(y, geometry, batch, o, pixel, value):
    if o < geometry[0] and pixel < geometry[1]:
        y[_output_index(geometry, o, pixel)] = value


# ---- grad_input: A = W', B = dY_col, C = dx ------------------------------------------------


@cuda.jit(device=True)
def _weight_by_input_channel(w, geometry, batch, c, tap):
    m, k, c_in, kh, kw = geometry[0], geometry[2], geometry[4], geometry[8], geometry[9]
    if c >= m or tap >= k:
        return ZERO
    taps = kh * kw
    return w[((tap // taps) * c_in + c) * taps + tap % taps]


@cuda.jit(device=True)
def _spread_grad_y(grad_y, geometry, batch, tap, pixel):
    n_size, k_size = geometry[1:3]
    h, w = geometry[5:7]
    kh, kw, oh, ow = geometry[8:12]
    stride_h, stride_w, pad_h, pad_w, dil_h, dil_w = geometry[12:]
    if tap >= k_size or pixel >= n_size:
        return ZERO
    o, a, b = tap // (kh * kw), tap // kw % kh, tap % kw
    n, row, col = pixel // (h * w), pixel // w % h, pixel % w
    i_strided = row + pad_h - a * dil_h
    j_strided = col + pad_w - b * dil_w
    if i_strided < 0 or j_strided < 0 or i_strided % stride_h or j_strided % stride_w:
        return ZERO
    i, j = i_strided // stride_h, j_strided // stride_w
    if i >= oh or j >= ow:
        return ZERO
    return grad_y[_output_index(geometry, o, (n * oh + i) * ow + j)]


@cuda.jit(device=True)
def _store_grad_input(grad_x, geometry, batch, c, pixel, value):
    m, n, c_in, h, w = geometry[0], geometry[1], geometry[4], geometry[5], geometry[6]
    if c < m and pixel < n:
        per_image = h * w
        grad_x[((pixel // per_image) * c_in + c) * per_image + pixel % per_image] = value


# ---- grad_weight: A = dY, B = X_col^T, C = dW (dense) -------------------------------------


@cuda.jit(device=True)
def _grad_y_rows(grad_y, geometry, batch, o, pixel):
    m, k = geometry[0], geometry[2]
    return grad_y[_output_index(geometry, o, pixel)] if o < m and pixel < k else ZERO


@cuda.jit(device=True)
def _patches_transposed(x, geometry, batch, pixel, tap):
    n, k = geometry[1], geometry[2]
    return _input_patch(x, geometry, tap, pixel) if pixel < k and tap < n else ZERO


@cuda.jit(device=True)
def _store_grad_weight(grad_w, geometry, batch, o, tap, value):
    m, n = geometry[0], geometry[1]
    if o < m and tap < n:
        grad_w[o * n + tap] = value


conv2d_forward = make_tiled_gemm(_weight, _patches, _store_output)
conv2d_grad_input = make_tiled_gemm(_weight_by_input_channel, _spread_grad_y, _store_grad_input)
conv2d_grad_weight = make_tiled_gemm(_grad_y_rows, _patches_transposed, _store_grad_weight)
