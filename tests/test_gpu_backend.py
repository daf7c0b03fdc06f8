"""The GPU backend: every core op gives the same values and gradients on 'cuda' (CuPy) as on
'cpu' (numpy), data crosses devices only through .to(), and asking for 'cuda' without a GPU
fails with an error that says what to do. The GPU tests are skipped without one.
"""

import pathlib
import subprocess
import sys

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.backend import device_of

needs_no_gpu = pytest.mark.skipif(mg.cuda.is_available(), reason="tests the no-GPU error")


@needs_no_gpu
@pytest.mark.parametrize(
    "make",
    [
        lambda: mg.tensor([1.0, 2.0], device="cuda"),
        lambda: mg.zeros(2, device="cuda"),
        lambda: mg.tensor([1.0]).to("cuda"),
        lambda: mg.nn.Sequential().to("cuda"),
        mg.cuda.synchronize,
    ],
)
def test_cuda_without_a_gpu_says_so_and_what_to_do(make):
    with pytest.raises(RuntimeError, match="no GPU is usable.*--device cpu"):
        make()


@needs_no_gpu
def test_minigrad_device_cuda_applies_to_lists_and_numbers_too(monkeypatch):
    monkeypatch.setenv("MINIGRAD_DEVICE", "cuda")
    for make in (lambda: mg.tensor([1.0, 2.0]), lambda: mg.tensor(3.0), lambda: mg.ones(2)):
        with pytest.raises(RuntimeError, match="no GPU is usable"):
            make()


def test_an_unknown_device_is_a_value_error():
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        mg.tensor([1.0], device="tpu")


def test_python_data_counts_as_host_data():
    assert device_of([1.0, 2.0]) == "cpu" and device_of(3) == "cpu"
    assert device_of(np.zeros(2)) == "cpu" and device_of(np.float32(1)) == "cpu"


# ---- on a GPU: the same numbers on both devices -------------------------------------------

rng = np.random.default_rng(0)
X = rng.standard_normal((3, 4)).astype(np.float32)
Y = rng.standard_normal((3, 4)).astype(np.float32)
POSITIVE = np.abs(X) + 0.5

INDEX = np.array([[0, 0, 3, 1], [2, 2, 2, 2], [1, 3, 0, 3]])  # repeats within rows

UNARY = {
    "neg": lambda x: -x,
    "exp": lambda x: x.exp(),
    "log": lambda x: (x * x + 1).log(),
    "sqrt": lambda x: (x * x + 1).sqrt(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "relu": lambda x: x.relu(),
    "gelu": lambda x: F.gelu(x),
    "abs": lambda x: x.abs(),
    "clamp": lambda x: x.clamp(-0.5, 0.5),
    "clamp_max_only": lambda x: x.clamp(max=0.2),
    "pow": lambda x: x**3,
    "sum": lambda x: x.sum(dim=1),
    "mean": lambda x: x.mean(),
    "max": lambda x: x.max(dim=0).values,
    "amin": lambda x: x.amin(dim=(0, 1)),
    "var": lambda x: x.var(dim=1),
    "std": lambda x: x.std(),
    "logsumexp": lambda x: x.logsumexp(dim=1),
    "softmax": lambda x: x.softmax(dim=-1),
    "log_softmax": lambda x: x.log_softmax(dim=0),
    "reshape": lambda x: x.reshape(2, 6) * 2,
    "permute": lambda x: x.T * 2,
    "expand": lambda x: x[:1].expand(5, 4) * 2,
    "getitem_slice": lambda x: x[1:, ::2] * 2,
    "getitem_repeated_ints": lambda x: x[[0, 0, 2]] * 2,
    "getitem_tensor_index": lambda x: x[mg.tensor(np.array([2, 0, 2]))] * 2,
    "getitem_bool_mask": lambda x: x[x > 0] * 2,
    "pad": lambda x: F.pad(x, (1, 2, 0, 1)) * 2,
    "cat": lambda x: mg.cat([x, x * 2], dim=1),
    "stack": lambda x: mg.stack([x, -x], dim=0),
    "matmul": lambda x: x @ x.T,
    "matmul_vector": lambda x: x @ mg.tensor(np.ones(4, dtype=np.float32), device=x.device),
    "where_numpy_condition": lambda x: mg.where(np.array([True, False, True, False]), x, 0.0),
    "float64": lambda x: x.double().exp().sum(),
    "gather_repeated": lambda x: x.gather(1, mg.tensor(INDEX, device=x.device)),
    "scatter_add_repeated": lambda x: x.scatter_add(1, mg.tensor(INDEX, device=x.device), x * 2),
    "scatter": lambda x: x.scatter(1, mg.tensor(INDEX[:, :1], device=x.device), x * 2),
    "index_select": lambda x: x.index_select(1, mg.tensor(INDEX[0])),
    "take_along_dim": lambda x: x.take_along_dim(mg.tensor(INDEX[:1], device=x.device), 1),
    "masked_fill": lambda x: x.masked_fill(x > 0, 0.5),
    "masked_select": lambda x: x.masked_select(x[0] > 0),
    "where_method": lambda x: x.where(x > 0, -x),
    "split_sections": lambda x: mg.cat([p * (k + 1) for k, p in enumerate(x.split([1, 3], 1))], 1),
    "chunk": lambda x: x.chunk(2)[1] * 2,
    "unbind": lambda x: mg.stack(x.unbind(1)[::-1]),
    "narrow": lambda x: x.narrow(1, 1, 2) * 2,
    "repeat": lambda x: x.repeat(2, 1, 3),
    "roll": lambda x: x.roll((1, -2), (0, 1)),
    "tril": lambda x: x.tril(1),
    "triu": lambda x: x.triu(-1),
    "movedim": lambda x: x.unflatten(1, (2, 2)).movedim(0, -1) * 2,
    "sort_descending": lambda x: x.sort(1, descending=True).values,
    "topk": lambda x: x.topk(2, dim=0).values,
    "cumsum": lambda x: x.cumsum(1),
    "cumprod_with_zeros": lambda x: (x * (x > -0.5)).cumprod(1),
    "prod": lambda x: x.prod(0),
    "norm": lambda x: x.norm(dim=1),
    "norm_inf": lambda x: x.norm(float("inf"), dim=0),
    "sin": lambda x: x.sin(),
    "cos": lambda x: mg.cos(x),
    "rsqrt": lambda x: (x * x + 1).rsqrt(),
    "round_sign_floor_ceil": lambda x: x.round() + x.sign() + x.floor() + x.ceil() + x,
    "nan_to_num": lambda x: x.where(x > 0, float("nan")).nan_to_num(nan=0.5),
    "new_ones": lambda x: x * x.new_ones(4),
}
BINARY = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y[0],
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / (y * y + 1),
    "pow": lambda x, y: (x * x + 1) ** y,
    "maximum": lambda x, y: mg.maximum(x, y),
    "minimum": lambda x, y: mg.minimum(x, y),
    "where": lambda x, y: mg.where(x > y, x, y),
    "lerp": lambda x, y: x.lerp(y, y.sigmoid()),
    "batched_matmul": lambda x, y: x.reshape(3, 2, 2) @ y.reshape(3, 2, 2),
    "mm": lambda x, y: x.mm(y.T),
    "bmm": lambda x, y: x.reshape(3, 2, 2).bmm(y.reshape(3, 2, 2)),
    "dot": lambda x, y: x[0].dot(y[1]),
    "outer": lambda x, y: mg.outer(x[0], y[1]),
    "einsum": lambda x, y: mg.einsum("bij,bkj->bik", x.reshape(3, 2, 2), y.reshape(3, 2, 2)),
    "einsum_ellipsis_three": lambda x, y: mg.einsum("...i,ij,jk", x, y.T, y),
}

# ops whose results carry no gradient (indices, masks): compared as values only
NO_GRAD = {
    "nonzero": lambda x: (x > 0).nonzero(),
    "nonzero_as_tuple": lambda x: mg.stack(mg.nonzero(x > 0, as_tuple=True)),
    "argsort": lambda x: x.argsort(0, descending=True),
    "topk_indices": lambda x: x.topk(3, largest=False).indices,
    "any": lambda x: (x > 1).any(1),
    "all": lambda x: (x > -2).all(),
    "isnan_isfinite": lambda x: (
        x.where(x > 0, float("nan")).isnan() | ~x.where(x > 1, float("inf")).isfinite()
    ),
    "isclose": lambda x: x.isclose(x + 1e-6),
}


def values_on(device, fn, array):
    out = fn(mg.tensor(array, device=device))
    assert out.device == device
    return out.numpy()


def run_on(device, fn, *arrays):
    """fn's output and the gradients of its inputs (for a fixed weighting of the output)."""
    tensors = [mg.tensor(a, device=device, requires_grad=True) for a in arrays]
    out = fn(*tensors)
    weights = np.random.default_rng(1).uniform(0.5, 1.5, out.shape).astype(out.dtype)
    (out * mg.tensor(weights, device=device)).sum().backward()
    assert out.device == device
    return [out.numpy()] + [
        np.zeros(a.shape) if t.grad is None else t.grad.numpy() for a, t in zip(arrays, tensors)
    ]


def assert_same_on_both_devices(fn, *arrays, rtol=1e-5, atol=1e-6):
    """fn's output and its inputs' gradients agree on 'cpu' and 'cuda' (see run_on)."""
    for cpu, cuda in zip(run_on("cpu", fn, *arrays), run_on("cuda", fn, *arrays)):
        np.testing.assert_allclose(cuda, cpu, rtol=rtol, atol=atol)


@pytest.mark.gpu
@pytest.mark.parametrize("name", UNARY)
def test_unary_op_matches_cpu_on_cuda(name):
    assert_same_on_both_devices(UNARY[name], X)


@pytest.mark.gpu
@pytest.mark.parametrize("name", BINARY)
def test_binary_op_matches_cpu_on_cuda(name):
    cpu_results = run_on("cpu", BINARY[name], X, Y)
    for cpu, cuda in zip(cpu_results, run_on("cuda", BINARY[name], X, Y)):
        np.testing.assert_allclose(cuda, cpu, rtol=1e-5, atol=1e-6)


@pytest.mark.gpu
@pytest.mark.parametrize("name", NO_GRAD)
def test_op_without_gradient_matches_cpu_on_cuda(name):
    cpu, cuda = values_on("cpu", NO_GRAD[name], X), values_on("cuda", NO_GRAD[name], X)
    np.testing.assert_array_equal(cuda, cpu)


@pytest.mark.gpu
def test_data_moves_only_through_to_and_gradients_come_back():
    x = mg.tensor(X, requires_grad=True)
    on_gpu = x.to("cuda")
    assert on_gpu.device == "cuda" and device_of(on_gpu.data) == "cuda"
    (on_gpu * 2).sum().backward()
    assert x.grad.device == "cpu"
    np.testing.assert_array_equal(x.grad.numpy(), np.full(X.shape, 2.0))
    with pytest.raises(RuntimeError, match="different devices"):
        x + on_gpu


@pytest.mark.gpu
def test_module_to_cuda_moves_parameters_and_assignment_takes_host_values():
    model = mg.nn.Sequential()
    model.register_parameter("w", mg.nn.Parameter(mg.tensor(X)))
    model.to("cuda")
    assert model.w.device == "cuda"
    with mg.no_grad():
        model.w[0] = np.arange(4, dtype=np.float32)
        model.w += 1
    np.testing.assert_array_equal(model.w.numpy()[0], np.arange(4) + 1)


@pytest.mark.gpu
@pytest.mark.slow
def test_lesson_one_runs_on_the_gpu():
    lesson = pathlib.Path(__file__).resolve().parents[1] / "lessons" / "01_linear_regression.py"
    if not lesson.exists():
        pytest.skip(f"{lesson.name} is not in this checkout")
    done = subprocess.run(
        [sys.executable, str(lesson), "--device", "cuda", "--quick"],
        cwd=lesson.parents[1],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]


# ---- on a GPU: the ops that run on the hand-written kernels of kernels/ ----------------------

IMAGES = rng.standard_normal((2, 3, 7, 6)).astype(np.float32)
FILTERS = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
BIAS = rng.standard_normal(4).astype(np.float32)
Q, K, V = (rng.standard_normal((2, 2, 5, 8)).astype(np.float32) for _ in range(3))
KEEP = np.array([[True] * 5, [True, True, True, False, False]])[:, None, None, :]

KERNEL_OPS = {
    "conv2d": (lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1), IMAGES, FILTERS, BIAS),
    "conv2d_dilated": (lambda x, w: F.conv2d(x, w, padding="same", dilation=2), IMAGES, FILTERS),
    "conv2d_one_image": (lambda x, w: F.conv2d(x, w, padding=1), IMAGES[0], FILTERS),
    "attention": (lambda q, k, v: F.scaled_dot_product_attention(q, k, v), Q, K, V),
    "attention_causal": (
        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True), Q, K, V
    ),
    "attention_padding": (
        lambda q, k, v: F.scaled_dot_product_attention(
            q, k, v, attn_mask=mg.tensor(KEEP, device=q.device)
        ),
        Q, K, V,
    ),
}


@pytest.mark.gpu
@pytest.mark.parametrize("name", KERNEL_OPS)
def test_kernel_backed_op_matches_cpu_on_cuda(name):
    assert_same_on_both_devices(*KERNEL_OPS[name], rtol=1e-4, atol=1e-5)


# ---- on a GPU: pooling, every option on the numpy/CuPy reference paths ----------------------

POOL_OPS = {
    "max_pool2d": lambda x: F.max_pool2d(x, 2),
    "max_pool2d_overlapping_padded": lambda x: F.max_pool2d(x, 3, stride=2, padding=1),
    "max_pool2d_dilated_ceil_mode": lambda x: F.max_pool2d(
        x, (3, 2), stride=2, padding=1, dilation=(1, 2), ceil_mode=True
    ),
    "max_pool2d_one_image": lambda x: F.max_pool2d(x[0], 3, stride=2, padding=1),
    "avg_pool2d": lambda x: F.avg_pool2d(x, 2),
    "avg_pool2d_ceil_mode": lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
    "avg_pool2d_real_pixels_ceil_mode": lambda x: F.avg_pool2d(
        x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False
    ),
    "avg_pool2d_divisor_override": lambda x: F.avg_pool2d(x, 3, stride=2, divisor_override=4),
    "adaptive_avg_pool2d": lambda x: F.adaptive_avg_pool2d(x, (4, 5)),
    "adaptive_avg_pool2d_one_image": lambda x: F.adaptive_avg_pool2d(x[0], (None, 4)),
    "adaptive_max_pool2d": lambda x: F.adaptive_max_pool2d(x, (4, 5)),
    "adaptive_max_pool2d_one_image": lambda x: F.adaptive_max_pool2d(x[0], 3),
}
POOL_INDICES = {
    "max_pool2d": lambda x: F.max_pool2d(
        x, 3, stride=2, padding=1, dilation=2, ceil_mode=True, return_indices=True
    ),
    "adaptive_max_pool2d": lambda x: F.adaptive_max_pool2d(x, (4, 5), return_indices=True),
}


@pytest.mark.gpu
@pytest.mark.parametrize("name", POOL_OPS)
def test_pool_matches_cpu_on_cuda(name):
    cpu_results = run_on("cpu", POOL_OPS[name], IMAGES)
    for cpu, cuda in zip(cpu_results, run_on("cuda", POOL_OPS[name], IMAGES)):
        np.testing.assert_allclose(cuda, cpu, rtol=1e-5, atol=1e-6)


def assert_same_indices_on_both_devices(pool):
    """The indices a pool returns: int64, on the input's device, the same on both devices."""
    on_cpu = pool(mg.tensor(IMAGES))[1]
    on_cuda = pool(mg.tensor(IMAGES, device="cuda"))[1]
    assert on_cuda.device == "cuda" and on_cuda.dtype == on_cpu.dtype == np.int64
    np.testing.assert_array_equal(on_cuda.numpy(), on_cpu.numpy())


@pytest.mark.gpu
@pytest.mark.parametrize("name", POOL_INDICES)
def test_pool_indices_match_cpu_on_cuda(name):
    assert_same_indices_on_both_devices(POOL_INDICES[name])
