"""Adam's update of one parameter tensor as a Numba CUDA kernel: kernels/cuda/adam.cu in
Python (that file says why one pass beats a dozen array operations). One thread per element;
the same formulas, in the same order, as minigrad/optim/adam.py."""

import math

from numba import cuda


@cuda.jit
def adam_update(param, grad, m, v, geometry, one_minus_beta1, beta2, one_minus_beta2, eps,
                step_size, bias_correction2_sqrt):
    i = cuda.grid(1)
    if i >= geometry[0]:
        return
    gradient = grad[i]
    m_i = m[i] + one_minus_beta1 * (gradient - m[i])
    v_i = beta2 * v[i] + one_minus_beta2 * gradient * gradient
    m[i] = m_i
    v[i] = v_i
    param[i] -= step_size * (m_i / (math.sqrt(v_i) / bias_correction2_sqrt + eps))
