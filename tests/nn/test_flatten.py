import numpy as np
import pytest
from hypothesis import given

import minigrad as mg
import minigrad.nn as nn
from tests.nn.gradcheck_helpers import random_tensor, seeds


def test_flatten_keeps_the_batch_dim_by_default():
    assert nn.Flatten()(mg.zeros(2, 3, 4, 5)).shape == (2, 60)


@pytest.mark.parametrize(
    "start, end, shape", [(0, -1, (120,)), (1, 2, (2, 12, 5)), (2, 3, (2, 3, 20))]
)
def test_flatten_merges_start_dim_to_end_dim(start, end, shape):
    assert nn.Flatten(start, end)(mg.zeros(2, 3, 4, 5)).shape == shape


@given(seeds)
def test_flatten_gradients_match_finite_differences(seed):
    assert mg.gradcheck(nn.Flatten(), [random_tensor(seed, 2, 3, 2)])


def test_unflatten_splits_one_dim_and_flatten_undoes_it():
    x = mg.randn(2, 12, 3)
    out = nn.Unflatten(1, (3, -1))(x)
    assert out.shape == (2, 3, 4, 3)
    np.testing.assert_array_equal(nn.Flatten(1, 2)(out).numpy(), x.numpy())
    assert nn.Unflatten(-1, (1, 3))(x).shape == (2, 12, 1, 3)


def test_unflatten_names_the_sizes_that_do_not_split():
    with pytest.raises(ValueError, match=r"Unflatten\(dim=1, unflattened_size=\(5, 2\)\): .* size 12"):
        nn.Unflatten(1, (5, 2))(mg.randn(2, 12))
