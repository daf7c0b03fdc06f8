"""dtype rules: float32 in, float32 out (no accidental float64), and PyTorch's promotions."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F

# every op a float32 model uses, with the Python and numpy numbers that tend to sneak in
FLOAT32_OPS = {
    "x*2.5": lambda x: x * 2.5,
    "2.5*x": lambda x: 2.5 * x,
    "x/3": lambda x: x / 3,
    "1/x": lambda x: 1 / x,
    "x-np.pi": lambda x: x - np.pi,
    "np.sqrt(2)*x": lambda x: np.sqrt(2) * x,
    "x*np.int64": lambda x: x * np.int64(3),
    "x/np.prod(shape)": lambda x: x / np.prod(x.shape),
    "x*0-d array": lambda x: x * np.array(2.0),
    "x+x": lambda x: x + x,
    "x**2": lambda x: x**2,
    "x**0.5": lambda x: x.abs() ** 0.5,
    "2**x": lambda x: 2**x,
    "x**x": lambda x: x.abs() ** x,
    "neg": lambda x: -x,
    "exp": mg.exp,
    "log": lambda x: x.abs().log(),
    "sqrt": lambda x: x.abs().sqrt(),
    "tanh": mg.tanh,
    "sigmoid": mg.sigmoid,
    "relu": mg.relu,
    "clamp": lambda x: x.clamp(-0.5, 0.5),
    "maximum-number": lambda x: mg.maximum(x, 0.25),
    "minimum": lambda x: mg.minimum(x, x * 2),
    "where-number": lambda x: mg.where(x > 0, x, 0.0),
    "where-number-first": lambda x: mg.where(x > 0, 1.5, x),
    "sum": mg.sum,
    "mean": lambda x: x.mean(-1),
    "var": lambda x: x.var(0),
    "std": mg.std,
    "amax": lambda x: x.amax(1),
    "logsumexp": lambda x: x.logsumexp(1),
    "softmax": lambda x: x.softmax(-1),
    "log_softmax": lambda x: F.log_softmax(x, 0),
    "gelu": F.gelu,
    "gelu-tanh": lambda x: F.gelu(x, approximate="tanh"),
    "leaky_relu": F.leaky_relu,
    "matmul": lambda x: x @ x.T,
    "matmul-array": lambda x: x @ np.ones(3, dtype=np.float32),
    "getitem": lambda x: x[[1, 0, 1]],
    "cat": lambda x: mg.cat([x, x], 1),
    "pad": lambda x: F.pad(x, (1, 1), value=0.5),
}


@pytest.mark.parametrize("name", FLOAT32_OPS)
def test_float32_in_float32_out_and_float32_gradient(name):
    x = mg.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], requires_grad=True)
    out = FLOAT32_OPS[name](x)
    assert out.dtype == mg.float32
    out.sum().backward()
    assert x.grad.dtype == mg.float32


PROMOTIONS = {
    "int*0.5": (lambda i, b, x: i * 0.5, mg.float32, [0.5, 1.0, 1.5]),
    "0.5*int": (lambda i, b, x: 0.5 * i, mg.float32, [0.5, 1.0, 1.5]),
    "int/2": (lambda i, b, x: i / 2, mg.float32, [0.5, 1.0, 1.5]),
    "int/int": (lambda i, b, x: i / i, mg.float32, [1.0, 1.0, 1.0]),
    "int**0.5": (lambda i, b, x: (i * i) ** 0.5, mg.float32, [1.0, 2.0, 3.0]),
    "int*2": (lambda i, b, x: i * 2, mg.int64, [2, 4, 6]),
    "int*float32": (lambda i, b, x: i * x, mg.float32, [0.5, 2.0, 4.5]),
    "float32-int": (lambda i, b, x: x - i, mg.float32, [-0.5, -1.0, -1.5]),
    "bool*3": (lambda i, b, x: b * 3, mg.int64, [3, 0, 3]),
    "bool+1.5": (lambda i, b, x: b + 1.5, mg.float32, [2.5, 1.5, 2.5]),
    "where-int-or-float": (lambda i, b, x: mg.where(b, i, 0.5), mg.float32, [1.0, 0.5, 3.0]),
    "int@float32": (lambda i, b, x: i @ x, mg.float32, 7.0),
    "float32@int": (lambda i, b, x: x @ i, mg.float32, 7.0),
    "bool@float32": (lambda i, b, x: b @ x, mg.float32, 2.0),
}


@pytest.mark.parametrize("name", PROMOTIONS)
def test_promotion_between_integer_bool_and_float(name):
    op, dtype, values = PROMOTIONS[name]
    integers = mg.tensor(np.array([1, 2, 3]))
    bools = mg.tensor([True, False, True])
    halves = mg.tensor([0.5, 1.0, 1.5])
    out = op(integers, bools, halves)
    assert out.dtype == dtype
    assert out.tolist() == values


def test_float16_stays_float16():
    x = mg.tensor([1.0, 2.0]).half()
    assert (x * 2.5 + 1).dtype == mg.float16
    assert x.softmax(0).dtype == mg.float16


@pytest.mark.parametrize(
    "name, dtype",
    [("float32", mg.float32), ("float16", mg.half), ("int64", mg.long), (float, mg.float32)],
)
def test_as_dtype_understands_names_and_python_float(name, dtype):
    assert mg.dtypes.as_dtype(name) == dtype
