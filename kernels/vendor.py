"""NVIDIA's libraries through CuPy, behind the functions of our kernels (MINIGRAD_KERNELS=vendor).

matmul      cupy.matmul, which calls cuBLAS's SGEMM (strided-batched for a batch). CuPy keeps
            TF32 off unless CUPY_TF32=1, so it computes in float32 as our kernels do.
conv2d      cuDNN through CuPy's binding `cupyx.cudnn` where it exists (CuPy 13 and older, with
            cuDNN installed; tensor_core='never'). CuPy 14 removed that binding; there, and for
            padding cuDNN cannot express (unequal sides), conv2d falls back to im2col + cuBLAS:
            minigrad's own array code in minigrad/ops/conv.py on CuPy arrays, whose products
            are cupy.matmul calls. On Ampere and later, cuDNN may still pick TF32 for float32
            unless NVIDIA_TF32_OVERRIDE=0 is set (bench/gpu_kernels.py sets it).
attention   CuPy has no fused attention, so 'vendor' is the unfused composition
            softmax(scale · q kᵀ) v with cuBLAS products: the (Lq x Lk) scores of every head
            go through device memory. It is the "naive" baseline of the benchmark.

Written with `array_module`, so the attention functions also run on numpy arrays.
"""

import math

from kernels.host import conv_output_shape
from minigrad.backend import array_module


def matmul(a, b):
    return array_module(a).matmul(a, b)


def conv2d_forward(x, w, stride, padding, dilation):
    cudnn = _cudnn(padding)
    if cudnn is None:
        return _im2col_conv().conv2d_forward(x, w, None, stride, padding, dilation, 1)
    y_shape = conv_output_shape("conv2d_forward", x.shape, w.shape, stride, padding, dilation)
    y = array_module(x).empty(y_shape, dtype=x.dtype)
    cudnn.convolution_forward(x, w, None, y, *_cudnn_geometry(stride, padding, dilation), **FP32)
    return y


def conv2d_grad_input(grad_y, w, input_shape, stride, padding, dilation):
    cudnn = _cudnn(padding)
    if cudnn is None:
        conv = _im2col_conv()
        return conv.conv2d_grad_input(grad_y, w, input_shape, stride, padding, dilation, 1)
    grad_x = array_module(w).empty(input_shape, dtype=w.dtype)
    geometry = _cudnn_geometry(stride, padding, dilation)
    cudnn.convolution_backward_data(w, grad_y, None, grad_x, *geometry, deterministic=False, **FP32)
    return grad_x


def conv2d_grad_weight(grad_y, x, weight_shape, stride, padding, dilation):
    cudnn = _cudnn(padding)
    if cudnn is None:
        conv = _im2col_conv()
        return conv.conv2d_grad_weight(grad_y, x, weight_shape, stride, padding, dilation, 1)
    grad_w = array_module(x).empty(weight_shape, dtype=x.dtype)
    geometry = _cudnn_geometry(stride, padding, dilation)
    cudnn.convolution_backward_filter(x, grad_y, grad_w, *geometry, deterministic=False, **FP32)
    return grad_w


# cupyx.cudnn options: plain float32 (no tensor cores), the algorithm cuDNN's heuristic picks
FP32 = {"auto_tune": False, "tensor_core": "never"}


def _cudnn(padding):
    """CuPy's cuDNN module, or None where it is missing or the padding is lopsided."""
    (top, bottom), (left, right) = padding
    if top != bottom or left != right:
        return None
    try:
        from cupyx import cudnn
    except ImportError:
        return None
    return cudnn


def _cudnn_geometry(stride, padding, dilation):
    """(pad, stride, dilation, groups) as cupyx.cudnn takes them (one pad per dim)."""
    return (padding[0][0], padding[1][0]), tuple(stride), tuple(dilation), 1


def _im2col_conv():
    from minigrad.ops import conv

    return conv


def attention_forward(q, k, v, scale, causal, key_padding_mask):
    scores = _masked_scores(q, k, scale, causal, key_padding_mask)
    xp = array_module(scores)
    row_max = scores.max(axis=-1, keepdims=True)
    row_max = xp.where(xp.isfinite(row_max), row_max, 0)  # a fully hidden row: avoid inf - inf
    lse = (xp.log(xp.exp(scores - row_max).sum(axis=-1, keepdims=True)) + row_max)[..., 0]
    return _probabilities(scores, lse) @ v, lse


def attention_backward(q, k, v, out, lse, grad_out, scale, causal, key_padding_mask):
    p = _probabilities(_masked_scores(q, k, scale, causal, key_padding_mask), lse)
    grad_p = grad_out @ v.swapaxes(-1, -2)
    delta = (grad_out * out).sum(axis=-1, keepdims=True)
    grad_scores = p * (grad_p - delta)
    grad_q = (grad_scores @ k) * scale
    grad_k = (grad_scores.swapaxes(-1, -2) @ q) * scale
    return grad_q, grad_k, p.swapaxes(-1, -2) @ grad_out


def _masked_scores(q, k, scale, causal, key_padding_mask):
    """scale · q kᵀ with -inf where a key is hidden from a query."""
    xp = array_module(q)
    scores = (q @ k.swapaxes(-1, -2)) * scale
    q_len, k_len = scores.shape[-2:]
    hidden = xp.zeros((q_len, k_len), dtype=bool)
    if causal:
        hidden = xp.triu(xp.ones((q_len, k_len), dtype=bool), k=1)
    if key_padding_mask is not None:
        hidden = hidden | key_padding_mask[:, None, None, :]
    return xp.where(hidden, -math.inf, scores).astype(scores.dtype, copy=False)


def _probabilities(scores, lse):
    """exp(scores - lse) row by row; rows that see no key (lse = -inf) are all zero."""
    xp = array_module(scores)
    lse = xp.where(xp.isfinite(lse), lse, 0)[..., None]
    return xp.exp(scores - lse)
