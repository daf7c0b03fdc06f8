import math

import pytest

import minigrad as mg
from minigrad.nn.utils import check_finite


def test_check_finite_returns_the_loss_as_a_float():
    assert check_finite(mg.tensor(2.5)) == 2.5
    assert check_finite(0.25, step=3) == 0.25


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_check_finite_stops_at_nan_or_infinite_loss_naming_the_step(value):
    with pytest.raises(FloatingPointError, match=rf"loss became {value} at step 17"):
        check_finite(mg.tensor([value]), step=17)


def test_check_finite_without_a_step_says_what_happened():
    with pytest.raises(FloatingPointError, match=r"^loss became nan: "):
        check_finite(mg.tensor(1.0) * math.nan)


def test_check_finite_catches_the_nan_of_a_real_loss():
    x = mg.tensor([0.5, math.nan])
    with pytest.raises(FloatingPointError, match="at step epoch 2, batch 5"):
        check_finite(mg.nn.functional.mse_loss(x, mg.zeros(2)), step="epoch 2, batch 5")


def test_check_finite_wants_one_number():
    with pytest.raises(ValueError, match=r"check_finite: expected a loss with one element, got "
                                         r"shape \(2,\)"):
        check_finite(mg.zeros(2))
