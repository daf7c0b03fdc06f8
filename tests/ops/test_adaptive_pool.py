import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F
from tests.ops.test_pool import assert_pool_matches_pytorch, as_batch, unbatched_like
from tests.torch_fixtures import load_torch_cases


def torch_window(i, size, count):
    """PyTorch's start_index and end_index (aten/src/ATen/native/AdaptivePooling.h)."""
    return i * size // count, ((i + 1) * size + count - 1) // count


def direct_adaptive_pool(x, output_size):
    """(mean, max, index of the first max) of each window, as plain loops."""
    out = [x.shape[2 + axis] if n is None else n for axis, n in enumerate(output_size)]
    means, maxima = np.empty(x.shape[:2] + tuple(out)), np.empty(x.shape[:2] + tuple(out))
    indices = np.empty(means.shape, dtype=np.int64)
    for i, j in np.ndindex(*out):
        (top, bottom), (left, right) = torch_window(i, x.shape[2], out[0]), torch_window(
            j, x.shape[3], out[1]
        )
        window = x[:, :, top:bottom, left:right].reshape(*x.shape[:2], -1)
        row, col = np.divmod(window.argmax(axis=-1), right - left)
        means[:, :, i, j], maxima[:, :, i, j] = window.mean(axis=-1), window.max(axis=-1)
        indices[:, :, i, j] = (top + row) * x.shape[3] + left + col
    return means, maxima, indices


@st.composite
def adaptive_cases(draw, max_input_elements=48):
    """(x, output_size): one image or a batch of distinct float64 values (no max ties), and an
    output size that may not divide the input, may exceed it, or keep it (None)."""
    batch = draw(st.sampled_from([(), (1,), (2,)]))  # () is one image
    shape = (*batch, draw(st.integers(1, 2)), draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    assume(math.prod(shape) <= max_input_elements)
    output_size = tuple(draw(st.one_of(st.none(), st.integers(1, 6))) for _ in "hw")
    values = np.random.default_rng(draw(st.integers(0, 2**16))).permutation(math.prod(shape))
    x = mg.tensor((values / 4.0).reshape(shape), dtype=mg.float64, requires_grad=True)
    return x, output_size


@given(adaptive_cases(max_input_elements=200))
def test_adaptive_pools_match_direct_loops(case):
    x, output_size = case
    means, maxima, indices = direct_adaptive_pool(as_batch(x), output_size)
    np.testing.assert_allclose(
        F.adaptive_avg_pool2d(x, output_size).numpy(), unbatched_like(x, means), rtol=1e-12
    )
    out, out_indices = F.adaptive_max_pool2d(x, output_size, return_indices=True)
    np.testing.assert_array_equal(out.numpy(), unbatched_like(x, maxima))
    np.testing.assert_array_equal(out_indices.numpy(), unbatched_like(x, indices))


@given(adaptive_cases())
def test_adaptive_avg_pool2d_gradient_matches_finite_differences(case):
    x, output_size = case
    assert mg.gradcheck(lambda x: F.adaptive_avg_pool2d(x, output_size), x)


@given(adaptive_cases())
def test_adaptive_max_pool2d_gradient_matches_finite_differences(case):
    x, output_size = case
    assert mg.gradcheck(lambda x: F.adaptive_max_pool2d(x, output_size), x)


def test_adaptive_windows_share_a_row_where_the_output_does_not_divide_the_input():
    # 5 rows into 3 windows: rows 0-1, 1-3 and 3-4 (⌊i·5/3⌋ to ⌈(i+1)·5/3⌉)
    x = mg.arange(5.0).reshape(1, 1, 5, 1)
    assert F.adaptive_avg_pool2d(x, (3, 1)).reshape(-1).tolist() == [0.5, 2.0, 3.5]
    assert F.adaptive_max_pool2d(x, (3, 1)).reshape(-1).tolist() == [1.0, 3.0, 4.0]


def test_adaptive_max_pool2d_sends_a_shared_maximum_every_gradient():
    x = mg.tensor([[[[0.0, 9.0, 1.0]]]], requires_grad=True)
    F.adaptive_max_pool2d(x, (1, 2)).sum().backward()  # windows 0-1 and 1-2 both pick 9
    assert x.grad.reshape(-1).tolist() == [0.0, 2.0, 0.0]


TORCH_CASES = load_torch_cases("torch_conv.npz", "adaptive")


@pytest.mark.parametrize("name", sorted(TORCH_CASES))
def test_adaptive_pools_match_pytorch(name):
    assert_pool_matches_pytorch(TORCH_CASES[name])


# ---- errors -----------------------------------------------------------------------------
@pytest.mark.parametrize("op", ["adaptive_avg_pool2d", "adaptive_max_pool2d"])
def test_adaptive_pools_reject_inputs_that_are_not_images(op):
    message = rf"{op}: expected a 3-D \(C, H, W\) or 4-D \(N, C, H, W\) input, got shape \(5,\)"
    with pytest.raises(ValueError, match=message):
        getattr(F, op)(mg.randn(5), 2)


@pytest.mark.parametrize("op", ["adaptive_avg_pool2d", "adaptive_max_pool2d"])
@pytest.mark.parametrize(
    "output_size, error, message",
    [
        (0, ValueError, r"output_size must be at least 1, got \(0, 0\)"),
        ((None, -1), ValueError, r"output_size must be at least 1, got \(4, -1\)"),
        ((2, 2, 2), TypeError, r"output_size must be an int or a pair of ints, got \(2, 2, 2\)"),
        (2.5, TypeError, "output_size must be an int or a pair of ints"),
    ],
)
def test_adaptive_pools_reject_a_bad_output_size(op, output_size, error, message):
    with pytest.raises(error, match=f"{op}: {message}"):
        getattr(F, op)(mg.randn(1, 1, 4, 4), output_size)


def test_adaptive_pools_reject_an_empty_image():
    message = r"adaptive_max_pool2d: input of shape \(2, 3, 0\) has no pixels"
    with pytest.raises(ValueError, match=message):
        F.adaptive_max_pool2d(mg.randn(2, 3, 0), 2)
