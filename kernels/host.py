"""The host side of every kernel: check the arrays, allocate the outputs, size the grid, launch.

Both implementations run through these functions; they differ only in where a kernel comes
from. `kernels` below is `kernels.cupy_kernels` (CUDA C compiled by NVRTC) or
`kernels.numba_kernels` (Numba CUDA); `kernels.kernel(name, head_dim)` returns a callable
`launch(grid, block, args)`. Every kernel takes the same arguments in both languages:

  arrays     flat, C-contiguous float32 (masks: uint8), on the GPU (CuPy), or numpy arrays
             under Numba's CUDA simulator
  geometry   a tuple of int32 sizes; for CUDA C it becomes a struct with the same fields in
             the same order (MatmulGeometry, ConvGeometry, AttentionGeometry in the .cu files).
             A GEMM geometry starts with the product's (m, n, k).
  scale      a float32

Indices inside the kernels are 32-bit, so every array must have fewer than 2**31 elements.
"""

import math

import numpy as np

from kernels import tiles
from minigrad.backend import array_module


def matmul(kernels, a, b):
    """a @ b for float32 arrays (..., m, k) and (..., k, n) whose batch dims broadcast."""
    _check_float32("matmul", a, b)
    if a.ndim < 2 or b.ndim < 2 or a.shape[-1] != b.shape[-2]:
        raise ValueError(
            f"matmul kernel: shapes {a.shape} and {b.shape} do not fit (need (..., m, k) and "
            "(..., k, n), at least 2-D)"
        )
    try:
        batch_shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise ValueError(
            f"matmul kernel: batch dims of {a.shape} and {b.shape} do not broadcast"
        ) from None
    (m, k), n = a.shape[-2:], b.shape[-1]
    xp = array_module(a)
    c = xp.empty(batch_shape + (m, n), dtype=np.float32)
    if c.size == 0:
        return c
    a_flat, stride_a = _batch_operand(xp, a, batch_shape)
    b_flat, stride_b = _batch_operand(xp, b, batch_shape)
    geometry = _int32s(m, n, k, stride_a, stride_b)
    grid = (_blocks(n, tiles.BN), _blocks(m, tiles.BM), math.prod(batch_shape))
    kernels.kernel("matmul")(grid, (tiles.GEMM_THREADS,), (a_flat, b_flat, c.reshape(-1), geometry))
    return c


def _batch_operand(xp, x, batch_shape):
    """x as a flat array with one matrix per batch entry, and the stride between them.

    A single matrix shared by the whole batch (the weight in x @ W) gets stride 0 and is read
    in place; only an operand broadcast along some batch dims but not others is copied.
    """
    rows, cols = x.shape[-2:]
    if math.prod(x.shape[:-2]) == 1:
        return _flat(xp, x), 0
    if x.shape[:-2] != batch_shape:
        x = xp.broadcast_to(x, batch_shape + (rows, cols))
    return _flat(xp, x), rows * cols


# ---- conv2d -----------------------------------------------------------------------------
# stride and dilation are (h, w) pairs; padding is ((top, bottom), (left, right)), as in
# minigrad/ops/conv.py. The kernels need only the top and left padding: the bottom and right
# padding shape the output size, which is known from the arrays' shapes.


def conv2d_forward(kernels, x, w, stride, padding, dilation):
    """y = conv2d(x, w): x (N, C_in, H, W), w (C_out, C_in, kH, kW) -> (N, C_out, H_out, W_out)."""
    _check_float32("conv2d_forward", x, w)
    y_shape = conv_output_shape("conv2d_forward", x.shape, w.shape, stride, padding, dilation)
    geometry = _conv_geometry(x.shape, w.shape, y_shape, stride, padding, dilation)
    gemm = (w.shape[0], math.prod(y_shape) // w.shape[0], math.prod(w.shape[1:]))
    return _conv_launch(kernels, "conv2d_forward", w, x, y_shape, gemm, geometry)


def conv2d_grad_input(kernels, grad_y, w, input_shape, stride, padding, dilation):
    """dL/dx (input_shape) from grad_y = dL/dy (N, C_out, H_out, W_out) and the weight."""
    op = "conv2d_grad_input"
    _check_float32(op, grad_y, w)
    _check_grad_y(op, grad_y, input_shape, w.shape, stride, padding, dilation)
    geometry = _conv_geometry(input_shape, w.shape, grad_y.shape, stride, padding, dilation)
    c_in = input_shape[1]
    gemm = (c_in, math.prod(input_shape) // c_in, w.shape[0] * w.shape[2] * w.shape[3])
    return _conv_launch(kernels, op, w, grad_y, input_shape, gemm, geometry)


def conv2d_grad_weight(kernels, grad_y, x, weight_shape, stride, padding, dilation):
    """dL/dw (weight_shape) from grad_y = dL/dy (N, C_out, H_out, W_out) and the input x."""
    op = "conv2d_grad_weight"
    _check_float32(op, grad_y, x)
    _check_grad_y(op, grad_y, x.shape, weight_shape, stride, padding, dilation)
    geometry = _conv_geometry(x.shape, weight_shape, grad_y.shape, stride, padding, dilation)
    c_out = weight_shape[0]
    gemm = (c_out, math.prod(weight_shape) // c_out, grad_y.size // c_out)
    return _conv_launch(kernels, op, grad_y, x, weight_shape, gemm, geometry)


def conv_output_shape(op, x_shape, w_shape, stride, padding, dilation):
    if len(x_shape) != 4 or len(w_shape) != 4 or x_shape[1] != w_shape[1]:
        raise ValueError(
            f"{op} kernel: input {tuple(x_shape)} and weight {tuple(w_shape)} do not fit "
            "(need (N, C_in, H, W) and (C_out, C_in, kH, kW); groups=1 only)"
        )
    sizes = [
        (n + before + after - d * (k - 1) - 1) // s + 1
        for n, (before, after), k, s, d in zip(x_shape[2:], padding, w_shape[2:], stride, dilation)
    ]
    if min(sizes) < 1:
        raise ValueError(
            f"{op} kernel: the window does not fit in the padded input {tuple(x_shape)}"
        )
    return (x_shape[0], w_shape[0], *sizes)


def _check_grad_y(op, grad_y, x_shape, w_shape, stride, padding, dilation):
    expected = conv_output_shape(op, x_shape, w_shape, stride, padding, dilation)
    if tuple(grad_y.shape) != expected:
        raise ValueError(
            f"{op} kernel: grad_y has shape {tuple(grad_y.shape)}, but input {tuple(x_shape)} "
            f"and weight {tuple(w_shape)} give outputs of shape {expected}"
        )


def _conv_geometry(x_shape, w_shape, y_shape, stride, padding, dilation):
    """ConvGeometry's fields after the GEMM's (m, n, k), in the .cu struct's order."""
    (top, _), (left, _) = padding
    return (*x_shape, w_shape[0], *w_shape[2:], *y_shape[2:], *stride, top, left, *dilation)


def _conv_launch(kernels, name, a_source, b_source, out_shape, gemm, geometry):
    """The three conv kernels are one tiled GEMM each, called like matmul with the arrays
    that A, B and C are read from or written to; the grid covers the (m, n) tiles of C."""
    xp = array_module(a_source)
    out = xp.empty(out_shape, dtype=np.float32)
    if out.size == 0:
        return out
    m, n, _ = gemm
    grid = (_blocks(n, tiles.BN), _blocks(m, tiles.BM), 1)
    args = (_flat(xp, a_source), _flat(xp, b_source), out.reshape(-1), _int32s(*gemm, *geometry))
    kernels.kernel(name)(grid, (tiles.GEMM_THREADS,), args)
    return out


# ---- attention ----------------------------------------------------------------------------


def attention_forward(kernels, q, k, v, scale, causal, key_padding_mask):
    """softmax(scale · q kᵀ, masked) v and the per-row log-sum-exp of the scores.

    q (B, H, Lq, D), k and v (B, H, Lk, D), key_padding_mask (B, Lk) bool with True marking
    padding, or None. Returns out (B, H, Lq, D) and lse (B, H, Lq).
    """
    geometry, mask = _attention_setup("attention_forward", q, k, v, causal, key_padding_mask)
    xp = array_module(q)
    out = xp.empty(q.shape, dtype=np.float32)
    lse = xp.empty(q.shape[:-1], dtype=np.float32)
    if out.size:
        args = (*_flat_all(xp, q, k, v), mask, out.reshape(-1), lse.reshape(-1))
        _attention_launch(kernels, "attention_forward", q, q.shape[2], args, geometry, scale)
    return out, lse


def attention_backward(kernels, q, k, v, out, lse, grad_out, scale, causal, key_padding_mask):
    """(dq, dk, dv) from the forward's out and lse, recomputing the probabilities."""
    geometry, mask = _attention_setup("attention_backward", q, k, v, causal, key_padding_mask)
    _check_float32("attention_backward", out, lse, grad_out)
    xp = array_module(q)
    grad_q, grad_k, grad_v = (xp.empty(t.shape, dtype=np.float32) for t in (q, k, v))
    if grad_q.size == 0 or grad_k.size == 0:
        return xp.zeros_like(grad_q), xp.zeros_like(grad_k), xp.zeros_like(grad_v)
    # D_i = Σ_d dO_id O_id equals Σ_j P_ij dP_ij, the term the softmax Jacobian subtracts.
    delta = (grad_out * out).sum(axis=-1, dtype=np.float32)
    inputs = (*_flat_all(xp, q, k, v), mask, *_flat_all(xp, grad_out, lse, delta))
    dkdv_args = (*inputs, grad_k.reshape(-1), grad_v.reshape(-1))
    _attention_launch(kernels, "attention_backward_dkdv", q, k.shape[2], dkdv_args, geometry, scale)
    dq_args = (*inputs, grad_q.reshape(-1))
    _attention_launch(kernels, "attention_backward_dq", q, q.shape[2], dq_args, geometry, scale)
    return grad_q, grad_k, grad_v


def _attention_setup(op, q, k, v, causal, key_padding_mask):
    """Check the inputs; return the geometry and the mask as uint8 (a dummy when absent)."""
    _check_float32(op, q, k, v)
    if (
        q.ndim != 4
        or k.shape != v.shape
        or k.ndim != 4
        or q.shape[:2] + q.shape[3:] != k.shape[:2] + k.shape[3:]
    ):
        raise ValueError(
            f"{op}: q {q.shape}, k {k.shape}, v {v.shape} do not fit: need (B, H, Lq, D) "
            "and (B, H, Lk, D) for both k and v"
        )
    batch, heads, q_len, head_dim = q.shape
    if head_dim > tiles.MAX_HEAD_DIM:
        raise ValueError(
            f"{op}: head dim {head_dim} is above the kernels' limit of {tiles.MAX_HEAD_DIM} "
            "(each thread holds head-dim-long rows in registers)"
        )
    xp = array_module(q)
    if key_padding_mask is None:
        mask = xp.zeros(1, dtype=np.uint8)
    elif key_padding_mask.shape != (batch, k.shape[2]) or key_padding_mask.dtype != np.bool_:
        raise ValueError(
            f"{op}: key_padding_mask must be bool of shape {(batch, k.shape[2])}, got "
            f"{key_padding_mask.dtype} {key_padding_mask.shape}"
        )
    else:
        mask = _flat(xp, key_padding_mask.astype(np.uint8))
    geometry = (batch, heads, q_len, k.shape[2], int(causal), key_padding_mask is not None)
    return _int32s(*geometry), mask


def _attention_launch(kernels, name, q, rows, args, geometry, scale):
    """Attention kernels give each thread one row (a query or a key) of one head."""
    batch, heads, _, head_dim = q.shape
    grid = (_blocks(rows, tiles.ROWS_PER_BLOCK), batch * heads, 1)
    launch = kernels.kernel(name, head_dim=head_dim)
    launch(grid, (tiles.ROWS_PER_BLOCK,), (*args, geometry, np.float32(scale)))


# ---- the optimizer's update --------------------------------------------------------------------


def adam_update(kernels, param, grad, m, v, *numbers):
    """One Adam step in place on float32 arrays of one shape: param, m and v C-contiguous (the
    kernel writes them), grad any layout. `numbers` are adam.cu's six float arguments."""
    _check_float32("adam_update", param, grad, m, v)
    if not param.shape == grad.shape == m.shape == v.shape:
        raise ValueError(
            f"adam_update kernel: param {param.shape}, grad {grad.shape}, m {m.shape} and "
            f"v {v.shape} must have one shape"
        )
    if not all(a.flags.c_contiguous for a in (param, m, v)):
        raise ValueError(
            "adam_update kernel: param, m and v must be C-contiguous (they are updated in place)"
        )
    if param.size == 0:
        return
    xp = array_module(param)
    flat = (param.reshape(-1), _flat(xp, grad), m.reshape(-1), v.reshape(-1))
    grid = (_blocks(param.size, tiles.ELEMENTWISE_THREADS), 1, 1)
    launch = kernels.kernel("adam_update")
    arguments = (*flat, _int32s(param.size), *map(np.float32, numbers))
    launch(grid, (tiles.ELEMENTWISE_THREADS,), arguments)


# ---- shared helpers -------------------------------------------------------------------------


def _check_float32(op, *arrays):
    for array in arrays:
        if array.dtype != np.float32:
            raise TypeError(f"{op} kernel: expected float32 arrays, got {array.dtype}")
        if array.size >= 2**31:
            raise ValueError(f"{op} kernel: {array.size} elements is over the 2**31 limit")


def _flat(xp, x):
    return xp.ascontiguousarray(x).reshape(-1)


def _flat_all(xp, *arrays):
    return tuple(_flat(xp, x) for x in arrays)


def _int32s(*values):
    return tuple(np.int32(v) for v in values)


def _blocks(size, per_block):
    return -(-size // per_block)
