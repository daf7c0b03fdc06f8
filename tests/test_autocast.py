"""mg.autocast: each listed op's output dtype inside and outside a region (the lists are
PyTorch's, aten/src/ATen/autocast_mode.h), gradients in the parameters' dtype and equal to the
same computation with explicit casts, nesting, enabled=False, the decorator, the cast cache,
our errors, and a run on the CuPy stand-in."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import autograd, nn

F16, F32, F64 = mg.float16, mg.float32, mg.float64


def floats(*shape, dtype=F32):
    return mg.randn(*shape, dtype=dtype)


def classes(*shape):
    return mg.randint(0, 3, shape)


def signs(*shape, dtype=F32):
    return (mg.randint(0, 2, shape) * 2 - 1).to(dtype)


# name -> a function of the float dtype of its inputs, returning the op's output
LOWER_PRECISION_OPS = {
    "matmul": lambda d: mg.matmul(floats(2, 3, dtype=d), floats(3, 4, dtype=d)),
    "@": lambda d: floats(3, dtype=d) @ floats(3, 2, dtype=d),
    "mm": lambda d: mg.mm(floats(2, 3, dtype=d), floats(3, 4, dtype=d)),
    "bmm": lambda d: mg.bmm(floats(2, 2, 3, dtype=d), floats(2, 3, 4, dtype=d)),
    "linear": lambda d: F.linear(floats(2, 3, dtype=d), floats(4, 3, dtype=d), floats(4, dtype=d)),
    "conv1d": lambda d: F.conv1d(floats(1, 2, 5, dtype=d), floats(3, 2, 2, dtype=d)),
    "conv2d": lambda d: F.conv2d(floats(1, 2, 4, 4, dtype=d), floats(3, 2, 2, 2, dtype=d),
                                 floats(3, dtype=d)),
    "conv_transpose1d": lambda d: F.conv_transpose1d(floats(1, 2, 4, dtype=d),
                                                     floats(2, 3, 2, dtype=d)),
    "conv_transpose2d": lambda d: F.conv_transpose2d(floats(1, 2, 3, 3, dtype=d),
                                                     floats(2, 3, 2, 2, dtype=d)),
    "einsum": lambda d: mg.einsum("ij,jk->ik", floats(2, 3, dtype=d), floats(3, 4, dtype=d)),
    "prelu": lambda d: F.prelu(floats(2, 3, dtype=d), floats(1, dtype=d)),
    "scaled_dot_product_attention": lambda d: F.scaled_dot_product_attention(
        floats(2, 3, 4, dtype=d), floats(2, 5, 4, dtype=d), floats(2, 5, 4, dtype=d),
        attn_mask=floats(3, 5, dtype=d)),
}

FP32_OPS = {
    "exp": lambda d: floats(3, dtype=d).exp(),
    "log": lambda d: floats(3, dtype=d).abs().log(),
    "pow (scalar)": lambda d: floats(3, dtype=d) ** 2,
    "pow (tensor)": lambda d: floats(3, dtype=d).abs() ** floats(3, dtype=d),
    "rsqrt": lambda d: mg.rsqrt(floats(3, dtype=d).abs()),
    "softplus": lambda d: F.softplus(floats(3, dtype=d)),
    "sum": lambda d: floats(2, 3, dtype=d).sum(),
    "prod": lambda d: mg.prod(floats(2, 3, dtype=d), dim=1),
    "cumsum": lambda d: mg.cumsum(floats(4, dtype=d), 0),
    "cumprod": lambda d: mg.cumprod(floats(4, dtype=d), 0),
    "softmax": lambda d: F.softmax(floats(2, 3, dtype=d), dim=-1),
    "log_softmax": lambda d: F.log_softmax(floats(2, 3, dtype=d), dim=-1),
    "logsumexp": lambda d: mg.logsumexp(floats(2, 3, dtype=d), dim=1),
    "norm": lambda d: mg.norm(floats(2, 3, dtype=d)),
    "layer_norm": lambda d: F.layer_norm(floats(2, 3, dtype=d), (3,), floats(3, dtype=d),
                                             floats(3, dtype=d)),
    "group_norm": lambda d: F.group_norm(floats(2, 4, 3, dtype=d), 2),
    "cdist": lambda d: mg.cdist(floats(2, 3, dtype=d), floats(4, 3, dtype=d)),
    "dist": lambda d: mg.dist(floats(3, dtype=d), floats(3, dtype=d)),
    "cosine_similarity": lambda d: F.cosine_similarity(floats(2, 3, dtype=d), floats(2, 3, dtype=d)),
    "normalize": lambda d: F.normalize(floats(2, 3, dtype=d)),
    "interpolate": lambda d: F.interpolate(floats(1, 1, 2, 2, dtype=d), scale_factor=2,
                                           mode="bilinear"),
    "cross_entropy": lambda d: F.cross_entropy(floats(4, 3, dtype=d), classes(4)),
    "nll_loss": lambda d: F.nll_loss(floats(4, 3, dtype=d), classes(4)),
    "mse_loss": lambda d: F.mse_loss(floats(3, dtype=d), floats(3, dtype=d)),
    "l1_loss": lambda d: F.l1_loss(floats(3, dtype=d), floats(3, dtype=d)),
    "smooth_l1_loss": lambda d: F.smooth_l1_loss(floats(3, dtype=d), floats(3, dtype=d)),
    "huber_loss": lambda d: F.huber_loss(floats(3, dtype=d), floats(3, dtype=d)),
    "kl_div": lambda d: F.kl_div(floats(3, dtype=d), floats(3, dtype=d).abs()),
    "binary_cross_entropy_with_logits": lambda d: F.binary_cross_entropy_with_logits(
        floats(3, dtype=d), floats(3, dtype=d).sigmoid()),
    "poisson_nll_loss": lambda d: F.poisson_nll_loss(floats(3, dtype=d), floats(3, dtype=d).abs()),
    "margin_ranking_loss": lambda d: F.margin_ranking_loss(floats(3, dtype=d), floats(3, dtype=d),
                                                           signs(3, dtype=d)),
    "hinge_embedding_loss": lambda d: F.hinge_embedding_loss(floats(3, dtype=d), signs(3, dtype=d)),
    "cosine_embedding_loss": lambda d: F.cosine_embedding_loss(
        floats(2, 3, dtype=d), floats(2, 3, dtype=d), signs(2, dtype=d)),
    "triplet_margin_loss": lambda d: F.triplet_margin_loss(
        floats(2, 3, dtype=d), floats(2, 3, dtype=d), floats(2, 3, dtype=d)),
    "soft_margin_loss": lambda d: F.soft_margin_loss(floats(3, dtype=d), signs(3, dtype=d)),
    "multi_margin_loss": lambda d: F.multi_margin_loss(floats(4, 3, dtype=d), classes(4)),
    "multilabel_margin_loss": lambda d: F.multilabel_margin_loss(
        floats(2, 3, dtype=d), mg.tensor([[0, -1, 1], [2, 1, -1]]).long()),
}

# of several inputs: run in the widest float dtype (float16 next to float32 gives float32)
PROMOTE_OPS = {
    "dot": lambda d: mg.dot(floats(3, dtype=d), floats(3)),
    "cross": lambda d: mg.cross(floats(2, 3, dtype=d), floats(2, 3), dim=1),
    "tensordot": lambda d: mg.tensordot(floats(2, 3, dtype=d), floats(3, 2), dims=1),
    "bilinear": lambda d: F.bilinear(floats(2, 3, dtype=d), floats(2, 2), floats(4, 3, 2)),
    "scatter_add": lambda d: mg.scatter_add(floats(3, dtype=d), 0, mg.tensor([0, 2]).long(),
                                            floats(2)),
}

# on no list: the inputs' dtype, and numpy's (= PyTorch's) promotion where they differ
UNLISTED_OPS = {
    "relu": lambda d: F.relu(floats(3, dtype=d)),
    "tanh": lambda d: floats(3, dtype=d).tanh(),
    "mean": lambda d: floats(3, dtype=d).mean(),
    "add": lambda d: floats(3, dtype=d) + floats(3, dtype=d),
    "batch_norm": lambda d: F.batch_norm(floats(4, 2, dtype=d), None, None, training=True),
}


def run(op, dtype, region=True):
    mg.manual_seed(0)
    if not region:
        return op(dtype)
    with mg.autocast("cpu"):
        return op(dtype)


@pytest.mark.parametrize("name", LOWER_PRECISION_OPS)
def test_lower_precision_ops_run_in_float16_inside_autocast_only(name):
    op = LOWER_PRECISION_OPS[name]
    assert run(op, F32).dtype == F16
    assert run(op, F32, region=False).dtype == F32
    assert run(op, F64).dtype == F64  # float64 is never lowered, as in PyTorch


@pytest.mark.parametrize("name", FP32_OPS)
def test_fp32_ops_run_in_float32_inside_autocast_only(name):
    op = FP32_OPS[name]
    assert run(op, F16).dtype == F32
    assert run(op, F16, region=False).dtype == F16
    assert run(op, F64).dtype == F64


@pytest.mark.parametrize("name", PROMOTE_OPS)
def test_promote_ops_run_in_the_widest_input_dtype_inside_autocast(name):
    assert run(PROMOTE_OPS[name], F16).dtype == F32


@pytest.mark.parametrize("name", UNLISTED_OPS)
def test_unlisted_ops_keep_their_inputs_dtype(name):
    assert run(UNLISTED_OPS[name], F16).dtype == F16


def test_mixed_dtypes_promote_as_in_pytorch():
    with mg.autocast("cpu"):
        product = floats(2, 3) @ floats(3, 3)  # float16
        assert (product + floats(2, 3)).dtype == F32
        assert mg.cat([product, floats(2, 3)]).dtype == F32
        assert mg.stack([product, floats(2, 3)]).dtype == F32


def test_the_values_are_the_float16_computation():
    a, b = floats(4, 5), floats(5, 3)
    with mg.autocast("cpu"):
        got = (a @ b).numpy()
    np.testing.assert_array_equal(got, a.numpy().astype(np.float16) @ b.numpy().astype(np.float16))


# ---- gradients -----------------------------------------------------------------------------
def small_model():
    mg.manual_seed(3)
    return nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3))


def test_gradients_arrive_in_float32_and_equal_the_computation_with_explicit_casts():
    x, y = floats(6, 5), classes(6)
    model = small_model()
    with mg.autocast("cpu"):
        loss = F.cross_entropy(model(x), y)
    assert loss.dtype == F32
    loss.backward()
    auto = [p.grad for p in model.parameters()]
    assert [g.dtype for g in auto] == [F32] * 4

    model.zero_grad()
    (w1, b1), (w2, b2) = (model[0].weight, model[0].bias), (model[2].weight, model[2].bias)
    hidden = F.linear(x.half(), w1.half(), b1.half()).relu()
    F.cross_entropy(F.linear(hidden, w2.half(), b2.half()).float(), y).backward()
    for got, expected in zip(auto, (p.grad for p in model.parameters())):
        np.testing.assert_array_equal(got.numpy(), expected.numpy())


def test_a_conv_net_trains_under_autocast_as_with_explicit_casts():
    mg.manual_seed(4)
    conv, norm = nn.Conv2d(2, 3, 3, padding=1), nn.LayerNorm(3 * 5 * 5)
    x = floats(2, 2, 5, 5, dtype=F32).requires_grad_()
    with mg.autocast("cpu"):
        loss = norm(conv(x).flatten(1)).sum()  # conv in float16, layer norm and sum in float32
    loss.backward()
    auto = [t.grad for t in (x, conv.weight, conv.bias, norm.weight)]
    assert [g.dtype for g in auto] == [F32] * 4
    x.grad = None
    for p in (*conv.parameters(), *norm.parameters()):
        p.grad = None
    hidden = F.conv2d(x.half(), conv.weight.half(), conv.bias.half(), padding=1)
    norm(hidden.flatten(1).float()).sum().backward()
    for got, t in zip(auto, (x, conv.weight, conv.bias, norm.weight)):
        np.testing.assert_array_equal(got.numpy(), t.grad.numpy())


def test_the_graph_records_each_cast():
    w = nn.Parameter(floats(4, 3))
    with mg.autocast("cpu"):
        y = F.linear(floats(2, 3), w)
    weight_path = y.grad_fn.next_functions[1][0]
    assert weight_path.name() == "CastBackward0"
    assert weight_path.next_functions[0][0].variable is w


def test_a_weight_used_twice_is_cast_once_and_gets_both_gradients():
    w, x = nn.Parameter(floats(4, 3)), floats(2, 3)
    with mg.autocast("cpu"):
        first, second = F.linear(x, w), F.linear(x, w)
    assert first.grad_fn.next_functions[1][0] is second.grad_fn.next_functions[1][0]
    (first.float().sum() + second.float().sum()).backward()
    expected = 2 * x.numpy().astype(np.float16).sum(0).astype(np.float32)
    np.testing.assert_allclose(w.grad.numpy(), np.broadcast_to(expected, (4, 3)), rtol=1e-3)
    with mg.autocast("cpu", cache_enabled=False):
        first, second = F.linear(x, w), F.linear(x, w)
    assert first.grad_fn.next_functions[1][0] is not second.grad_fn.next_functions[1][0]


def test_the_cast_cache_is_not_reused_after_backward_freed_it():
    w, x = nn.Parameter(floats(4, 3)), floats(2, 3)
    with mg.autocast("cpu"):
        F.linear(x, w).float().sum().backward()
        F.linear(x, w).float().sum().backward()  # a fresh cast: the first one's graph is gone
    assert w.grad.dtype == F32


# ---- the region ----------------------------------------------------------------------------
def test_nesting_enabled_false_and_leaving_restore_the_state():
    a, b = floats(2, 3), floats(3, 2)
    assert not mg.is_autocast_enabled("cpu")
    with mg.autocast("cpu"):
        assert mg.is_autocast_enabled("cpu") and not mg.is_autocast_enabled("cuda")
        assert mg.get_autocast_dtype("cpu") == F16
        with mg.autocast("cpu", enabled=False):
            assert (a @ b).dtype == F32 and not mg.is_autocast_enabled("cpu")
            with mg.autocast("cpu"):
                assert (a @ b).dtype == F16
            assert (a @ b).dtype == F32
        assert (a @ b).dtype == F16
    assert (a @ b).dtype == F32
    assert autograd.autocast_hook is None  # outside, ops pay nothing more than this check


def test_a_region_on_one_device_type_leaves_the_other_alone():
    with mg.autocast("cuda"):
        assert (floats(2, 3) @ floats(3, 2)).dtype == F32  # cpu tensors


def test_an_exception_inside_leaves_autocast_off():
    with pytest.raises(KeyError), mg.autocast("cpu"):
        raise KeyError("inside the region")
    assert autograd.autocast_hook is None and not mg.is_autocast_enabled("cpu")


def test_autocast_as_a_decorator():
    @mg.autocast("cpu")
    def product(a, b):
        return a @ b

    assert product(floats(2, 3), floats(3, 2)).dtype == F16
    assert (floats(2, 3) @ floats(3, 2)).dtype == F32
    assert mg.amp.autocast is mg.autocast


def test_a_listed_composite_runs_its_insides_without_autocast():
    """cdist is on the fp32 list; it uses a matmul inside, which must not be lowered again."""
    x = floats(3, 4, dtype=F16)
    with mg.autocast("cpu"):
        got = mg.cdist(x, x)
    np.testing.assert_allclose(got.numpy(), mg.cdist(x.float(), x.float()).numpy(), rtol=1e-6)


# ---- our errors ----------------------------------------------------------------------------
@pytest.mark.parametrize("device_type, error, message", [
    ("gpu", ValueError, "autocast: device_type must be 'cpu' or 'cuda'.*got 'gpu'"),
    ("cuda:0", ValueError, "without an index"),
    (0, TypeError, "autocast: device_type must be a string"),
])
def test_bad_device_type_is_refused(device_type, error, message):
    with pytest.raises(error, match=message):
        mg.autocast(device_type)


@pytest.mark.parametrize("dtype, message", [
    ("bfloat16", r"dtype 'bfloat16' is not one minigrad has \(numpy has no bfloat16\)"),
    (F32, "dtype must be float16.*got float32"),
    (mg.int32, "dtype must be float16.*got int32"),
])
def test_bad_dtype_is_refused(dtype, message):
    with pytest.raises(TypeError, match=f"autocast: {message}"):
        mg.autocast("cpu", dtype=dtype)


def test_binary_cross_entropy_is_refused_under_cuda_autocast_only(standin_gpu):
    p, t = floats(3).sigmoid(), floats(3).sigmoid()
    with mg.autocast("cpu"):
        assert F.binary_cross_entropy(p.half(), t).dtype == F32  # PyTorch's CPU list: float32
    with mg.autocast("cuda"), pytest.raises(RuntimeError, match="binary_cross_entropy.*unsafe"):
        F.binary_cross_entropy(p.to("cuda"), t.to("cuda"))


# ---- on the GPU code path (the CuPy stand-in) ------------------------------------------------
def test_training_step_under_autocast_on_standin_cuda(standin_gpu):
    model = small_model().to("cuda")
    x, y = floats(6, 5).to("cuda"), classes(6).to("cuda")
    with mg.autocast("cuda"):
        logits = model(x)
        loss = F.cross_entropy(logits, y)
    with mg.autocast("cpu"):
        assert model(x).dtype == F32  # a cpu region leaves cuda tensors alone
    assert (logits.dtype, loss.dtype, loss.device) == (F16, F32, "cuda")
    loss.backward()
    assert all(p.grad.dtype == F32 and p.grad.device == "cuda" for p in model.parameters())
