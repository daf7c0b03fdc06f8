"""Making tensors: dtype rules, copying versus sharing, shapes, and seeded randomness."""

import numpy as np
import pytest

import minigrad as mg


@pytest.mark.parametrize(
    "data, dtype",
    [
        ([1.0, 2.0], mg.float32),
        ([1, 2], mg.float32),
        (3.5, mg.float32),
        ([[True, False]], mg.bool_),
        (np.array([1.0, 2.0]), mg.float64),
        (np.array([1, 2], dtype=np.int64), mg.int64),
        (np.array([1, 2], dtype=np.int32), mg.int32),
        (np.float16(1.5), mg.float16),
    ],
    ids=[
        "float list",
        "int list",
        "number",
        "bool list",
        "float64 array",
        "int64 array",
        "int32 array",
        "numpy scalar",
    ],
)
def test_tensor_dtype_rules(data, dtype):
    assert mg.tensor(data).dtype == dtype


@pytest.mark.parametrize("dtype", [mg.float64, mg.float16, mg.int64, "float64", float])
def test_dtype_argument_overrides(dtype):
    t = mg.tensor(np.array([1.0, 2.0]), dtype=dtype)
    assert t.dtype == (mg.float32 if dtype is float else np.dtype(dtype))
    assert t.tolist() == [1.0, 2.0]


def test_tensor_copies_its_data():
    array = np.array([1.0, 2.0])
    t = mg.tensor(array)
    array[0] = 99.0
    assert t.tolist() == [1.0, 2.0]
    assert mg.tensor(t).data is not t.data


def test_from_numpy_shares_memory_and_keeps_the_dtype():
    array = np.array([1, 2, 3], dtype=np.int32)
    t = mg.from_numpy(array)
    array[0] = 99
    assert t.dtype == mg.int32 and t.tolist() == [99, 2, 3]


def test_tensor_rejects_things_that_are_not_numbers():
    with pytest.raises(TypeError, match="tensor: cannot make a tensor from list"):
        mg.tensor(["a", "b"])


def test_only_float_tensors_can_require_grad():
    with pytest.raises(TypeError, match="tensor: only floating-point .*int64"):
        mg.tensor(np.array([1, 2]), requires_grad=True)
    with pytest.raises(TypeError, match="requires_grad_: only floating-point .*int64"):
        mg.arange(3).requires_grad_()
    with pytest.raises(TypeError, match="only floating-point .*int32"):
        mg.zeros(2, dtype=mg.int32, requires_grad=True)


@pytest.mark.parametrize(
    "args, dtype, values",
    [
        ((4,), mg.int64, [0, 1, 2, 3]),
        ((1, 7, 2), mg.int64, [1, 3, 5]),
        ((0.0, 1.0, 0.25), mg.float32, [0.0, 0.25, 0.5, 0.75]),
        ((3.0,), mg.float32, [0.0, 1.0, 2.0]),
    ],
)
def test_arange(args, dtype, values):
    t = mg.arange(*args)
    assert t.dtype == dtype and t.tolist() == values


def test_linspace_and_eye():
    assert mg.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert mg.linspace(0, 1, 5).dtype == mg.float32
    eye = mg.eye(2, 3)
    assert eye.dtype == mg.float32 and eye.tolist() == [[1, 0, 0], [0, 1, 0]]


@pytest.mark.parametrize("make", [mg.zeros, mg.ones, mg.empty, mg.randn, mg.rand])
@pytest.mark.parametrize("size", [(2, 3), ((2, 3),), ([2, 3],)], ids=["ints", "tuple", "list"])
def test_sizes_as_ints_tuple_or_list(make, size):
    t = make(*size)
    assert t.shape == (2, 3) and t.dtype == mg.float32 and not t.requires_grad


@pytest.mark.parametrize("make", [mg.zeros, mg.ones, mg.randn])
def test_requires_grad_and_dtype_keywords(make):
    t = make(2, dtype=mg.float64, requires_grad=True)
    assert t.dtype == mg.float64 and t.requires_grad and t.is_leaf


def test_zeros_ones_full_values():
    assert mg.zeros(2).tolist() == [0.0, 0.0]
    assert mg.ones(2, dtype=mg.int64).tolist() == [1, 1]
    full = mg.full((2, 2), 7.0)
    assert full.dtype == mg.float32 and full.tolist() == [[7.0, 7.0], [7.0, 7.0]]


@pytest.mark.parametrize(
    "make_like, value",
    [
        (mg.zeros_like, 0),
        (mg.ones_like, 1),
        (lambda t, **kw: mg.full_like(t, 5, **kw), 5),
    ],
    ids=["zeros_like", "ones_like", "full_like"],
)
def test_like_functions_copy_shape_and_dtype(make_like, value):
    source = mg.tensor(np.arange(6, dtype=np.int32).reshape(2, 3))
    same = make_like(source)
    assert same.shape == (2, 3) and same.dtype == mg.int32
    assert (same.numpy() == value).all()
    assert make_like(source, dtype=mg.float16).dtype == mg.float16


@pytest.mark.parametrize("make_like", [mg.randn_like, mg.rand_like])
def test_random_like_functions(make_like):
    source = mg.zeros(3, 2, dtype=mg.float64)
    t = make_like(source)
    assert t.shape == (3, 2) and t.dtype == mg.float64


def test_bad_sizes_raise():
    with pytest.raises(ValueError, match="non-negative ints"):
        mg.zeros(2, -1)
    with pytest.raises(ValueError, match="non-negative ints"):
        mg.ones(2.5)


RANDOM_MAKERS = {
    "randn": lambda: mg.randn(3, 4),
    "rand": lambda: mg.rand(3, 4),
    "randint": lambda: mg.randint(0, 10, (3, 4)),
    "randperm": lambda: mg.randperm(10),
}


@pytest.mark.parametrize("name", RANDOM_MAKERS)
def test_manual_seed_makes_random_tensors_repeat(name):
    make = RANDOM_MAKERS[name]
    mg.manual_seed(7)
    first = make().numpy()
    second = make().numpy()
    mg.manual_seed(7)
    np.testing.assert_array_equal(make().numpy(), first)
    assert not np.array_equal(first, second)


def test_random_tensors_have_the_right_ranges_and_dtypes():
    assert mg.randn(3).dtype == mg.float32
    uniform = mg.rand(1000).numpy()
    assert uniform.dtype == np.float32 and 0 <= uniform.min() and uniform.max() < 1
    integers = mg.randint(3, 6, (1000,))
    assert integers.dtype == mg.int64 and set(integers.tolist()) == {3, 4, 5}
    assert sorted(mg.randperm(8).tolist()) == list(range(8))
    assert mg.randint(5, size=(2,)).numpy().max() < 5


# ---- logspace, *_like, new_*, default dtype ---------------------------------------------------


def test_logspace_is_base_to_the_linspace():
    np.testing.assert_allclose(mg.logspace(-1, 2, 4).numpy(), [0.1, 1, 10, 100], rtol=1e-6)
    twos = mg.logspace(0, 3, 4, base=2, dtype=mg.float64)
    assert twos.dtype == mg.float64 and twos.tolist() == [1, 2, 4, 8]


def test_empty_like_and_randint_like_follow_the_source():
    source = mg.zeros(2, 3, dtype=mg.float64)
    empty = mg.empty_like(source)
    assert empty.shape == (2, 3) and empty.dtype == mg.float64
    drawn = mg.randint_like(source, 3, 6)
    assert drawn.dtype == mg.float64 and set(drawn.numpy().ravel()) <= {3.0, 4.0, 5.0}
    assert mg.randint_like(mg.zeros(1000, dtype=mg.int32), 4).numpy().max() == 3
    mg.manual_seed(3)
    first = mg.randint_like(source, 100).numpy()
    mg.manual_seed(3)
    np.testing.assert_array_equal(mg.randint_like(source, 100).numpy(), first)


def test_new_full_new_empty_and_new_tensor_take_this_tensors_dtype():
    x = mg.zeros(2, dtype=mg.float64)
    full = x.new_full((2, 2), 3)
    assert full.dtype == mg.float64 and full.tolist() == [[3, 3], [3, 3]]
    assert x.new_empty(3).shape == (3,) and x.new_empty((1, 2)).dtype == mg.float64
    made = x.new_tensor([1, 2], requires_grad=True)
    assert made.dtype == mg.float64 and made.requires_grad and made.tolist() == [1, 2]
    assert x.new_full((1,), 1, dtype=mg.int64).dtype == mg.int64


def test_is_tensor_numel_clone_and_bool():
    x = mg.ones(2, 3, requires_grad=True)
    assert mg.is_tensor(x) and not mg.is_tensor(np.ones(2))
    assert mg.numel(x) == 6
    copy = mg.clone(x)
    assert copy.data is not x.data
    (copy * 2).sum().backward()
    assert x.grad.tolist() == [[2.0] * 3] * 2
    assert (x > 0).dtype == mg.bool and mg.bool == np.dtype(bool)


@pytest.fixture
def restore_default_dtype():
    yield
    mg.set_default_dtype(mg.float32)


def test_set_default_dtype_changes_what_python_floats_become(restore_default_dtype):
    assert mg.get_default_dtype() == mg.float32
    mg.set_default_dtype(mg.float64)
    assert mg.get_default_dtype() == mg.float64
    for made in (
        mg.tensor([1.5]),
        mg.zeros(2),
        mg.randn(2),
        mg.rand(2),
        mg.arange(0.0, 1.0, 0.5),
        mg.linspace(0, 1, 3),
        mg.logspace(0, 1, 3),
        mg.tensor(np.array([1, 2])) * 0.5,
        mg.normal(0.0, 1.0, size=(2,)),
    ):
        assert made.dtype == mg.float64
    assert mg.tensor(np.array([1.0], dtype=np.float32)).dtype == mg.float32  # arrays keep theirs
    mg.set_default_dtype("float32")
    assert mg.tensor([1.5]).dtype == mg.float32


@pytest.mark.parametrize("dtype", [mg.float16, mg.int64, mg.bool])
def test_set_default_dtype_takes_only_float32_and_float64(dtype, restore_default_dtype):
    with pytest.raises(TypeError, match=f"set_default_dtype: only float32 and float64 .*got {dtype}"):
        mg.set_default_dtype(dtype)
    assert mg.get_default_dtype() == mg.float32
