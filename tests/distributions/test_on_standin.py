"""The distributions on 'cuda' through the strict CuPy stand-in (tests/strict_cupy.py): log_prob,
entropy, rsample, kl_divergence and their gradients, and the samples (drawn on the host from the
same seeded generator), must equal the CPU's; the `gpu` tests do the same on a real GPU."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import distributions as D
from tests.test_gpu_backend import assert_same_on_both_devices

POSITIVE = np.array([[0.5, 1.5, 2.0], [1.2, 0.7, 3.0]], dtype=np.float32)
REAL = np.array([[0.3, -1.0, 2.0], [-0.4, 0.8, 0.1]], dtype=np.float32)
LOWER = np.array([[1.5, 0.0, 0.0], [0.3, 0.9, 0.0], [-0.2, 0.4, 1.1]], dtype=np.float32)


def _seeded_rsample(dist):
    mg.manual_seed(3)
    return dist.rsample((2,))


def _value(array, like):
    return mg.tensor(array, device=like.device)


# name: (fn of float32 tensors on one device, its input arrays)
DIFFERENTIABLE = {
    "lgamma_digamma": (lambda x: x.lgamma() + mg.digamma(x * 2) + (x - 3).lgamma(), POSITIVE),
    "normal": (lambda m, s: D.Normal(m, s).log_prob(_value(REAL, m)) + D.Normal(m, s).cdf(m)
               + _seeded_rsample(D.Normal(m, s)).sum(0) + D.Normal(m, s).entropy(), REAL, POSITIVE),
    "laplace_exponential": (lambda m, s: D.Laplace(m, s).log_prob(m * 2) + D.Exponential(s).cdf(s)
                            + _seeded_rsample(D.Laplace(m, s)).sum(0)
                            + _seeded_rsample(D.Exponential(s)).sum(0), REAL, POSITIVE),
    "gamma_beta_dirichlet": (lambda a, b: D.Gamma(a, b).log_prob(b) + D.Beta(a, b).entropy()
                             + D.Dirichlet(a).log_prob(a / a.sum(-1, keepdim=True)).unsqueeze(-1),
                             POSITIVE, POSITIVE[::-1].copy()),
    "bernoulli_categorical": (lambda l: D.Bernoulli(logits=l).log_prob(_value(REAL > 0, l).float())
                              + D.Categorical(logits=l).entropy().unsqueeze(-1)
                              + D.Categorical(logits=l).log_prob(_value(np.array([2, 0]), l).long())
                              .unsqueeze(-1), REAL),
    "poisson_binomial": (lambda r, p: D.Poisson(r).log_prob(_value(np.ones((2, 3)), r))
                         + D.Binomial(4, probs=p.sigmoid()).log_prob(_value(np.full((2, 3), 3.0), p)),
                         POSITIVE, REAL),
    "mvn": (lambda m, s: D.MultivariateNormal(m, scale_tril=s.tril()).log_prob(m * 0.5)
            + D.MultivariateNormal(m, covariance_matrix=s.tril() @ s.tril().t()).entropy()
            + _seeded_rsample(D.MultivariateNormal(m, scale_tril=s.tril())).sum((0, 2)), REAL, LOWER),
    "kl": (lambda m, s: D.kl_divergence(D.Normal(m, s), D.Normal(s, m.exp()))
           + D.kl_divergence(D.Gamma(s, s), D.Gamma(m.exp(), s))
           + D.kl_divergence(D.Categorical(logits=m), D.Categorical(logits=s)).unsqueeze(-1)
           + D.kl_divergence(D.MultivariateNormal(m, scale_tril=mg.eye(3, device=m.device)),
                             D.MultivariateNormal(s, scale_tril=mg.eye(3, device=m.device)))
           .unsqueeze(-1), REAL, POSITIVE),
}

SAMPLED = {
    "normal": lambda d: D.Normal(mg.tensor(REAL, device=d), 1.0),
    "categorical": lambda d: D.Categorical(logits=mg.tensor(REAL, device=d)),
    "onehot": lambda d: D.OneHotCategorical(logits=mg.tensor(REAL, device=d)),
    "bernoulli": lambda d: D.Bernoulli(logits=mg.tensor(REAL, device=d)),
    "gamma": lambda d: D.Gamma(mg.tensor(POSITIVE, device=d), 2.0),
    "dirichlet": lambda d: D.Dirichlet(mg.tensor(POSITIVE, device=d)),
    "poisson": lambda d: D.Poisson(mg.tensor(POSITIVE, device=d)),
    "binomial": lambda d: D.Binomial(5, logits=mg.tensor(REAL, device=d)),
}


@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE))
def test_distribution_on_standin_cuda(standin_gpu, name):
    assert_same_on_both_devices(*DIFFERENTIABLE[name])


@pytest.mark.gpu
@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE))
def test_distribution_matches_cpu_on_cuda(name):
    assert_same_on_both_devices(*DIFFERENTIABLE[name])


@pytest.mark.parametrize("name", sorted(SAMPLED))
def test_samples_on_standin_cuda_equal_the_cpus(standin_gpu, name):
    drawn = {}
    for device in ("cpu", "cuda"):
        mg.manual_seed(11)
        sample = SAMPLED[name](device).sample((4,))
        assert sample.device == device
        drawn[device] = sample.numpy()
    np.testing.assert_array_equal(drawn["cuda"], drawn["cpu"])
