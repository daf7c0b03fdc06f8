"""Gradients, all against central finite differences in float64: log_prob, entropy and KL
with respect to every family's parameters, and rsample through the reparameterisation (the
noise held fixed by re-seeding at every evaluation)."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import distributions as D
from tests.gradients import check_gradients

rng = np.random.default_rng(0)


def u(low, high, *shape):
    return rng.uniform(low, high, shape)


def one_hot(index, k):
    return np.eye(k)[index]


SPD = u(-1, 1, 3, 3) @ u(-1, 1, 3, 3).T + 3 * np.eye(3)
# family: (constructor of the float64 parameter tensors, parameter arrays, a value in the support)
FAMILIES = {
    "normal": (D.Normal, [u(-1, 1, 3), u(0.5, 2, 3)], u(-2, 2, 2, 3)),
    "uniform": (D.Uniform, [np.zeros(3), u(2, 3, 3)], u(0.1, 1.9, 3)),
    "bernoulli": (lambda l: D.Bernoulli(logits=l), [u(-3, 3, 4)], np.array([0.0, 1.0, 1.0, 0.0])),
    "categorical": (lambda l: D.Categorical(logits=l), [u(-2, 2, 2, 4)], np.array([3, 0])),
    "categorical_probs": (lambda p: D.Categorical(probs=p), [u(0.2, 1, 2, 4)], np.array([1, 2])),
    "onehot": (lambda p: D.OneHotCategorical(probs=p), [u(0.2, 1, 3)], one_hot(2, 3)),
    "exponential": (D.Exponential, [u(0.5, 2, 3)], u(0.1, 3, 3)),
    "laplace": (D.Laplace, [u(-1, 1, 3), u(0.5, 2, 3)], u(-2, 2, 3) + 0.05),
    "gamma": (D.Gamma, [u(0.5, 4, 3), u(0.5, 2, 3)], u(0.2, 3, 3)),
    "beta": (D.Beta, [u(0.5, 4, 3), u(0.5, 4, 3)], u(0.1, 0.9, 3)),
    "dirichlet": (D.Dirichlet, [u(0.5, 4, 2, 3)], np.array([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])),
    "poisson": (D.Poisson, [u(0.5, 5, 3)], np.array([0.0, 2.0, 7.0])),
    "binomial": (lambda p: D.Binomial(5, probs=p), [u(0.1, 0.9, 3)], np.array([0.0, 2.0, 5.0])),
    "mvn_covariance": (lambda m, c: D.MultivariateNormal(m, covariance_matrix=(c + c.T) / 2),
                       [u(-1, 1, 3), SPD], u(-2, 2, 2, 3)),
    "mvn_precision": (lambda m, p: D.MultivariateNormal(m, precision_matrix=(p + p.T) / 2),
                      [u(-1, 1, 3), SPD], u(-2, 2, 2, 3)),
    "mvn_scale_tril": (lambda m, s: D.MultivariateNormal(m, scale_tril=s.tril()),
                       [u(-1, 1, 3), np.linalg.cholesky(SPD)], u(-2, 2, 3)),
    "independent": (lambda m, s: D.Independent(D.Normal(m, s), 1), [u(-1, 1, 3), u(0.5, 2, 3)],
                    u(-2, 2, 2, 3)),
}
NO_ENTROPY = {"poisson"}


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_log_prob_and_entropy_gradients_wrt_parameters(name):
    make, params, value = FAMILIES[name]
    check_gradients(lambda *p: make(*p).log_prob(mg.tensor(value)), *params)
    if name not in NO_ENTROPY:
        check_gradients(lambda *p: make(*p).entropy(), *params)


def _kl_of(name):
    make, params, _ = FAMILIES[name]
    # q a little off p; for Uniform a wider interval around p's, where the KL is finite
    others = [a + (-0.5, 0.5)[i] for i, a in enumerate(params)] if name == "uniform" else [
        a * 1.1 for a in params]
    return lambda *p: D.kl_divergence(make(*p[: len(params)]), make(*p[len(params):])), params + others


@pytest.mark.parametrize("name", ["normal", "bernoulli", "categorical", "mvn_scale_tril",
                                  "exponential", "gamma", "beta", "dirichlet", "uniform"])
def test_kl_gradients_wrt_both_sides_parameters(name):
    fn, params = _kl_of(name)
    check_gradients(fn, *params)


def _fixed_noise(make):
    """rsample with the same noise at every call, so finite differences see a smooth function."""

    def draw(*params):
        mg.manual_seed(7)
        return make(*params).rsample((2,))

    return draw


@pytest.mark.parametrize("name", ["normal", "uniform", "exponential", "laplace", "mvn_covariance",
                                  "mvn_precision", "mvn_scale_tril", "independent"])
def test_rsample_gradients_flow_to_the_parameters(name):
    make, params, _ = FAMILIES[name]
    check_gradients(_fixed_noise(make), *params)


def test_rsample_is_the_reparameterisation_identity():
    # x = μ + σε: dx/dμ = 1 and dx/dσ = ε = (x − μ)/σ, per element
    loc = mg.tensor([0.5, -1.0], dtype=mg.float64, requires_grad=True)
    scale = mg.tensor([2.0, 0.3], dtype=mg.float64, requires_grad=True)
    x = D.Normal(loc, scale).rsample((5,))
    x.sum().backward()
    np.testing.assert_allclose(loc.grad.numpy(), [5.0, 5.0])
    noise = (x.detach().numpy() - loc.detach().numpy()) / scale.detach().numpy()
    np.testing.assert_allclose(scale.grad.numpy(), noise.sum(0))
