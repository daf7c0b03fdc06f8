import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import minigrad as mg
from minigrad.nn.utils import l1_penalty, l2_penalty
from minigrad.optim import SGD
from tests.optim.problem import loss, make_params, run

# |θ| has a kink at 0, where finite differences are meaningless: keep values away from it
away_from_zero = st.floats(0.1, 3.0).flatmap(lambda v: st.sampled_from([v, -v]))
small_arrays = st.sampled_from([(3,), (2, 2)]).flatmap(
    lambda shape: arrays(np.float64, shape, elements=away_from_zero)
)


@given(small_arrays, small_arrays)
def test_l2_penalty_gradient_matches_finite_differences(a, b):
    inputs = [mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)]
    assert mg.gradcheck(lambda x, y: l2_penalty([x, y]), inputs)


@given(small_arrays, small_arrays)
def test_l1_penalty_gradient_matches_finite_differences(a, b):
    inputs = [mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)]
    assert mg.gradcheck(lambda x, y: l1_penalty([x, y]), inputs)


def test_penalties_are_sums_over_all_parameters():
    a, b = mg.tensor([1.0, -2.0]), mg.tensor([[3.0], [-0.5]])
    assert l2_penalty([a, b]).item() == 1 + 4 + 9 + 0.25
    assert l1_penalty([a, b]).item() == 1 + 2 + 3 + 0.5
    assert l1_penalty(a).item() == 3.0
    with pytest.raises(ValueError, match="l2_penalty: got no parameters"):
        l2_penalty([])


def test_sgd_weight_decay_is_the_gradient_of_half_lambda_l2_penalty():
    decayed = make_params()
    with_decay = run(SGD(decayed, lr=0.05, momentum=0.9, weight_decay=0.1), decayed, steps=6)

    penalised, rows = make_params(), []
    optimizer = SGD(penalised, lr=0.05, momentum=0.9)
    for _ in range(6):
        optimizer.zero_grad()
        (loss(penalised) + 0.1 / 2 * l2_penalty(penalised)).backward()
        optimizer.step()
        rows.append(np.concatenate([p.numpy().ravel() for p in penalised]))
    np.testing.assert_allclose(np.stack(rows), with_decay, rtol=1e-12)
