"""In-place ops with PyTorch's names (minigrad/in_place.py): values against numpy, dtype kept,
the tensor itself returned, their errors, the seeded random fills, and the same on the CuPy
stand-in. Behaviour (errors, clamp with min > max, masked_fill_ of a float into an int
tensor) checked against PyTorch 2.13."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import init

A = np.array([[0.5, -1.5, 2.0], [3.0, -0.25, 1.0]], dtype=np.float32)
B = np.array([1.5, 2.0, -0.5], dtype=np.float32)
C = np.array([[2.0], [-4.0]], dtype=np.float32)
MASK = np.array([True, False, True])

# name: (call on the tensor made from A, numpy reference on A's values)
OPS = {
    "add_": (lambda t: t.add_(mg.tensor(B)), lambda a: a + B),
    "add_ alpha": (lambda t: t.add_(mg.tensor(B), alpha=-2), lambda a: a - 2 * B),
    "sub_": (lambda t: t.sub_(mg.tensor(C)), lambda a: a - C),
    "sub_ alpha": (lambda t: t.sub_(3.0, alpha=0.5), lambda a: a - 1.5),
    "mul_": (lambda t: t.mul_(mg.tensor(B)), lambda a: a * B),
    "div_": (lambda t: t.div_(4.0), lambda a: a / 4),
    "pow_": (lambda t: t.pow_(2), lambda a: a**2),
    "pow_ tensor": (lambda t: t.abs_().pow_(mg.tensor(B)), lambda a: np.abs(a) ** B),
    "sqrt_": (lambda t: t.abs_().sqrt_(), lambda a: np.sqrt(np.abs(a))),
    "exp_": (lambda t: t.exp_(), np.exp),
    "neg_": (lambda t: t.neg_(), np.negative),
    "abs_": (lambda t: t.abs_(), np.abs),
    "clamp_": (lambda t: t.clamp_(-1.0, 1.0), lambda a: np.clip(a, -1, 1)),
    "clamp_ min only": (lambda t: t.clamp_(min=0.0), lambda a: np.maximum(a, 0)),
    "clamp_ max only": (lambda t: t.clip_(max=0.0), lambda a: np.minimum(a, 0)),
    "clamp_ min above max": (lambda t: t.clamp_(2.0, 1.0), lambda a: np.full_like(a, 1.0)),
    "masked_fill_": (
        lambda t: t.masked_fill_(mg.tensor(MASK), -7.0),
        lambda a: np.where(MASK, -7.0, a),
    ),
    "masked_fill_ 0-d tensor": (
        lambda t: t.masked_fill_(mg.tensor(MASK), mg.tensor(4.0)),
        lambda a: np.where(MASK, 4.0, a),
    ),
    "addcmul_": (
        lambda t: t.addcmul_(mg.tensor(B), mg.tensor(C), value=0.5),
        lambda a: a + 0.5 * B * C,
    ),
    "addcdiv_": (
        lambda t: t.addcdiv_(mg.tensor(C), mg.tensor(B), value=2),
        lambda a: a + 2 * C / B,
    ),
    "lerp_": (lambda t: t.lerp_(mg.tensor(B), 0.25), lambda a: a + 0.25 * (B - a)),
    "lerp_ tensor weight": (
        lambda t: t.lerp_(mg.tensor(C), mg.tensor(B)),
        lambda a: a + B * (C - a),
    ),
}


@pytest.mark.parametrize("name", OPS)
def test_in_place_op_matches_numpy_and_returns_the_tensor(name):
    call, reference = OPS[name]
    t = mg.tensor(A)
    assert call(t) is t
    assert t.dtype == mg.float32
    np.testing.assert_allclose(t.numpy(), reference(A.copy()), rtol=1e-6)


@pytest.mark.parametrize("dtype", [mg.float16, mg.float64])
def test_in_place_ops_keep_the_dtype_with_python_numbers_and_wider_operands(dtype):
    t = mg.tensor(A, dtype=dtype)
    t.add_(mg.tensor(B, dtype=mg.float64)).mul_(0.5).clamp_(-1.0, 1.0).exp_()
    assert t.dtype == dtype
    expected = np.exp(np.clip((A.astype(np.float64) + B) * 0.5, -1, 1))
    np.testing.assert_allclose(t.numpy(), expected, rtol=1e-3 if dtype == mg.float16 else 1e-12)


def test_integer_tensors_take_integer_results_and_masked_fill_converts_the_value():
    t = mg.tensor([1, -2, 3], dtype=mg.int64)
    t.add_(2).mul_(mg.tensor([2, 2, 2], dtype=mg.int32)).neg_().abs_().pow_(2)
    assert t.dtype == mg.int64 and t.tolist() == [36, 0, 100]
    t.masked_fill_(mg.tensor(MASK), 1.7)  # PyTorch: the value becomes 1 in an int tensor
    assert t.tolist() == [1, 0, 1]


def test_in_place_ops_write_into_the_same_memory():
    t = mg.tensor(A)
    view = t.data
    t.add_(1.0).lerp_(mg.zeros(3), 0.5)
    assert t.data is view
    np.testing.assert_allclose(view, (A + 1) * 0.5)


EVERY_OP = {
    **{name: call for name, (call, _) in OPS.items()},
    "+=": lambda t: t.__iadd__(1.0),
    "uniform_": lambda t: t.uniform_(),
    "normal_": lambda t: t.normal_(),
    "bernoulli_": lambda t: t.bernoulli_(),
    "exponential_": lambda t: t.exponential_(),
    "random_": lambda t: t.random_(),
    "cauchy_": lambda t: t.cauchy_(),
    "log_normal_": lambda t: t.log_normal_(),
    "geometric_": lambda t: t.geometric_(0.5),
}


@pytest.mark.parametrize("name", EVERY_OP)
def test_in_place_op_on_a_tensor_requiring_grad_raises_unless_under_no_grad(name):
    call = EVERY_OP[name]
    w = mg.tensor(A, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"(_|\+=): in-place change of a tensor that requires"):
        call(w)
    with mg.no_grad():
        assert call(w) is w
    assert w.requires_grad and w.dtype == mg.float32


ERRORS = {
    "the op named": (
        lambda: mg.tensor([1.0], requires_grad=True).clamp_(0.0),
        RuntimeError,
        "clamp_: in-place change",
    ),
    "float result into an int tensor": (
        lambda: mg.tensor([1, 2], dtype=mg.int64).add_(1.5),
        TypeError,
        "add_: a tensor of dtype int64 with float: .*cast",
    ),
    "true division of an int tensor": (
        lambda: mg.tensor([1, 2], dtype=mg.int64).div_(2),
        TypeError,
        "div_: a tensor of dtype int64 with int",
    ),
    "square root of an int tensor": (
        lambda: mg.tensor([1, 2], dtype=mg.int64).sqrt_(),
        TypeError,
        "sqrt_: a tensor of dtype int64:",
    ),
    "negative integer power": (
        lambda: mg.tensor([1, 2], dtype=mg.int64).pow_(-1),
        ValueError,
        "pow_: .*negative integer powers",
    ),
    "negating a bool tensor": (lambda: mg.tensor([True]).neg_(), TypeError, "neg_: .*bool"),
    "an operand that would grow the tensor": (
        lambda: mg.zeros(3).add_(mg.ones(2, 3)),
        ValueError,
        r"add_: the result would have shape \(2, 3\), but the tensor .* shape \(3,\)",
    ),
    "shapes that do not broadcast": (
        lambda: mg.zeros(3).mul_(mg.ones(2)),
        ValueError,
        r"mul_: shapes \(3,\) and \(2,\) cannot be broadcast",
    ),
    "addcmul_ factors that grow the tensor": (
        lambda: mg.zeros(3).addcmul_(mg.ones(2, 1), mg.ones(3)),
        ValueError,
        r"addcmul_: the result would have shape \(2, 3\)",
    ),
    "addcdiv_ of two integer tensors": (
        lambda: mg.zeros(2).addcdiv_(mg.tensor([1, 2]).long(), mg.tensor([2, 2]).long()),
        TypeError,
        "addcdiv_: tensor1 and tensor2 are both integer",
    ),
    "clamp_ without bounds": (
        lambda: mg.zeros(2).clamp_(),
        ValueError,
        "clamp_: at least one of min and max",
    ),
    "masked_fill_ with a float mask": (
        lambda: mg.zeros(3).masked_fill_(mg.ones(3), 1.0),
        TypeError,
        "masked_fill_: mask must be a bool tensor, got float32",
    ),
    "masked_fill_ with a 1-d value": (
        lambda: mg.zeros(3).masked_fill_(mg.tensor(MASK), mg.ones(1)),
        ValueError,
        r"masked_fill_: value must be a number or a 0-d tensor, got shape \(1,\)",
    ),
    "masked_fill_ with a mask that grows the tensor": (
        lambda: mg.zeros(3).masked_fill_(mg.tensor([MASK, MASK]), 1.0),
        ValueError,
        r"masked_fill_: mask of shape \(2, 3\) does not broadcast to the input's shape \(3,\)",
    ),
    "uniform_ of an int tensor": (
        lambda: mg.zeros(2, dtype=mg.int64).uniform_(),
        TypeError,
        "uniform_: expected a floating-point tensor, got dtype int64",
    ),
    "uniform_ with from_ above to": (
        lambda: mg.zeros(2).uniform_(1.0, 0.0),
        ValueError,
        "uniform_: from_=1.0 is greater than to=0.0",
    ),
    "normal_ with a negative std": (
        lambda: mg.zeros(2).normal_(0.0, -1.0),
        ValueError,
        "normal_: std must be at least 0",
    ),
    "exponential_ with lambd 0": (
        lambda: mg.zeros(2).exponential_(0.0),
        ValueError,
        "exponential_: lambd must be greater than 0",
    ),
    "random_ with from_ not below to": (
        lambda: mg.zeros(2).random_(5, 2),
        ValueError,
        "random_: from_ must be less than to, got from_=5, to=2",
    ),
    "random_ beyond the dtype": (
        lambda: mg.zeros(2, dtype=mg.uint8).random_(0, 1000),
        ValueError,
        r"random_: the range \[0, 999\] does not fit in uint8",
    ),
    "cauchy_ with sigma 0": (
        lambda: mg.zeros(2).cauchy_(sigma=0.0),
        ValueError,
        "cauchy_: sigma must be greater than 0",
    ),
    "log_normal_ with std 0": (
        lambda: mg.zeros(2).log_normal_(std=0.0),
        ValueError,
        "log_normal_: std must be greater than 0",
    ),
    "log_normal_ into integers": (
        lambda: mg.zeros(2, dtype=mg.int64).log_normal_(),
        TypeError,
        "log_normal_",
    ),
    "geometric_ with p 1": (
        lambda: mg.zeros(2).geometric_(1.0),
        ValueError,
        r"geometric_: p must lie in \(0, 1\), got 1.0",
    ),
    "bernoulli_ with p above 1": (
        lambda: mg.zeros(2).bernoulli_(1.5),
        ValueError,
        r"bernoulli_: p must lie in \[0, 1\]",
    ),
}


@pytest.mark.parametrize("case", ERRORS)
def test_in_place_errors(case):
    call, error, message = ERRORS[case]
    with pytest.raises(error, match=message):
        call()


# ---- random fills ------------------------------------------------------------------------
RANDOM = {
    "uniform_": lambda t: t.uniform_(-2.0, 3.0),
    "normal_": lambda t: t.normal_(1.0, 2.0),
    "bernoulli_": lambda t: t.bernoulli_(0.25),
    "exponential_": lambda t: t.exponential_(4.0),
    "random_": lambda t: t.random_(-3, 9),
    "cauchy_": lambda t: t.cauchy_(1.0, 0.5),
    "log_normal_": lambda t: t.log_normal_(0.5, 0.25),
    "geometric_": lambda t: t.geometric_(0.3),
}


@pytest.mark.parametrize("name", RANDOM)
def test_random_fills_are_reproducible_under_manual_seed_and_keep_the_dtype(name):
    fill = RANDOM[name]
    mg.manual_seed(7)
    first = fill(mg.zeros(50, dtype=mg.float64)).numpy()
    mg.manual_seed(7)
    again = fill(mg.zeros(50, dtype=mg.float64))
    assert again.dtype == mg.float64
    np.testing.assert_array_equal(again.numpy(), first)
    assert fill(mg.zeros(3)).dtype == mg.float32


def test_random_fills_draw_from_their_distributions():
    mg.manual_seed(0)
    uniform = mg.zeros(4000).uniform_(-2.0, 3.0).numpy()
    normal = mg.zeros(4000).normal_(1.0, 2.0).numpy()
    coin = mg.zeros(4000).bernoulli_(0.25).numpy()
    waiting = mg.zeros(4000).exponential_(4.0).numpy()
    assert uniform.min() >= -2.0 and uniform.max() < 3.0 and abs(uniform.mean() - 0.5) < 0.1
    assert abs(normal.mean() - 1.0) < 0.1 and abs(normal.std() - 2.0) < 0.1
    assert set(np.unique(coin)) == {0.0, 1.0} and abs(coin.mean() - 0.25) < 0.03
    assert waiting.min() >= 0 and abs(waiting.mean() - 0.25) < 0.02


def test_more_random_fills_draw_from_their_distributions():
    mg.manual_seed(0)
    whole = mg.zeros(4000).random_(-3, 9).numpy()
    assert set(np.unique(whole)) == set(range(-3, 9))  # to is left out
    assert set(np.unique(mg.zeros(400).random_(4).numpy())) == {0, 1, 2, 3}  # random_(to)
    cauchy = mg.zeros(4000).cauchy_(1.0, 0.5).numpy()  # no mean; median and quartiles ±σ
    np.testing.assert_allclose(np.percentile(cauchy, [25, 50, 75]), [0.5, 1.0, 1.5], atol=0.06)
    log_normal = mg.zeros(4000, dtype=mg.float64).log_normal_(0.5, 0.25).numpy()
    assert abs(np.log(log_normal).mean() - 0.5) < 0.02 and abs(np.log(log_normal).std() - 0.25) < 0.02
    trials = mg.zeros(4000, dtype=mg.int64).geometric_(0.3)
    assert trials.dtype == mg.int64 and trials.numpy().min() == 1
    assert abs(trials.numpy().mean() - 1 / 0.3) < 0.15


@pytest.mark.parametrize("dtype, top", [
    (mg.float16, 2**11), (mg.float32, 2**24), (mg.float64, 2**53), (mg.uint8, 255),
    (mg.int32, 2**31 - 1), (mg.bool, 1),
])
def test_random_without_a_range_spans_the_dtype(dtype, top):
    # PyTorch: floats up to 2^(mantissa bits + 1), integers up to the dtype's largest value
    mg.manual_seed(0)
    drawn = mg.zeros(2000, dtype=dtype).random_().numpy().astype(np.float64)
    assert drawn.min() >= 0 and drawn.max() <= top and drawn.max() > top * 0.99


def test_bernoulli_with_a_tensor_of_probabilities():
    mg.manual_seed(0)
    drawn = mg.zeros(2, 3).bernoulli_(mg.tensor([0.0, 1.0, 0.0]))
    assert drawn.tolist() == [[0.0, 1.0, 0.0]] * 2


def test_nn_init_draws_through_the_tensor_methods():
    weight = mg.nn.Parameter(mg.zeros(3, 4))
    mg.manual_seed(3)
    init.uniform_(weight, -1.0, 1.0)
    init_normal = init.normal_(mg.zeros(5), 0.0, 2.0).numpy()
    mg.manual_seed(3)
    expected = mg.zeros(3, 4).uniform_(-1.0, 1.0)
    np.testing.assert_array_equal(weight.numpy(), expected.numpy())
    np.testing.assert_array_equal(init_normal, mg.zeros(5).normal_(0.0, 2.0).numpy())
    assert weight.requires_grad and mg.is_grad_enabled()


# ---- on the CuPy stand-in, and on a real GPU where there is one --------------------------
def check_in_place_ops_on_cuda(monkeypatch):
    monkeypatch.setenv("MINIGRAD_DEVICE", "cuda")  # every tensor OPS makes is on 'cuda'
    for name, (call, reference) in OPS.items():
        t = mg.tensor(A)
        assert call(t).device == "cuda", name
        np.testing.assert_allclose(t.numpy(), reference(A.copy()), rtol=1e-6, err_msg=name)


def check_random_fills_on_cuda_draw_the_cpu_numbers():
    for name, fill in RANDOM.items():
        mg.manual_seed(1)
        on_cpu = fill(mg.zeros(6, device="cpu")).numpy()
        mg.manual_seed(1)
        on_cuda = fill(mg.zeros(6, device="cuda"))
        assert on_cuda.device == "cuda" and on_cuda.dtype == mg.float32
        np.testing.assert_array_equal(on_cuda.numpy(), on_cpu, err_msg=name)


def test_in_place_ops_on_standin_cuda(standin_gpu, monkeypatch):
    check_in_place_ops_on_cuda(monkeypatch)
    check_random_fills_on_cuda_draw_the_cpu_numbers()


@pytest.mark.gpu
def test_in_place_ops_on_a_real_gpu(monkeypatch):
    check_in_place_ops_on_cuda(monkeypatch)
    check_random_fills_on_cuda_draw_the_cpu_numbers()


def test_grad_and_hooks_on_standin_cuda(standin_gpu):
    x = mg.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    x.register_hook(lambda g: g * 2.0)
    hidden = x * 3.0
    hidden.register_hook(lambda g: g + 1.0)
    (dx,) = mg.autograd.grad((hidden * hidden).sum(), x, retain_graph=True)
    assert dx.device == "cuda" and dx.tolist() == [42.0, 78.0]
