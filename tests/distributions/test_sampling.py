"""Samples: their shape and dtype, their moments against the distribution's own mean and
variance (20,000 draws at a fixed seed; a sampler with, say, rate and scale swapped is off by
far more than the five standard errors allowed), and their determinism under mg.manual_seed."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import distributions as D

N = 20_000


def t(*values):
    return mg.tensor(list(values))


COVARIANCE = mg.tensor([[2.0, 0.6, 0.0], [0.6, 1.0, -0.3], [0.0, -0.3, 0.5]])
FAMILIES = {
    "normal": lambda: D.Normal(t(1.0, -2.0), t(0.5, 3.0)),
    "uniform": lambda: D.Uniform(t(-1.0, 2.0), t(3.0, 2.5)),
    "bernoulli": lambda: D.Bernoulli(probs=t(0.1, 0.5, 0.85)),
    "bernoulli_logits": lambda: D.Bernoulli(logits=t(-2.0, 3.0)),
    "categorical": lambda: D.Categorical(probs=mg.tensor([[0.1, 0.6, 0.3], [0.5, 0.0, 0.5]])),
    "onehot": lambda: D.OneHotCategorical(logits=t(0.0, 1.0, -1.0, 2.0)),
    "exponential": lambda: D.Exponential(t(0.5, 4.0)),
    "laplace": lambda: D.Laplace(t(0.0, 3.0), t(1.0, 0.2)),
    "gamma": lambda: D.Gamma(t(0.5, 3.0), t(2.0, 0.5)),
    "beta": lambda: D.Beta(t(0.5, 2.0), t(3.0, 2.0)),
    "dirichlet": lambda: D.Dirichlet(t(0.5, 2.0, 4.0)),
    "poisson": lambda: D.Poisson(t(0.7, 12.0)),
    "binomial": lambda: D.Binomial(mg.tensor([5.0, 20.0]), probs=t(0.3, 0.9)),
    "mvn": lambda: D.MultivariateNormal(t(1.0, 0.0, -1.0), covariance_matrix=COVARIANCE),
    "independent": lambda: D.Independent(D.Normal(t(1.0, -2.0), t(0.5, 3.0)), 1),
}


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_sample_moments_match_mean_and_variance(name):
    mg.manual_seed(0)
    dist = FAMILIES[name]()
    samples = dist.sample((N,))
    assert samples.shape == (N, *dist.batch_shape, *dist.event_shape)
    x = samples.numpy().astype(np.float64)
    mean, variance = dist.mean.numpy(), dist.variance.numpy()
    if name == "categorical":  # no mean: compare the frequencies with the probabilities
        frequencies = np.stack([(x == k).mean(0) for k in range(3)], -1)
        np.testing.assert_allclose(frequencies, dist.probs.numpy(), atol=0.012)
        return
    np.testing.assert_allclose(x.mean(0), mean, atol=5 * np.sqrt(variance.max() / N))
    np.testing.assert_allclose(x.var(0), variance, rtol=0.06, atol=1e-3)


def test_multivariate_normal_samples_have_its_covariance():
    mg.manual_seed(1)
    x = FAMILIES["mvn"]().rsample((N,)).numpy().astype(np.float64)
    np.testing.assert_allclose(np.cov(x.T), COVARIANCE.numpy(), atol=0.05)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_samples_are_reproducible_under_manual_seed(name):
    dist = FAMILIES[name]()
    mg.manual_seed(123)
    first = dist.sample((3,)).numpy()
    mg.manual_seed(123)
    np.testing.assert_array_equal(dist.sample((3,)).numpy(), first)
    assert not np.array_equal(dist.sample((200,)).numpy(), dist.sample((200,)).numpy())


def test_sample_dtypes_follow_the_parameters():
    assert D.Normal(t(0.0), t(1.0)).sample((2,)).dtype == mg.float32
    assert D.Gamma(mg.tensor([2.0], dtype=mg.float64), 1.0).sample().dtype == mg.float64
    assert D.Categorical(logits=t(0.0, 1.0)).sample((4,)).dtype == mg.int64
    assert D.Poisson(t(3.0)).sample().dtype == mg.float32


def test_sample_carries_no_gradient_and_rsample_does():
    loc = mg.tensor([0.0, 1.0], requires_grad=True)
    dist = D.Normal(loc, 1.0)
    assert not dist.sample().requires_grad
    assert dist.rsample().requires_grad
    assert dist.has_rsample and not D.Gamma(1.0, 1.0).has_rsample


def test_small_gamma_concentrations_give_positive_samples():
    mg.manual_seed(0)
    x = D.Gamma(mg.tensor([1e-3]), 1.0).sample((1000,))
    assert (x.numpy() > 0).all()  # clamped to the smallest normal float, as PyTorch
