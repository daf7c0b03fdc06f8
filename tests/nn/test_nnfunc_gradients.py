"""Backward against central finite differences (float64) for the activations, distance
functions and losses of nn/functional/{activation, activation_along_dim, distance,
local_response_norm, margin_loss, likelihood_loss}.py, at inputs drawn by hypothesis.

Inputs keep 0.1 away from an activation's kinks (where the two one-sided slopes differ and
finite differences straddling the kink would average them). Labels and class indices are
constants of each drawn example: they take no gradient.
"""

import numpy as np
import pytest
from hypothesis import given

import minigrad as mg
import minigrad.nn.functional as F
from tests.gradients import check_gradients
from tests.nn.gradcheck_helpers import seeds


def values(rng, *shape, kinks=()):
    """Uniform in [-4, 4], moved 0.2 up where within 0.1 of a kink."""
    x = rng.uniform(-4, 4, shape)
    for kink in kinks:
        x = np.where(np.abs(x - kink) < 0.1, x + 0.2, x)
    return x


def seeded(fn):
    """fn with its random draws fixed: gradcheck calls it many times and each call must draw
    the same numbers."""
    def call(*tensors):
        mg.manual_seed(1)
        return fn(*tensors)
    return call


# name: (function of the input, its kinks)
ACTIVATIONS = {
    "relu6": (F.relu6, (0, 6)),
    "hardsigmoid": (F.hardsigmoid, (-3, 3)),
    "hardswish": (F.hardswish, (-3, 3)),
    "logsigmoid": (F.logsigmoid, ()),
    "tanhshrink": (F.tanhshrink, ()),
    "celu": (lambda x: F.celu(x, 0.7), ()),
    "threshold": (lambda x: F.threshold(x, 0.5, -2.0), (0.5,)),
    "softshrink": (lambda x: F.softshrink(x, 0.8), (-0.8, 0.8)),
    "hardshrink": (F.hardshrink, (-0.5, 0.5)),
    "rrelu_eval": (F.rrelu, (0,)),
    "rrelu_training": (seeded(lambda x: F.rrelu(x, 0.1, 0.6, training=True)), (0,)),
    "softmin": (lambda x: F.softmin(x, dim=1), ()),
    "glu": (lambda x: F.glu(x, dim=-1), ()),
    "gumbel_softmax": (seeded(lambda x: F.gumbel_softmax(x, tau=0.7, dim=0)), ()),
    "normalize": (lambda x: F.normalize(x, dim=1), ()),
    "normalize_p1_dim0": (lambda x: F.normalize(x, p=1.0, dim=0), (0,)),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
@given(seed=seeds)
def test_activation_gradient_matches_finite_differences(name, seed):
    function, kinks = ACTIVATIONS[name]
    check_gradients(function, values(np.random.default_rng(seed), 2, 4, kinks=kinks))


@given(seed=seeds)
def test_prelu_gradients_reach_input_and_slopes(seed):
    rng = np.random.default_rng(seed)
    check_gradients(F.prelu, values(rng, 2, 3, 2, kinks=(0,)), rng.uniform(0, 1, 3))


@given(seed=seeds)
def test_local_response_norm_gradient(seed):
    rng = np.random.default_rng(seed)
    check_gradients(lambda x: F.local_response_norm(x, 3, alpha=0.5, k=1.5),
                    values(rng, 2, 4, 3))


PAIRS = {
    "pairwise_distance": lambda a, b: F.pairwise_distance(a, b),
    "pairwise_distance_p3_keepdim": lambda a, b: F.pairwise_distance(a, b, p=3.0, keepdim=True),
    "cosine_similarity_dim0": lambda a, b: F.cosine_similarity(a, b, dim=0),
}


@pytest.mark.parametrize("name", PAIRS)
@given(seed=seeds)
def test_distance_gradient_matches_finite_differences(name, seed):
    rng = np.random.default_rng(seed)
    check_gradients(PAIRS[name], values(rng, 2, 3), values(rng, 2, 3))


def labels(rng, *shape):
    return mg.tensor(rng.choice([-1.0, 1.0], shape))


def same_shape_values(*shape, count):
    return lambda rng: [values(rng, *shape) for _ in range(count)]


# name: (loss of (constants, *tensors), the constants drawn from a Generator, the arrays)
LOSSES = {
    "margin_ranking_loss": (
        lambda y, a, b: F.margin_ranking_loss(a, b, y, margin=0.5),
        lambda rng: labels(rng, 5), same_shape_values(5, count=2)),
    "hinge_embedding_loss": (
        lambda y, x: F.hinge_embedding_loss(x, y, margin=2.0, reduction="sum"),
        lambda rng: labels(rng, 2, 3), same_shape_values(2, 3, count=1)),
    "cosine_embedding_loss": (
        lambda y, a, b: F.cosine_embedding_loss(a, b, y, margin=-0.2),
        lambda rng: labels(rng, 2), same_shape_values(2, 3, count=2)),
    "triplet_margin_loss_swap": (
        lambda _, a, p, n: F.triplet_margin_loss(a, p, n, margin=3.0, swap=True,
                                                 reduction="none"),
        lambda rng: None, same_shape_values(2, 3, count=3)),
    "triplet_margin_with_cosine_distance": (
        lambda distance, a, p, n: F.triplet_margin_with_distance_loss(
            a, p, n, distance_function=distance, margin=0.8),
        lambda rng: lambda x, y: 1 - F.cosine_similarity(x, y), same_shape_values(2, 2, count=3)),
    "soft_margin_loss": (
        lambda y, x: F.soft_margin_loss(x, y),
        lambda rng: labels(rng, 2, 3), same_shape_values(2, 3, count=1)),
    "multilabel_soft_margin_loss_weight": (
        lambda w, x, y: F.multilabel_soft_margin_loss(x, y, w),
        lambda rng: mg.tensor(rng.uniform(0.5, 2, 4)),
        lambda rng: [values(rng, 3, 4), rng.uniform(0, 1, (3, 4))]),
    "multi_margin_loss_p2_weight": (
        lambda yw, x: F.multi_margin_loss(x, yw[0], p=2, weight=yw[1], margin=2.0),
        lambda rng: (mg.tensor(rng.integers(0, 4, 3)), mg.tensor(rng.uniform(0.5, 2, 4))),
        same_shape_values(3, 4, count=1)),
    "multilabel_margin_loss": (
        lambda y, x: F.multilabel_margin_loss(x, y),
        lambda rng: mg.tensor(np.array([[2, 0, -1, 3], [1, 2, 3, -1]])),
        same_shape_values(2, 4, count=1)),
    "poisson_nll_loss_full": (
        lambda _, x, y: F.poisson_nll_loss(x, y, full=True),
        lambda rng: None, lambda rng: [values(rng, 6), rng.uniform(0, 4, 6)]),
    "poisson_nll_loss_rate": (
        lambda _, x, y: F.poisson_nll_loss(x, y, log_input=False),
        lambda rng: None, lambda rng: [rng.uniform(0.1, 4, 6), rng.uniform(0, 4, 6)]),
    "gaussian_nll_loss_shared_var": (
        lambda _, x, y, v: F.gaussian_nll_loss(x, y, v, full=True, reduction="sum"),
        lambda rng: None, lambda rng: [values(rng, 3, 2), values(rng, 3, 2),
                                       rng.uniform(0.2, 2, 3)]),
}


@pytest.mark.parametrize("name", LOSSES)
@given(seed=seeds)
def test_loss_gradient_matches_finite_differences(name, seed):
    loss, draw_constants, draw_arrays = LOSSES[name]
    rng = np.random.default_rng(seed)
    constants = draw_constants(rng)
    check_gradients(lambda *tensors: loss(constants, *tensors), *draw_arrays(rng))
