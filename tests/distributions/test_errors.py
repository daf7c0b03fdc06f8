"""Bad parameters and values raise our ValueError/TypeError naming the family and what is wrong;
what minigrad leaves out raises NotImplementedError saying so; validate_args=False turns the
checks off as in PyTorch. Also float32 stays float32, and extreme inputs stay finite."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import distributions as D


def t(*values):
    return mg.tensor(list(values))


@pytest.mark.parametrize("make, match", [
    (lambda: D.Normal(t(0.0, 1.0), t(1.0, -1.0)), "Normal: parameter scale .* positive"),
    (lambda: D.Exponential(t(0.0)), "Exponential: parameter rate"),
    (lambda: D.Gamma(t(1.0), t(-2.0)), "Gamma: parameter rate"),
    (lambda: D.Beta(t(0.0), t(1.0)), "Dirichlet: parameter concentration"),
    (lambda: D.Bernoulli(probs=t(1.5)), "Bernoulli: parameter probs"),
    (lambda: D.Bernoulli(probs=t(0.5), logits=t(0.0)), "Bernoulli: pass either probs or logits"),
    (lambda: D.Bernoulli(), "Bernoulli: pass either probs or logits"),
    (lambda: D.Categorical(probs=t(0.5, -0.1)), "Categorical: probs must be non-negative"),
    (lambda: D.Categorical(logits=mg.tensor(1.0)), "Categorical: logits must be a tensor"),
    (lambda: D.Uniform(t(1.0), t(1.0)), "Uniform: low must be below high"),
    (lambda: D.Binomial(2.5, probs=t(0.5)), "Binomial: parameter total_count"),
    (lambda: D.Poisson(t(-1.0)), "Poisson: parameter rate"),
    (lambda: D.MultivariateNormal(t(0.0, 0.0), covariance_matrix=mg.tensor([[1.0, 2.0], [2.0, 1.0]])),
     "MultivariateNormal: parameter covariance_matrix .* positive-definite"),
    (lambda: D.MultivariateNormal(t(0.0, 0.0), scale_tril=mg.tensor([[1.0, 1.0], [0.0, 1.0]])),
     "parameter scale_tril .* lower-triangular"),
    (lambda: D.MultivariateNormal(t(0.0, 0.0), mg.eye(2), scale_tril=mg.eye(2)), "exactly one"),
    (lambda: D.MultivariateNormal(t(0.0, 0.0)), "exactly one of covariance_matrix, precision"),
    (lambda: D.MultivariateNormal(t(0.0, 0.0), precision_matrix=-mg.eye(2)),
     "parameter precision_matrix .* positive-definite"),
    (lambda: D.MultivariateNormal(t(0.0, 0.0, 0.0), mg.eye(2)), r"shapes \(3,\) and \(2, 2\)"),
    (lambda: D.Independent(D.Normal(t(0.0), t(1.0)), 2), "reinterpreted_batch_ndims must be in"),
])
def test_bad_parameters_raise_value_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("dist, value, match", [
    (D.Normal(t(0.0, 1.0), t(1.0, 1.0)), t(0.0, 1.0, 2.0), r"shape \(3,\) does not broadcast"),
    (D.Exponential(t(1.0)), t(-0.5), "Exponential: value .* non-negative"),
    (D.Bernoulli(probs=t(0.3)), t(0.5), "Bernoulli: value .* 0 or 1"),
    (D.Categorical(logits=t(0.0, 1.0)), mg.tensor([2]), r"Categorical: value .* in \[0, 2\)"),
    (D.Poisson(t(2.0)), t(1.5), "Poisson: value .* non-negative integer"),
    (D.Binomial(3, probs=t(0.5)), t(4.0), "Binomial: value"),
    (D.Uniform(t(0.0), t(1.0)), t(1.5), "Uniform: value"),
    (D.Dirichlet(t(1.0, 1.0)), t(0.5, 0.6), "Dirichlet: value .* simplex"),
    (D.OneHotCategorical(probs=t(0.5, 0.5)), t(1.0, 1.0), "OneHotCategorical: value .* one-hot"),
])
def test_values_outside_the_support_raise_value_error(dist, value, match):
    with pytest.raises(ValueError, match=match):
        dist.log_prob(value)


def test_a_value_that_is_not_a_tensor_raises_type_error():
    with pytest.raises(TypeError, match="Normal: the value must be a tensor, got float"):
        D.Normal(0.0, 1.0).log_prob(0.5)
    with pytest.raises(TypeError, match="expected tensors or numbers as parameters, got str"):
        D.Normal("0", 1.0)
    with pytest.raises(TypeError, match="MultivariateNormal: loc and the matrix must be tensors"):
        D.MultivariateNormal([0.0], mg.eye(1))


def test_what_is_left_out_says_so():
    with pytest.raises(NotImplementedError, match="no formula is registered for Normal and Exponential"):
        D.kl_divergence(D.Normal(0.0, 1.0), D.Exponential(1.0))
    with pytest.raises(NotImplementedError, match="Gamma.rsample"):
        D.Gamma(1.0, 1.0).rsample()
    with pytest.raises(NotImplementedError, match="Beta has no rsample"):
        D.Beta(1.0, 1.0).rsample()
    with pytest.raises(NotImplementedError, match="Poisson.entropy"):
        D.Poisson(t(1.0)).entropy()
    with pytest.raises(NotImplementedError, match="Bernoulli has no rsample"):
        D.Bernoulli(probs=t(0.5)).rsample()
    with pytest.raises(NotImplementedError, match="total_count must be the same"):
        D.Binomial(mg.tensor([2.0, 3.0]), probs=t(0.5, 0.5)).entropy()


def test_validate_args_false_skips_the_checks_as_pytorch():
    D.Normal(t(0.0), t(-1.0), validate_args=False)  # no error
    uniform = D.Uniform(t(0.0), t(1.0), validate_args=False)
    assert uniform.log_prob(t(2.0)).item() == -math.inf
    assert D.Uniform(t(0.0), t(1.0)).log_prob(t(1.0)).item() == -math.inf  # high: no error
    try:
        D.Distribution.set_default_validate_args(False)
        assert D.Poisson(t(-1.0)).rate.item() == -1.0
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError, match="expected True or False"):
        D.Distribution.set_default_validate_args("yes")


def test_float32_stays_float32():
    x = t(0.5, 1.5)
    for dist, value in [(D.Normal(x, x), x), (D.Gamma(x, x), x), (D.Beta(x, x), t(0.2, 0.7)),
                        (D.Bernoulli(logits=x), t(1.0, 0.0)), (D.Poisson(x), t(1.0, 2.0)),
                        (D.MultivariateNormal(x, covariance_matrix=mg.eye(2)), x)]:
        assert dist.log_prob(value).dtype == mg.float32, type(dist).__name__
        assert dist.mean.dtype == mg.float32


def test_extreme_logits_and_values_stay_finite():
    logits = mg.tensor([-1e4, 1e4, -1e4, 1e4])
    log_p = D.Bernoulli(logits=logits).log_prob(t(0.0, 1.0, 1.0, 0.0)).numpy()
    np.testing.assert_allclose(log_p, [0.0, 0.0, -1e4, -1e4])  # exact: log(1 − σ(−1e4)) = 0
    assert np.isfinite(D.Normal(t(0.0), t(1.0)).log_prob(t(1e4)).numpy()).all()
    assert np.isfinite(D.Categorical(logits=mg.tensor([0.0, 1e4])).log_prob(mg.tensor(0)).numpy())
    # 0·ln 0 counts as 0; the 1 is clamped to 1 − eps before its log, as PyTorch (1.19e-7)
    entropy = D.Categorical(probs=t(0.0, 1.0)).entropy()
    assert entropy.item() == pytest.approx(-math.log(1 - np.finfo(np.float32).eps), rel=1e-3)
