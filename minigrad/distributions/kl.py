"""kl_divergence(p, q) = E_p[ln p(x) − ln q(x)], in closed form for the registered pairs of
families. `register_kl(P, Q)` adds one; the most specific registered pair along both classes'
MRO is used (so a subclass inherits its parent's formula).
"""

import math

import minigrad as mg
from minigrad.distributions.bernoulli import Bernoulli
from minigrad.distributions.beta import Beta
from minigrad.distributions.categorical import Categorical, OneHotCategorical
from minigrad.distributions.dirichlet import Dirichlet, log_beta_function
from minigrad.distributions.exponential import Exponential
from minigrad.distributions.gamma import Gamma
from minigrad.distributions.independent import Independent
from minigrad.distributions.multivariate_normal import MultivariateNormal
from minigrad.distributions.normal import Normal
from minigrad.distributions.uniform import Uniform
from minigrad.linalg import solve_triangular
from minigrad.ops.elementwise import softplus
from minigrad.ops.gamma_functions import digamma, lgamma

_KL_REGISTRY = {}


def register_kl(type_p, type_q):
    """Decorator: `@register_kl(Normal, Normal) def kl(p, q): ...`."""

    def register(function):
        _KL_REGISTRY[type_p, type_q] = function
        return function

    return register


def kl_divergence(p, q):
    for type_p in type(p).__mro__:
        for type_q in type(q).__mro__:
            if (type_p, type_q) in _KL_REGISTRY:
                return _KL_REGISTRY[type_p, type_q](p, q)
    raise NotImplementedError(
        f"kl_divergence: no formula is registered for {type(p).__name__} and {type(q).__name__}"
    )


def _infinite_where(condition, value):
    return mg.where(condition, math.inf, value)


@register_kl(Normal, Normal)
def _kl_normal_normal(p, q):
    """½ (σp²/σq² + (μp − μq)²/σq² − 1 − ln(σp²/σq²))."""
    variance_ratio = (p.scale / q.scale) ** 2
    shift = ((p.loc - q.loc) / q.scale) ** 2
    return 0.5 * (variance_ratio + shift - 1 - variance_ratio.log())


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p, q):
    """p ln(p/q) + (1 − p) ln((1 − p)/(1 − q)), in the logits: ln p = −softplus(−l),
    ln(1 − p) = −softplus(l). A term is 0 where p puts no mass, inf where q puts none."""
    ones = p.probs * (softplus(-q.logits) - softplus(-p.logits))
    ones = mg.where(p.probs == 0, 0.0, _infinite_where(q.probs == 0, ones))
    zeros = (1 - p.probs) * (softplus(q.logits) - softplus(p.logits))
    zeros = mg.where(p.probs == 1, 0.0, _infinite_where(q.probs == 1, zeros))
    return ones + zeros


@register_kl(Categorical, Categorical)
def _kl_categorical_categorical(p, q):
    """Σₖ pₖ (ln pₖ − ln qₖ); 0 where pₖ = 0, inf where qₖ = 0 < pₖ."""
    terms = p.probs * (p.logits - q.logits)
    terms = _infinite_where((q.probs == 0).expand(*terms.shape), terms)
    return mg.where((p.probs == 0).expand(*terms.shape), 0.0, terms).sum(-1)


@register_kl(OneHotCategorical, OneHotCategorical)
def _kl_onehot_onehot(p, q):
    return _kl_categorical_categorical(p._categorical, q._categorical)


@register_kl(Uniform, Uniform)
def _kl_uniform_uniform(p, q):
    """ln((high_q − low_q)/(high_p − low_p)), inf unless q's interval covers p's."""
    ratio = ((q.high - q.low) / (p.high - p.low)).log()
    return _infinite_where((q.low > p.low) | (q.high < p.high), ratio)


@register_kl(Exponential, Exponential)
def _kl_exponential_exponential(p, q):
    """λq/λp − 1 − ln(λq/λp)."""
    ratio = q.rate / p.rate
    return ratio - 1 - ratio.log()


@register_kl(Gamma, Gamma)
def _kl_gamma_gamma(p, q):
    """αq ln(βp/βq) + lgamma αq − lgamma αp + (αp − αq) ψ(αp) + (βq − βp) αp/βp."""
    ap, bp, aq, bq = p.concentration, p.rate, q.concentration, q.rate
    return (
        aq * (bp / bq).log()
        + lgamma(aq)
        - lgamma(ap)
        + (ap - aq) * digamma(ap)
        + (bq - bp) * (ap / bp)
    )


@register_kl(Dirichlet, Dirichlet)
def _kl_dirichlet_dirichlet(p, q):
    """ln B(αq) − ln B(αp) + Σₖ (αp,k − αq,k)(ψ(αp,k) − ψ(αp,0))."""
    ap, aq = p.concentration, q.concentration
    total = ap.sum(-1, keepdim=True)
    gaps = ((ap - aq) * (digamma(ap) - digamma(total))).sum(-1)
    return log_beta_function(aq) - log_beta_function(ap) + gaps


@register_kl(Beta, Beta)
def _kl_beta_beta(p, q):
    return _kl_dirichlet_dirichlet(p._dirichlet, q._dirichlet)


@register_kl(MultivariateNormal, MultivariateNormal)
def _kl_mvn_mvn(p, q):
    """Σ ln Lq,ii − Σ ln Lp,ii + ½ (‖Lq⁻¹ Lp‖² + ‖Lq⁻¹(μq − μp)‖² − k)."""
    if p.event_shape != q.event_shape:
        raise ValueError(
            f"kl_divergence: MultivariateNormals of event shapes {p.event_shape} and "
            f"{q.event_shape} cannot be compared"
        )
    k = p.event_shape[0]
    trace = (solve_triangular(q.scale_tril, p.scale_tril, upper=False) ** 2).sum((-2, -1))
    shift = solve_triangular(q.scale_tril, (q.loc - p.loc).unsqueeze(-1), upper=False).squeeze(-1)
    return q._half_log_det() - p._half_log_det() + 0.5 * (trace + (shift**2).sum(-1) - k)


@register_kl(Independent, Independent)
def _kl_independent_independent(p, q):
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
        raise NotImplementedError(
            "kl_divergence: Independents with different reinterpreted_batch_ndims"
        )
    return p._sum_reinterpreted(kl_divergence(p.base_dist, q.base_dist))
