"""Conv1d: PyTorch's arguments and parameter shapes, gradients by finite differences, and
the same numbers as a Conv2d over images one pixel high (which it is built on)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F
from tests.nn.gradcheck_helpers import gradcheck_module, random_tensor, seeds

SETTINGS = [
    dict(),
    dict(stride=2, padding=1),
    dict(padding="same", dilation=2),
    dict(padding="valid", groups=2, bias=False),
    dict(kernel_size=2, padding="same"),  # even kernel: the extra pad goes after, as PyTorch
]


def make(settings):
    settings = dict(settings)
    return nn.Conv1d(4, 6, settings.pop("kernel_size", 3), **settings)


@pytest.mark.parametrize("settings", SETTINGS, ids=str)
@given(seed=seeds, batched=st.booleans())
def test_conv1d_gradients_match_finite_differences(settings, seed, batched):
    shape = (2, 4, 7) if batched else (4, 7)
    assert gradcheck_module(make(settings), [random_tensor(seed, *shape)])


def test_conv1d_parameters_have_pytorch_names_shapes_and_tuples():
    layer = nn.Conv1d(4, 6, 3, stride=2, groups=2)
    assert {n: p.shape for n, p in layer.named_parameters()} == {"weight": (6, 2, 3), "bias": (6,)}
    assert (layer.kernel_size, layer.stride, layer.padding, layer.dilation) == ((3,), (2,), (0,), (1,))
    bound = 1 / np.sqrt(2 * 3)
    assert np.abs(layer.weight.numpy()).max() <= bound
    assert layer(mg.randn(1, 4, 9)).dtype == np.float32


@pytest.mark.parametrize("settings", SETTINGS, ids=str)
def test_conv1d_equals_conv2d_on_one_pixel_high_images(settings):
    layer = make(settings)
    x = mg.randn(2, 4, 7)
    two_d = F.conv2d(x.unsqueeze(2), layer.weight.unsqueeze(2), layer.bias, (1, layer.stride[0]),
                     layer.padding if isinstance(layer.padding, str) else (0, layer.padding[0]),
                     (1, layer.dilation[0]), layer.groups)
    np.testing.assert_allclose(layer(x).numpy(), two_d.squeeze(2).numpy(), rtol=1e-6)


def test_conv1d_same_padding_keeps_the_length():
    assert nn.Conv1d(2, 3, 4, padding="same", dilation=3)(mg.randn(1, 2, 10)).shape == (1, 3, 10)


@pytest.mark.parametrize("shape, message", [
    ((2, 3, 4, 5), r"conv1d: expected input \(N, C, L\) or \(C, L\) .* got input shape \(2, 3, 4, 5\)"),
    ((2, 5, 8), r"conv2d: input of shape \(2, 5, 1, 8\) has 5 channels"),
])
def test_conv1d_names_the_shapes_of_bad_input(shape, message):
    with pytest.raises(ValueError, match=message):
        nn.Conv1d(4, 6, 3)(mg.randn(*shape))


def test_conv1d_rejects_same_padding_with_a_stride():
    with pytest.raises(ValueError, match="padding='same' needs stride 1"):
        nn.Conv1d(4, 6, 3, stride=2, padding="same")
    with pytest.raises(TypeError, match=r"Conv1d: kernel_size must be an int or a tuple of 1 int"):
        nn.Conv1d(4, 6, (3, 3))
