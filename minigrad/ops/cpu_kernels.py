"""Numba-compiled loops for the CPU, where numpy's way costs many passes or many calls.

numpy is fast when one call does a lot of work on contiguous memory. Where an op does not fit
that mould, a plain loop compiled by Numba does the same arithmetic in one pass:

* max pooling: numpy must gather every window into a (kH·kW)-times larger array before
  `argmax` can run over it, then pick the winners with `take_along_axis`; its backward is
  numpy's slow add.at. One loop finds each window's maximum and where it was; its backward
  is one add per output pixel.
* folding windows back into an image (col2im): kH·kW strided slice-adds each walk the whole
  image; one loop adds every window element to its pixel once.
* adding rows by index (the backward of an embedding lookup): numpy's add.at is slow.
* Adam's update and the LSTM cell, forward and backward: a dozen numpy calls of small
  arrays each, where a call costs more than its arithmetic.
* GELU's Φ and φ: the portable erfc of ops/special.py takes some 200 numpy passes; here one
  loop calls the C library's erfc, and numpy's exp does the density. float32 needs less: a
  Chebyshev fit of erfc accurate to float32's precision, evaluated in a loop around numpy's
  exp, costs a quarter of the library's erfc (12 ns a number).

Each replaces readable numpy lines that stay where they were (`ops.pool`, `ops.im2col`,
`ops.movement`, `optim.adam`, `ops.lstm`, `ops.elementwise`): those run on CuPy arrays,
and the tests check every loop here against them (tests/ops/test_cpu_kernels.py, Adam's in
tests/optim/test_adam.py). The loops index plainly, in memory order, so they read like the
formulas in their docstrings.

Numbers arrive in the arrays' dtype (a literal such as 1 or 0.5 would make Numba compute in
float64). Kernels compile on first use, once per dtype (about half a second each), and are
cached on disk (`cache=True`), so later runs load them in milliseconds; numba itself is
imported only when a kernel is first needed, so `import minigrad` does not pay for it.
"""

import math

import numba
import numpy as np


@numba.njit(cache=True)
def max_pool2d(padded, kernel_size, stride, dilation, padding):
    """(y, winner) for windows of `padded` (N, C, H, W), an image with `padding` ((top, bottom),
    (left, right)) around it: window (i, j) holds the pixels i·s_h + a·d_h, j·s_w + e·d_w of
    `padded`; y[n, c, i, j] is its maximum and winner[n, c, i, j] where that is in the image
    without its padding, as a flat index h·W + w, the first one on ties (as in PyTorch). A NaN
    wins over every number, so it propagates, as in PyTorch."""
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, stride, dilation
    (pad_top, _), (pad_left, pad_right) = padding
    n, c, height, width = padded.shape
    h_out = (height - dh * (kh - 1) - 1) // sh + 1
    w_out = (width - dw * (kw - 1) - 1) // sw + 1
    image_width = width - pad_left - pad_right
    y = np.empty((n, c, h_out, w_out), dtype=padded.dtype)
    winner = np.empty((n, c, h_out, w_out), dtype=np.int32)  # an image has < 2³¹ pixels
    for b in range(n):
        for ch in range(c):
            image = padded[b, ch]
            for i in range(h_out):
                for j in range(w_out):
                    top, left = i * sh, j * sw
                    best, best_row, best_col = image[top, left], top, left
                    # the usual 2×2 window gets its offsets spelled out, a loop the compiler
                    # unrolls (twice as fast as the general one below)
                    if kh == 2 and kw == 2:
                        for row, col in ((top, left + dw), (top + dh, left), (top + dh, left + dw)):
                            value = image[row, col]
                            if _beats(value, best):
                                best, best_row, best_col = value, row, col
                    else:
                        for row in range(top, top + kh * dh, dh):
                            for col in range(left, left + kw * dw, dw):
                                value = image[row, col]
                                if _beats(value, best):
                                    best, best_row, best_col = value, row, col
                    y[b, ch, i, j] = best
                    winner[b, ch, i, j] = (best_row - pad_top) * image_width + best_col - pad_left
    return y, winner


@numba.njit(inline="always")
def _beats(value, best):
    """A new maximum: larger, or NaN (which then propagates). `|`, not `or`: one test
    instead of two branches, 3× faster."""
    return (value > best) | (value != value)


@numba.njit(cache=True)
def max_pool2d_backward(g, winner, image_shape):
    """dx (image_shape): each output's gradient g[n, c, i, j] added to pixel winner[n, c, i, j]
    of its image (a pixel that wins several overlapping windows collects all their gradients).
    Any winners will do: adaptive max pooling sends its gradients back here too."""
    n, c, h_out, w_out = g.shape
    dx = np.zeros((n, c, image_shape[2] * image_shape[3]), dtype=g.dtype)
    for b in range(n):
        for ch in range(c):
            for i in range(h_out):
                for j in range(w_out):
                    dx[b, ch, winner[b, ch, i, j]] += g[b, ch, i, j]
    return dx.reshape(image_shape)


@numba.njit(cache=True)
def fold_windows(windows, image_shape, stride, dilation):
    """The adjoint of `sliding_windows`: image[n, c, i·s_h + a·d_h, j·s_w + b·d_w] collects
    windows[n, c, a, b, i, j] for every window (a, b) and output position (i, j)."""
    n, c, kh, kw, h_out, w_out = windows.shape
    (sh, sw), (dh, dw) = stride, dilation
    image = np.zeros(image_shape, dtype=windows.dtype)
    for b in range(n):
        for ch in range(c):
            for a in range(kh):
                for e in range(kw):
                    for i in range(h_out):
                        row = i * sh + a * dh
                        for j in range(w_out):
                            image[b, ch, row, j * sw + e * dw] += windows[b, ch, a, e, i, j]
    return image


@numba.njit(cache=True, error_model="numpy")
def adam_update(param, grad, m, v, one_minus_beta1, beta2, one_minus_beta2, eps, step_size,
                bias_correction2_sqrt):
    """One Adam step on flat arrays, element by element (the formulas of optim/adam.py):

        m ← m + (1 − β₁)(g − m),   v ← β₂v + (1 − β₂)g²,
        θ ← θ − step_size · m / (√v / √(1 − β₂ᵗ) + ε),   step_size = γ / (1 − β₁ᵗ)

    The numbers come in the arrays' dtype, so float32 arithmetic stays float32, in the same
    order of operations as the numpy lines. error_model="numpy" lets a division by zero give
    inf as numpy does, instead of an exception check in every iteration, which would keep
    the loop from vectorising.
    """
    for i in range(param.size):
        m[i] += one_minus_beta1 * (grad[i] - m[i])
        v[i] = beta2 * v[i] + one_minus_beta2 * grad[i] * grad[i]
        param[i] -= step_size * (m[i] / (math.sqrt(v[i]) / bias_correction2_sqrt + eps))


@numba.njit(cache=True)
def add_rows(target, rows, values):
    """target[rows[i]] += values[i] for every i, in order, so a repeated row collects every
    value sent to it (the backward of a[ids]); a negative row counts from the end."""
    for i in range(rows.size):
        target[rows[i]] += values[i]


@numba.njit(cache=True)
def lstm_cell_forward(gates, scale, offset, c_prev, c):
    """`ops.lstm.cell_forward`, element by element: gates ← offset + scale·gates (the
    i, f, g, o values from their tanh), then c ← f ⊙ c_prev + i ⊙ g."""
    n, hidden = c.shape
    for b in range(n):
        for k in range(4 * hidden):
            gates[b, k] = offset[k] + scale[k] * gates[b, k]
        for j in range(hidden):
            c[b, j] = gates[b, hidden + j] * c_prev[b, j] + gates[b, j] * gates[b, 2 * hidden + j]


@numba.njit(cache=True)
def lstm_cell_backward(dh_next, grad_h, dc, grad_c, gates, tanh_c, tanh_slope, scale, offset,
                       c_prev, da):
    """`ops.lstm.cell_backward`, element by element: fills da (N, 4H) and overwrites dc
    with dL/dc_{t-1}. Gates, scale and offset are laid out i, f, g, o along the last dim."""
    n, hidden = dc.shape
    for b in range(n):
        for j in range(hidden):
            i, f = gates[b, j], gates[b, hidden + j]
            g, o = gates[b, 2 * hidden + j], gates[b, 3 * hidden + j]
            dh = dh_next[b, j] + grad_h[b, j]
            dc_t = dh * o * tanh_slope[b, j] + grad_c[b, j] + dc[b, j]
            da[b, j] = dc_t * g
            da[b, hidden + j] = dc_t * c_prev[b, j]
            da[b, 2 * hidden + j] = dc_t * i
            da[b, 3 * hidden + j] = dh * tanh_c[b, j]
            dc[b, j] = dc_t * f
        for k in range(4 * hidden):  # each gate's slope: scale² − (gate − offset)²
            centered = gates[b, k] - offset[k]
            da[b, k] *= scale[k] * scale[k] - centered * centered


def normal_cdf_and_pdf(x):
    """`ops.elementwise.normal_cdf_and_pdf` in two passes over memory: a loop that calls the C
    library's erfc (what Python's math.erfc is) for Φ and writes −x²/2, then numpy's exp
    (vectorised, where numba's exp is a call per number) for φ. float32 takes the faster
    `_float32_normal_cdf`."""
    x = np.ascontiguousarray(x)
    as_dtype = x.dtype.type
    if x.dtype == np.float32:
        cdf, pdf = _float32_normal_cdf(x)
    else:
        cdf, pdf = np.empty_like(x), np.empty_like(x)
        _cdf_and_exponent(x.reshape(-1), as_dtype(1 / math.sqrt(2)), as_dtype(0.5),
                          cdf.reshape(-1), pdf.reshape(-1))
        np.exp(pdf, out=pdf)
    pdf *= as_dtype(1 / math.sqrt(2 * math.pi))
    return cdf, pdf


@numba.njit(cache=True, error_model="numpy")
def _cdf_and_exponent(x, one_over_sqrt2, half, cdf, exponent):
    """cdf ← Φ(x) = erfc(−x/√2)/2, exponent ← −x²/2."""
    for i in range(x.size):
        z = x[i] * one_over_sqrt2
        cdf[i] = half * math.erfc(-z)
        exponent[i] = -z * z


# Numerical Recipes' erfcc: for a ≥ 0, erfc(a) = t·exp(−a² + P(t)) with t = 1/(1 + a/2) and P
# this degree-9 polynomial (highest power first, as Horner's rule takes it), a Chebyshev fit
# with relative error below 1.2e-7 at every a: float32's own precision, tails included (Press
# et al., Numerical Recipes, §6.2). A tuple of float32 constants, so the compiled loop keeps
# float32 arithmetic and unrolls the polynomial.
ERFCC_POLYNOMIAL = tuple(np.float32(c) for c in (
    0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807,
    -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223))


def _float32_normal_cdf(x):
    """(Φ(x), e^(−x²/2)) for float32 x by erfcc: a loop writes t and both exponents, numpy's
    exp takes them, a second loop puts Φ together. With a = |x|/√2, Φ(x) = erfc(a)/2 for
    x ≤ 0 and 1 − erfc(a)/2 for x > 0."""
    flat = x.reshape(-1)
    t, tail, gaussian = np.empty_like(flat), np.empty_like(flat), np.empty_like(flat)
    _erfcc_exponents(flat, np.float32(1 / math.sqrt(2)), t, tail, gaussian)
    np.exp(tail, out=tail)
    np.exp(gaussian, out=gaussian)
    cdf = np.empty_like(flat)
    _erfcc_cdf(flat, t, tail, np.float32(0.5), cdf)
    return cdf.reshape(x.shape), gaussian.reshape(x.shape)


@numba.njit(cache=True, error_model="numpy")
def _erfcc_exponents(x, one_over_sqrt2, t, tail, gaussian):
    """t ← 1/(1 + a/2), tail ← −a² + P(t), gaussian ← −a², for a = |x|/√2."""
    one, half = np.float32(1), np.float32(0.5)
    for i in range(x.size):
        a = abs(x[i]) * one_over_sqrt2
        t_i = one / (one + half * a)
        p = np.float32(0)
        for c in ERFCC_POLYNOMIAL:
            p = p * t_i + c
        t[i] = t_i
        gaussian[i] = -a * a
        tail[i] = gaussian[i] + p


@numba.njit(cache=True, error_model="numpy")
def _erfcc_cdf(x, t, tail, half, cdf):
    """cdf ← Φ(x) from erfc(a)/2 = t·tail/2 (tail already exponentiated)."""
    one = half + half
    for i in range(x.size):
        half_erfc = half * t[i] * tail[i]
        cdf[i] = half_erfc if x[i] <= 0 else one - half_erfc
