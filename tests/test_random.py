"""Sampling (bernoulli, multinomial, normal, poisson): the draws follow their distributions
(moments within a few standard errors, a chi-square test of category counts, at fixed seeds),
repeat under mg.manual_seed, keep the input's dtype, and bad arguments raise our errors."""

import numpy as np
import pytest

import minigrad as mg

N = 20_000
CHI_SQUARE_3_DOF_AT_0_001 = 16.27  # P(χ²₃ > 16.27) = 0.001


def _within_standard_errors(samples, mean, std, k=4):
    assert abs(samples.mean() - mean) < k * std / np.sqrt(samples.size)


def test_bernoulli_draws_ones_with_probability_p_in_the_inputs_dtype():
    p = mg.full((N,), 0.3, dtype=mg.float64)
    draws = mg.bernoulli(p)
    assert draws.dtype == mg.float64 and set(np.unique(draws.numpy())) == {0.0, 1.0}
    _within_standard_errors(draws.numpy(), 0.3, np.sqrt(0.3 * 0.7))
    edges = mg.tensor([0.0, 1.0] * 100)
    assert edges.bernoulli().tolist() == [0.0, 1.0] * 100
    _within_standard_errors(mg.zeros(N).bernoulli(0.8).numpy(), 0.8, 0.4)


def test_multinomial_with_replacement_passes_a_chi_square_test():
    weights = np.array([1.0, 2.0, 3.0, 4.0])
    draws = mg.multinomial(mg.tensor(weights), N, replacement=True)
    assert draws.dtype == mg.int64 and draws.shape == (N,)
    observed = np.bincount(draws.numpy(), minlength=4)
    expected = N * weights / weights.sum()
    assert ((observed - expected) ** 2 / expected).sum() < CHI_SQUARE_3_DOF_AT_0_001


def test_multinomial_without_replacement_draws_each_category_once():
    weights = mg.tensor([[1.0, 0.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0]])
    draws = weights.multinomial(3)
    assert draws.shape == (2, 3)
    assert sorted(draws[0].tolist()) == [0, 2, 3]  # category 1 has weight 0
    assert len(set(draws[1].tolist())) == 3
    firsts = mg.multinomial(mg.tensor([1.0, 3.0]).expand(N, 2), 2)[:, 0].numpy()
    _within_standard_errors(firsts, 0.75, np.sqrt(0.75 * 0.25))  # the first draw ∝ weights


def test_normal_with_tensors_and_with_numbers():
    mean = mg.tensor([-1.0, 2.0], dtype=mg.float64).expand(N, 2)
    draws = mg.normal(mean, 0.5).numpy()
    assert draws.dtype == np.float64 and draws.shape == (N, 2)
    for column, mu in zip(draws.T, (-1.0, 2.0)):
        _within_standard_errors(column, mu, 0.5)
        assert abs(column.std() - 0.5) < 4 * 0.5 / np.sqrt(2 * N)
    spread = mg.normal(3.0, mg.tensor([0.0, 2.0]).expand(N, 2)).numpy()
    assert spread.dtype == np.float32 and (spread[:, 0] == 3.0).all()
    _within_standard_errors(spread[:, 1], 3.0, 2.0)
    sized = mg.normal(1.0, 2.0, size=(N,))
    assert sized.dtype == mg.float32
    _within_standard_errors(sized.numpy(), 1.0, 2.0)


def test_poisson_mean_and_variance_are_the_rate():
    draws = mg.poisson(mg.full((N,), 4.0)).numpy()
    assert draws.dtype == np.float32 and (draws == np.round(draws)).all()
    _within_standard_errors(draws, 4.0, 2.0)
    assert abs(draws.var() - 4.0) < 0.3  # the variance's standard error is about 0.06


SAMPLERS = {
    "bernoulli": lambda: mg.bernoulli(mg.full((50,), 0.5)),
    "multinomial": lambda: mg.multinomial(mg.ones(2, 10), 5),
    "multinomial_replacement": lambda: mg.multinomial(mg.ones(10), 20, replacement=True),
    "normal": lambda: mg.normal(mg.zeros(50), 1.0),
    "poisson": lambda: mg.poisson(mg.full((50,), 3.0)),
}


@pytest.mark.parametrize("name", SAMPLERS)
def test_samplers_repeat_under_manual_seed(name):
    mg.manual_seed(11)
    first, second = SAMPLERS[name]().numpy(), SAMPLERS[name]().numpy()
    mg.manual_seed(11)
    np.testing.assert_array_equal(SAMPLERS[name]().numpy(), first)
    assert not np.array_equal(first, second)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: mg.bernoulli(mg.tensor([1.5])), ValueError, r"bernoulli: values must be \[0.0, 1.0\]"),
        (lambda: mg.bernoulli(mg.zeros(2), 2.0), ValueError, r"bernoulli: p must be in \[0, 1\]"),
        (lambda: mg.bernoulli(mg.arange(2)), TypeError, "bernoulli: expected a floating-point tensor, got int64"),
        (lambda: mg.poisson(mg.tensor([-1.0])), ValueError, "poisson: values must be >= 0.0"),
        (lambda: mg.multinomial(mg.ones(2, 2, 2), 1), ValueError, r"multinomial: expected 1-D or 2-D weights"),
        (lambda: mg.multinomial(mg.ones(3), 4), ValueError, "multinomial: num_samples must be positive and"),
        (lambda: mg.multinomial(mg.zeros(3), 1), ValueError, "multinomial: every distribution needs a positive sum"),
        (lambda: mg.multinomial(mg.tensor([1.0, 0.0]), 2), ValueError, "multinomial: fewer than 2 categories"),
        (lambda: mg.normal(0.0, 1.0), ValueError, "normal: with a number for both mean and std, pass size="),
        (lambda: mg.normal(mg.zeros(2), 1.0, size=(2,)), ValueError, "normal: size= is only for"),
        (lambda: mg.normal(0.0, mg.tensor([-1.0])), ValueError, "normal: std must be non-negative"),
    ],
)
def test_sampler_errors_name_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()
