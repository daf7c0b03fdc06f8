"""The new activations, distance functions and losses on 'cuda' through the strict CuPy
stand-in (tests/strict_cupy.py): the same values and gradients as on the CPU, so no host
array slips into a device computation. Random draws (rrelu, gumbel_softmax) come from the
one seeded generator, so both devices draw the same numbers."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from tests.test_gpu_backend import X, Y, assert_same_on_both_devices

INDICES = np.array([0, 3, 1])
LABEL_LISTS = np.array([[0, 2, -1, 1], [3, -1, 0, 0], [1, 2, 3, 0]])
SIGNS = np.sign(X).astype(np.float32)


def on_device_of(x, array):
    return mg.tensor(array, device=x.device)


def seeded(fn):
    def call(*tensors):
        mg.manual_seed(4)
        return fn(*tensors)
    return call


ONE_INPUT = {
    "relu6": lambda x: F.relu6(x * 4),
    "hardswish": lambda x: F.hardswish(x * 4),
    "logsigmoid": F.logsigmoid,
    "celu": lambda x: F.celu(x, 0.5),
    "threshold_tanhshrink": lambda x: F.threshold(F.tanhshrink(x), 0.01, 2.0),
    "shrinks": lambda x: F.softshrink(x) + F.hardshrink(x),
    "rrelu_training": seeded(lambda x: F.rrelu(x, training=True)),
    "softmin_glu": lambda x: F.softmin(F.glu(x, 1), 0),
    "gumbel_softmax_hard": seeded(lambda x: F.gumbel_softmax(x, hard=True) * x),
    "prelu": lambda x: F.prelu(x, on_device_of(x, np.array([0.1, 0.2, 0.3, 0.4], np.float32))),
    "normalize": lambda x: F.normalize(x, p=1.0),
    "local_response_norm": lambda x: F.local_response_norm(x.reshape(1, 3, 4), 2),
    "multi_margin_loss": lambda x: F.multi_margin_loss(
        x, on_device_of(x, INDICES), p=2, weight=on_device_of(x, np.ones(4, np.float32))),
    "multilabel_margin_loss": lambda x: F.multilabel_margin_loss(x, on_device_of(x, LABEL_LISTS)),
    "soft_margin_losses": lambda x: F.soft_margin_loss(x, on_device_of(x, SIGNS))
    + F.multilabel_soft_margin_loss(x, on_device_of(x, (SIGNS + 1) / 2)),
    "hinge_embedding_loss": lambda x: F.hinge_embedding_loss(x.abs(), on_device_of(x, SIGNS)),
}
TWO_INPUTS = {
    "distances": lambda a, b: F.pairwise_distance(a, b) + F.cosine_similarity(a, b, dim=1),
    "margin_ranking_loss": lambda a, b: F.margin_ranking_loss(a, b, on_device_of(a, SIGNS)),
    "cosine_embedding_loss": lambda a, b: F.cosine_embedding_loss(
        a, b, on_device_of(a, SIGNS[:, 0])),
    "triplet_margin_loss": lambda a, b: F.triplet_margin_loss(a, b, a * b, swap=True),
    "poisson_nll_loss_full": lambda a, b: F.poisson_nll_loss(a, b * b * 3, full=True),
    "gaussian_nll_loss": lambda a, b: F.gaussian_nll_loss(a, b, (a * b).abs()[:, :1]),
}


@pytest.mark.parametrize("name", ONE_INPUT)
def test_function_of_one_input_on_standin_cuda(standin_gpu, name):
    assert_same_on_both_devices(ONE_INPUT[name], X)


@pytest.mark.parametrize("name", TWO_INPUTS)
def test_function_of_two_inputs_on_standin_cuda(standin_gpu, name):
    assert_same_on_both_devices(TWO_INPUTS[name], X, Y)


def test_one_hot_on_standin_cuda(standin_gpu):
    out = F.one_hot(mg.tensor(INDICES, device="cuda"))
    assert out.device == "cuda"
    np.testing.assert_array_equal(out.numpy(), np.eye(4, dtype=np.int64)[INDICES])


