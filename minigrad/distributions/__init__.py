"""Probability distributions with torch.distributions' names: parameters, `sample`, `rsample`
(reparameterised, where the family has one), `log_prob`, `entropy`, `cdf`/`icdf`, moments, and
`kl_divergence` for pairs of families. One file per family; `distribution.py` is the base.

    d = mg.distributions.Normal(loc, scale)
    loss = -d.log_prob(x).mean()                 # gradients flow to loc and scale
"""

from minigrad.distributions import constraints  # noqa: F401
from minigrad.distributions.bernoulli import Bernoulli  # noqa: F401
from minigrad.distributions.beta import Beta  # noqa: F401
from minigrad.distributions.binomial import Binomial  # noqa: F401
from minigrad.distributions.categorical import Categorical, OneHotCategorical  # noqa: F401
from minigrad.distributions.dirichlet import Dirichlet  # noqa: F401
from minigrad.distributions.distribution import Distribution  # noqa: F401
from minigrad.distributions.exponential import Exponential  # noqa: F401
from minigrad.distributions.gamma import Gamma  # noqa: F401
from minigrad.distributions.independent import Independent  # noqa: F401
from minigrad.distributions.kl import kl_divergence, register_kl  # noqa: F401
from minigrad.distributions.laplace import Laplace  # noqa: F401
from minigrad.distributions.multivariate_normal import MultivariateNormal  # noqa: F401
from minigrad.distributions.normal import Normal  # noqa: F401
from minigrad.distributions.poisson import Poisson  # noqa: F401
from minigrad.distributions.uniform import Uniform  # noqa: F401
