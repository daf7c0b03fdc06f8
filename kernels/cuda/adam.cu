// Adam's update of one parameter tensor, in one pass over memory.
//
// Why a kernel, for students: written with array operations, one Adam step is about a dozen
// GPU launches per parameter (g − m, its scaling, the add, v's three, the square root, the
// divisions, the final subtract), each reading and writing whole arrays and each costing a
// launch. For a small model the launches, not the arithmetic, take the time. Here one
// thread updates one element, reading θ, g, m and v once and writing θ, m and v once:
//
//     m ← m + (1 − β₁)(g − m),   v ← β₂v + (1 − β₂)g²,
//     θ ← θ − step_size · m / (√v / √(1 − β₂ᵗ) + ε),   step_size = γ / (1 − β₁ᵗ)
//
// the formulas of minigrad/optim/adam.py, in the same order of operations. The host computes
// step_size and √(1 − β₂ᵗ) once per step. ELEMENTWISE_THREADS comes from kernels/tiles.py.

struct ElementwiseGeometry {
    int n;  // elements in each array
};

extern "C" __global__ void __launch_bounds__(ELEMENTWISE_THREADS)
adam_update(float* param, const float* grad, float* m, float* v, ElementwiseGeometry g,
            float one_minus_beta1, float beta2, float one_minus_beta2, float eps,
            float step_size, float bias_correction2_sqrt) {
    const int i = blockIdx.x * ELEMENTWISE_THREADS + threadIdx.x;
    if (i >= g.n) return;
    const float gradient = grad[i];
    const float m_i = m[i] + one_minus_beta1 * (gradient - m[i]);
    const float v_i = beta2 * v[i] + one_minus_beta2 * gradient * gradient;
    m[i] = m_i;
    v[i] = v_i;
    param[i] -= step_size * (m_i / (sqrtf(v_i) / bias_correction2_sqrt + eps));
}
