"""Hand-written GPU kernels for minigrad's heaviest ops, twice: CUDA C and Numba CUDA.

    matmul        batched float32 matrix product: shared-memory tiles, 8x8 register tiles,
                  the next tiles fetched while the current ones are multiplied
    conv2d        forward, grad_input, grad_weight as implicit GEMM (im2col on the fly)
    attention     fused forward (online softmax, saves the log-sum-exp) and backward
                  (FlashAttention-2: probabilities recomputed from the saved log-sum-exp)
    adam_update   the Adam optimizer's step in one pass (one launch per parameter instead of
                  a dozen array operations)

Files, in reading order:
    cuda/tiled_gemm.cuh, cuda/matmul.cu, cuda/conv2d.cu, cuda/attention.cu,
    cuda/adam.cu                                                             CUDA C
    numba_matmul.py, numba_conv2d.py, numba_attention.py, numba_optim.py     the same in Numba
    tiles.py          the tile sizes, shared by both and by the launch code
    host.py           the launch code both share: checks, outputs, grid sizes
    cuda_source.py    the .cu text and compiler options (for CuPy, and for the nvcc tests)
    cupy_kernels.py, numba_kernels.py   where each implementation's compiled kernels come from
    vendor.py         cuBLAS / cuDNN (and unfused attention) behind the same functions
    dispatch.py       MINIGRAD_KERNELS=cupy|numba|vendor picks one (default cupy)

What the ops call (kernels.dispatch; CuPy float32 arrays in, CuPy arrays out):

    matmul(a, b)
        a (..., m, k), b (..., k, n), batch dims broadcast -> (..., m, n)
    conv2d_forward(x, w, stride, padding, dilation)
        x (N, C_in, H, W), w (C_out, C_in, kH, kW) -> y (N, C_out, H_out, W_out); no bias
    conv2d_grad_input(grad_y, w, input_shape, stride, padding, dilation) -> dL/dx
    conv2d_grad_weight(grad_y, x, weight_shape, stride, padding, dilation) -> dL/dw
        stride, dilation: (h, w) int pairs; padding: ((top, bottom), (left, right)), the
        form minigrad/ops/conv.py passes; groups = 1 only.
    attention_forward(q, k, v, scale, causal=False, key_padding_mask=None) -> (out, lse)
        q (B, H, Lq, D), k and v (B, H, Lk, D), D <= 64; out (B, H, Lq, D); lse (B, H, Lq),
        the log of each row's softmax denominator (of the scaled scores), kept for backward.
        key_padding_mask: bool (B, Lk), True marks padding keys (PyTorch's convention);
        causal hides key j from query i when j > i. A query that sees no key gets 0.
    attention_backward(q, k, v, out, lse, grad_out, scale, causal=False,
                       key_padding_mask=None) -> (grad_q, grad_k, grad_v)
    adam_update(param, grad, m, v, one_minus_beta1, beta2, one_minus_beta2, eps,
                step_size, bias_correction2_sqrt)
        in place on param, m, v (float32, one shape); no vendor version (NVIDIA has no Adam)

Where minigrad calls them, for float32 CuPy arrays:
    minigrad/ops/matmul.py      matmul_arrays: every product on the GPU, Linear's included
    minigrad/ops/conv.py        the Convolution Function's three steps (images, groups=1;
                                bias, groups and volumes stay in ops/conv.py)
    minigrad/ops/attention.py   FusedAttentionGPU, for head dim <= 64, no dropout, and masks
                                that only hide padding keys (or causal)
    minigrad/optim/adam.py      plain Adam/AdamW (not amsgrad) on float32 parameters
The Convolution Function, not the array functions of ops/conv.py, calls the kernels because
vendor.py falls back to those array functions where CuPy has no cuDNN, and would call itself.
The CPU never imports this package.
"""
