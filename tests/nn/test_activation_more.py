"""The activation layers and functions added after the first set (PReLU, RReLU, ReLU6,
Hardswish, ..., GLU, gumbel_softmax), one_hot, the distance layers and LocalResponseNorm:
what the torch fixtures cannot show (random draws, parameters, modules, errors)."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn

LAYERS_AND_FUNCTIONS = [
    (nn.ReLU6(), F.relu6),
    (nn.Hardsigmoid(), F.hardsigmoid),
    (nn.Hardswish(), F.hardswish),
    (nn.LogSigmoid(), F.logsigmoid),
    (nn.CELU(0.5), lambda x: F.celu(x, 0.5)),
    (nn.Threshold(0.2, -1.0), lambda x: F.threshold(x, 0.2, -1.0)),
    (nn.Tanhshrink(), F.tanhshrink),
    (nn.Softshrink(0.3), lambda x: F.softshrink(x, 0.3)),
    (nn.Hardshrink(0.3), lambda x: F.hardshrink(x, 0.3)),
    (nn.Softmin(dim=0), lambda x: F.softmin(x, 0)),
    (nn.GLU(dim=1), lambda x: F.glu(x, 1)),
    (nn.RReLU(0.1, 0.3).eval(), lambda x: F.leaky_relu(x, 0.2)),
    (nn.LocalResponseNorm(2), lambda x: F.local_response_norm(x, 2)),
]


@pytest.mark.parametrize("layer, function", LAYERS_AND_FUNCTIONS, ids=lambda v: repr(v)[:30])
def test_layer_applies_its_function_and_keeps_float32(layer, function):
    x = mg.randn(3, 4, 2)
    out = layer(x)
    assert out.dtype == mg.float32
    np.testing.assert_allclose(out.numpy(), function(x).numpy(), rtol=1e-6)


def test_prelu_learns_one_slope_per_channel_named_weight():
    layer = nn.PReLU(num_parameters=3, init=0.1)
    assert list(layer.state_dict()) == ["weight"]
    np.testing.assert_array_equal(layer.weight.numpy(), np.full(3, 0.1, np.float32))
    x = mg.tensor(np.array([[-1.0, -2.0, 3.0]], np.float32))
    layer(x).sum().backward()
    np.testing.assert_allclose(layer.weight.grad.numpy(), [-1.0, -2.0, 0.0])


def test_rrelu_draws_seeded_slopes_in_range_while_training_and_uses_the_mean_in_eval():
    layer, x = nn.RReLU(0.1, 0.3), -mg.ones(1000)
    mg.manual_seed(3)
    first = layer(x).numpy()
    mg.manual_seed(3)
    np.testing.assert_array_equal(layer(x).numpy(), first)
    assert -0.3 <= first.min() and first.max() <= -0.1 and first.std() > 0.05
    np.testing.assert_allclose(layer.eval()(x).numpy(), np.full(1000, -0.2), rtol=1e-6)
    np.testing.assert_array_equal(layer.train()(mg.ones(3)).numpy(), np.ones(3))


def test_rrelu_gradient_is_the_drawn_slope():
    x = mg.tensor(np.full(5, -2.0), requires_grad=True)
    mg.manual_seed(0)
    out = F.rrelu(x, training=True)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), out.numpy() / -2.0)


def test_softmax2d_normalises_over_the_channels_of_each_pixel():
    out = nn.Softmax2d()(mg.randn(2, 3, 4, 5)).numpy()
    np.testing.assert_allclose(out.sum(axis=1), np.ones((2, 4, 5)), rtol=1e-6)
    with pytest.raises(ValueError, match=r"Softmax2d: expected .* got shape \(2, 3\)"):
        nn.Softmax2d()(mg.randn(2, 3))


def test_logsigmoid_is_finite_at_plus_minus_1e4_in_float32():
    x = mg.tensor(np.array([-1e4, 1e4], np.float32), requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = F.logsigmoid(x)
        out.sum().backward()
    np.testing.assert_allclose(out.numpy(), [-1e4, 0.0])
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 0.0])
    assert out.dtype == x.grad.dtype == mg.float32


def test_hard_gumbel_softmax_is_one_hot_with_the_soft_samples_gradient():
    logits = mg.tensor(np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]]), requires_grad=True)
    weights = mg.tensor(np.array([[1.0, -2.0, 0.5], [3.0, 0.0, 1.0]]))
    grads = {}
    for hard in (False, True):
        mg.manual_seed(5)
        sample = F.gumbel_softmax(logits, tau=0.5, hard=hard)
        (sample * weights).sum().backward()
        grads[hard], logits.grad = logits.grad.numpy(), None
    assert sorted(sample.numpy().ravel().tolist()) == [0, 0, 0, 0, 1, 1]
    np.testing.assert_allclose(grads[True], grads[False])


def test_gumbel_softmax_samples_follow_the_softmax_of_the_logits():
    logits = mg.tensor(np.log(np.array([0.2, 0.5, 0.3], np.float32))).expand(4000, 3)
    samples = F.gumbel_softmax(logits, hard=True).numpy()
    np.testing.assert_allclose(samples.mean(axis=0), [0.2, 0.5, 0.3], atol=0.03)
    assert samples.dtype == np.float32


def test_one_hot_gives_int64_rows_of_the_identity():
    out = F.one_hot(mg.tensor(np.array([[0, 2], [1, 0]])), num_classes=4)
    assert out.dtype == mg.int64 and out.shape == (2, 2, 4)
    np.testing.assert_array_equal(out.numpy(), np.eye(4, dtype=np.int64)[[[0, 2], [1, 0]]])
    assert F.one_hot(mg.tensor(np.array([3, 1]))).shape == (2, 4)


@pytest.mark.parametrize("values, num_classes, error, message", [
    (np.array([1, -1]), -1, ValueError, "one_hot: class values must be non-negative, got -1"),
    (np.array([1, 3]), 3, ValueError, "one_hot: class value 3 does not fit num_classes=3"),
    (np.array([1.0, 2.0]), -1, TypeError, "one_hot: expected an int64 tensor .* float64"),
    (np.array([], np.int64), -1, ValueError, "one_hot: cannot infer num_classes"),
])
def test_one_hot_errors(values, num_classes, error, message):
    with pytest.raises(error, match=message):
        F.one_hot(mg.tensor(values), num_classes)


def test_distance_layers_call_their_functions_with_their_options():
    x1, x2 = mg.randn(3, 4), mg.randn(3, 4)
    np.testing.assert_array_equal(nn.PairwiseDistance(p=1.0, keepdim=True)(x1, x2).numpy(),
                                  F.pairwise_distance(x1, x2, 1.0, keepdim=True).numpy())
    np.testing.assert_array_equal(nn.CosineSimilarity(dim=0)(x1, x2).numpy(),
                                  F.cosine_similarity(x1, x2, dim=0).numpy())


def test_normalize_leaves_a_zero_vector_zero_with_zero_gradient():
    x = mg.tensor(np.array([[0.0, 0.0], [3.0, 4.0]]), requires_grad=True)
    out = F.normalize(x)
    out.sum().backward()
    np.testing.assert_allclose(out.numpy(), [[0, 0], [0.6, 0.8]])
    assert np.isfinite(x.grad.numpy()).all()


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.glu(mg.randn(2, 3)), ValueError, r"glu: dim -1 of shape \(2, 3\) has size 3"),
    (lambda: F.glu(mg.tensor(1.0)), ValueError, "glu: input must have a dim to halve"),
    (lambda: F.celu(mg.randn(2), 0.0), ValueError, "celu: alpha must not be 0"),
    (lambda: F.softshrink(mg.randn(2), -1.0), ValueError, "softshrink: lambd must be ≥ 0"),
    (lambda: nn.Softshrink(-1.0), ValueError, "Softshrink: lambd must be ≥ 0"),
    (lambda: F.rrelu(mg.randn(2), 0.5, 0.2), ValueError, r"rrelu: lower \(0.5\) must not exceed"),
    (lambda: nn.RReLU(0.5, 0.2), ValueError, r"RReLU: lower \(0.5\) must not exceed"),
    (lambda: F.prelu(mg.randn(2, 3), mg.ones(2)), ValueError,
     r"prelu: weight has 2 slopes, but an input of shape \(2, 3\) has 3 channels"),
    (lambda: F.prelu(mg.randn(2, 3), mg.ones(1, 3)), TypeError, r"prelu: weight must be a 1-d"),
    (lambda: F.prelu(mg.randn(2, 3), mg.ones(3).double()), TypeError,
     "prelu: input is float32 but weight is float64"),
    (lambda: nn.Softmin()(mg.randn(2, 3)), ValueError, "Softmin: dim is None"),
    (lambda: F.pairwise_distance(mg.randn(2, 3), mg.randn(2, 4)), ValueError,
     r"pairwise_distance: shapes \(2, 3\) and \(2, 4\) cannot be broadcast"),
    (lambda: F.cosine_similarity(mg.randn(2, 3), mg.randn(2, 3).double()), TypeError,
     "cosine_similarity: x1 is float32 but x2 is float64"),
    (lambda: F.cosine_similarity(mg.randn(2, 3), mg.randn(2, 3), dim=2), ValueError,
     "cosine_similarity: dim 2 is out of range"),
    (lambda: F.pairwise_distance(mg.randn(2, 3), mg.randn(2, 3), p=0), ValueError,
     "pairwise_distance: p must be a positive number or ±inf, got 0"),
    (lambda: F.pairwise_distance(mg.tensor(1.0), mg.tensor(2.0)), ValueError,
     "pairwise_distance: x1 and x2 must have a dim"),
    (lambda: F.pairwise_distance(mg.ones(2), np.ones(2)), TypeError,
     "pairwise_distance: x2 must be a Tensor, got ndarray"),
    (lambda: F.normalize(mg.tensor(np.array([1, 2]))), TypeError,
     "normalize: expected a floating-point tensor, got dtype int64"),
    (lambda: F.local_response_norm(mg.randn(2, 3), 2), ValueError,
     r"local_response_norm: expected an input \(N, C, \*\) of 3 or more dims, got shape"),
    (lambda: F.local_response_norm(mg.randn(2, 3, 4), 0), ValueError,
     "local_response_norm: size must be a positive int, got 0"),
])
def test_bad_arguments_raise_our_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
