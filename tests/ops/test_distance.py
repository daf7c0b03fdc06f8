"""cdist and dist: values against numpy, gradients against finite differences (also where
two points coincide: the p=2 gradient there is 0, as PyTorch's), errors that name the op."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from tests.gradients import check_gradients
from tests.strategies import floats

P_VALUES = [1.0, 2.0, 3.0, math.inf]


def _reference_cdist(a, b, p):
    differences = np.abs(a[..., :, None, :] - b[..., None, :, :])
    if p == math.inf:
        return differences.max(-1)
    return (differences**p).sum(-1) ** (1 / p)


@given(data=st.data(), p=st.sampled_from(P_VALUES))
def test_cdist_is_the_norm_of_every_difference(data, p):
    batch = data.draw(st.sampled_from([(), (2,)]))
    m = data.draw(st.integers(1, 3))
    a = data.draw(floats(batch + (data.draw(st.integers(1, 3)), m)))
    b = data.draw(floats((data.draw(st.integers(1, 3)), m)))
    np.testing.assert_allclose(
        mg.cdist(mg.tensor(a), mg.tensor(b), p).numpy(), _reference_cdist(a, b, p), rtol=1e-12
    )
    # kinks: |d| at 0 for p=1 and ties of the largest |d| for p=inf. Coordinate j of b moved
    # by 10(j + 1) puts every |d_j| in [10(j + 1) − 4, 10(j + 1) + 4]: none near 0, no ties
    b = b + 10 * np.arange(1, m + 1)
    check_gradients(lambda x, y: mg.cdist(x, y, p), a, b)


@pytest.mark.parametrize("p", [2.0, 1.0])
def test_cdist_gradient_is_zero_where_points_coincide(p):
    points = mg.tensor([[0.5, -1.0], [2.0, 3.0]], requires_grad=True)
    mg.cdist(points, points.detach(), p).sum().backward()
    assert np.isfinite(points.grad.numpy()).all()
    # row 0 coincides with point 0 (gradient 0 there) and differs from point 1
    difference = np.array([0.5, -1.0]) - np.array([2.0, 3.0])
    expected = difference / np.linalg.norm(difference) if p == 2 else np.sign(difference)
    np.testing.assert_allclose(points.grad.numpy()[0], expected, rtol=1e-6)


@given(data=st.data(), p=st.sampled_from([1.0, 2.0]))
def test_dist_is_the_norm_of_the_difference(data, p):
    a, b = data.draw(floats((2, 3))), data.draw(floats((3,)))
    expected = np.linalg.norm((a - b).reshape(-1), ord=p)
    assert mg.dist(mg.tensor(a), mg.tensor(b), p).item() == pytest.approx(expected)
    check_gradients(lambda x, y: x.dist(y, p), a, b + 10.0)  # |a − b| > 0: away from p=1's kink


def test_distances_keep_float32():
    x = mg.ones(3, 2, requires_grad=True)
    assert mg.cdist(x, x * 2).dtype == mg.float32 and mg.dist(x, x).dtype == mg.float32


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: mg.cdist(mg.zeros(3), mg.zeros(3)), ValueError, r"cdist: expected x1 \(\.\.\., P, M\)"),
        (lambda: mg.cdist(mg.zeros(2, 3), mg.zeros(2, 4)), ValueError, "cdist: expected x1"),
        (lambda: mg.cdist(mg.zeros(2, 2, 3), mg.zeros(3, 2, 3)), ValueError, r"cdist \(batch dims\)"),
        (lambda: mg.cdist(mg.zeros(2, 3), mg.zeros(2, 3), 0), ValueError, "cdist: p must be"),
        (lambda: mg.cdist(mg.arange(4).reshape(2, 2), mg.zeros(2, 2)), TypeError, "cdist: expected a floating"),
        (lambda: mg.dist(mg.zeros(2), mg.zeros(3)), ValueError, "dist: shapes"),
    ],
)
def test_distance_errors_name_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()
