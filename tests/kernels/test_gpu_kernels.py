"""The kernels on a real GPU: every implementation MINIGRAD_KERNELS can pick (cupy, numba,
vendor) against the minigrad references the CPU tests use, on and off the tile grid.

Errors are measured as ||got - want|| / ||want||: float32 lands far under 1e-5 at these sizes,
while TF32 (a library quietly using the tensor cores' reduced precision) would give about
3e-4, so these tests also catch that. Skipped without a GPU (see tests/conftest.py).
"""

import numpy as np
import pytest

from kernels import dispatch
from tests.kernels import reference

pytestmark = pytest.mark.gpu


@pytest.fixture(params=dispatch.CHOICES)
def implementation(request, monkeypatch):
    monkeypatch.setenv("MINIGRAD_KERNELS", request.param)
    return request.param


def on_gpu(*arrays):
    import cupy

    return [None if a is None else cupy.asarray(a) for a in arrays]


def float32s(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape).astype(np.float32) for shape in shapes]


def assert_close(got, want, name="", tolerance=1e-5):
    got = got.get() if hasattr(got, "get") else got
    assert got.shape == want.shape, name
    finite = np.isfinite(want)
    assert np.array_equal(got[~finite], want[~finite]), name  # -inf where a query sees nothing
    error = np.linalg.norm(got[finite] - want[finite]) / max(np.linalg.norm(want[finite]), 1e-30)
    assert error < tolerance, f"{name}: relative error {error:.2e}"


@pytest.mark.parametrize(
    "a_shape, b_shape",
    [
        ((256, 128), (128, 384)),  # on the tile grid
        ((2, 37, 29), (2, 29, 41)),  # off it
        ((3, 130, 36), (36, 132)),  # float4 rows, one weight for the batch
        ((4, 1, 5, 6), (3, 6, 7)),  # broadcast batch dims
        ((2, 8, 0), (2, 0, 5)),  # empty inner dim: zeros
    ],
)
def test_matmul(implementation, a_shape, b_shape):
    a, b = float32s(a_shape, b_shape)
    assert_close(dispatch.matmul(*on_gpu(a, b)), a.astype(np.float64) @ b)


CONV_CASES = [
    # x shape, weight shape, stride, ((top, bottom), (left, right)), dilation
    ((1, 3, 9, 11), (5, 3, 3, 3), (2, 2), ((1, 1), (1, 1)), (2, 2)),
    ((2, 2, 7, 8), (3, 2, 2, 3), (1, 2), ((1, 0), (2, 1)), (1, 1)),
    ((4, 16, 28, 28), (32, 16, 3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1)),
    ((2, 64, 14, 14), (128, 64, 1, 1), (2, 2), ((0, 0), (0, 0)), (1, 1)),
]


@pytest.mark.parametrize("x_shape, w_shape, stride, padding, dilation", CONV_CASES)
def test_conv2d_forward_and_gradients(implementation, x_shape, w_shape, stride, padding, dilation):
    import minigrad as mg

    y_shape = reference.conv2d(
        mg.zeros(x_shape), mg.zeros(w_shape), stride, padding, dilation
    ).shape
    x, w, grad_y = float32s(x_shape, w_shape, y_shape)
    y, dx, dw = reference.conv2d_with_grads(x, w, grad_y, stride, padding, dilation)
    geometry = dict(stride=stride, padding=padding, dilation=dilation)
    x_gpu, w_gpu, grad_y_gpu = on_gpu(x, w, grad_y)
    assert_close(dispatch.conv2d_forward(x_gpu, w_gpu, **geometry), y, "y")
    assert_close(dispatch.conv2d_grad_input(grad_y_gpu, w_gpu, x.shape, **geometry), dx, "dx")
    assert_close(dispatch.conv2d_grad_weight(grad_y_gpu, x_gpu, w.shape, **geometry), dw, "dw")


ATTENTION_CASES = [
    # batch, heads, q_len, k_len, head_dim, causal, padded keys of batch entry 0
    (1, 2, 13, 13, 8, False, None),
    (1, 2, 70, 70, 8, True, [0, 1, 60, 69]),
    (2, 1, 13, 37, 8, False, [3, 36]),
    (2, 4, 200, 200, 64, True, [150, 199]),
    (1, 2, 33, 129, 20, False, None),
]


@pytest.mark.parametrize("batch, heads, q_len, k_len, head_dim, causal, padded", ATTENTION_CASES)
def test_attention_forward_and_backward(
    implementation, batch, heads, q_len, k_len, head_dim, causal, padded
):
    queries, keys = (batch, heads, q_len, head_dim), (batch, heads, k_len, head_dim)
    q, k, v, grad_out = float32s(queries, keys, keys, queries)
    mask = None
    if padded is not None:
        mask = np.zeros((batch, k_len), dtype=bool)
        mask[0, padded] = True
    scale = head_dim**-0.5
    expected = reference.attention_with_grads(q, k, v, grad_out, scale, causal, mask)
    gpu = on_gpu(q, k, v, mask, grad_out)
    out, lse = dispatch.attention_forward(*gpu[:3], scale, causal, gpu[3])
    grads = dispatch.attention_backward(*gpu[:3], out, lse, gpu[4], scale, causal, gpu[3])
    for name, got, want in zip(("out", "lse", "dq", "dk", "dv"), (out, lse, *grads), expected):
        assert_close(got, want, name)


def test_minigrad_matmul_on_the_gpu_runs_the_chosen_kernel(implementation, monkeypatch):
    import minigrad as mg
    from kernels import host

    launched = []
    original = host.matmul
    monkeypatch.setattr(host, "matmul", lambda *args: launched.append(1) or original(*args))
    a, b = float32s((3, 5, 7), (7, 4))
    a_gpu = mg.tensor(a, device="cuda", requires_grad=True)
    b_gpu = mg.tensor(b, device="cuda", requires_grad=True)
    (a_gpu @ b_gpu).sum().backward()
    expected_launches = 0 if implementation == "vendor" else 3  # forward, grad of a, grad of b
    assert len(launched) == expected_launches
    assert_close(a_gpu.grad.data, np.broadcast_to(b.sum(axis=1), (3, 5, 7)).astype(np.float64))
    assert_close(b_gpu.grad.data, a.sum(axis=(0, 1))[:, None].repeat(4, axis=1).astype(np.float64))


def test_adam_update_kernel_matches_the_formulas(implementation):
    if implementation == "vendor":
        pytest.skip("NVIDIA's libraries have no Adam: optim.Adam keeps its array lines")
    param, m, grad = float32s((1000,), (1000,), (1000,))
    v = np.abs(float32s((1000,), seed=1)[0]) + np.float32(0.1)
    numbers = (0.1, 0.999, 0.001, 1e-8, 0.01 / (1 - 0.9**3), (1 - 0.999**3) ** 0.5)
    gpu = on_gpu(param, grad, m, v)
    dispatch.adam_update(*gpu, *numbers)
    one_minus_beta1, beta2, one_minus_beta2, eps, step_size, correction = numbers
    g = grad.astype(np.float64)
    want_m = m + one_minus_beta1 * (g - m)
    want_v = beta2 * v + one_minus_beta2 * g * g
    want_param = param - step_size * want_m / (np.sqrt(want_v) / correction + eps)
    for name, got, want in zip(("param", "m", "v"), (gpu[0], gpu[2], gpu[3]),
                               (want_param, want_m, want_v)):
        assert_close(got, want, name)
