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
