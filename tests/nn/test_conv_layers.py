import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad import nn
from tests.torch_fixtures import load_torch_cases

TORCH_CASES = load_torch_cases("torch_conv.npz", "conv")


@pytest.mark.parametrize("name", sorted(TORCH_CASES))
def test_conv2d_layer_matches_pytorch(name):
    case = TORCH_CASES[name]
    layer = nn.Conv2d(**case["config"])
    layer.load_state_dict({key: case[key] for key in ("weight", "bias") if key in case})
    x = mg.tensor(case["input"], requires_grad=True)
    out = layer(x)
    out.backward(mg.tensor(case["out_grad"]))
    close = dict(rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(out.numpy(), case["out"], **close)
    np.testing.assert_allclose(x.grad.numpy(), case["input_grad"], **close)
    np.testing.assert_allclose(layer.weight.grad.numpy(), case["weight_grad"], **close)
    if "bias" in case:
        np.testing.assert_allclose(layer.bias.grad.numpy(), case["bias_grad"], **close)


def test_conv2d_parameters_have_pytorch_names_and_shapes():
    layer = nn.Conv2d(4, 6, (3, 2), groups=2)
    shapes = {name: tuple(p.shape) for name, p in layer.named_parameters()}
    assert shapes == {"weight": (6, 2, 3, 2), "bias": (6,)}
    assert list(nn.Conv2d(4, 6, 3, bias=False).state_dict()) == ["weight"]


def test_conv2d_init_is_uniform_within_one_over_sqrt_fan_in():
    layer = nn.Conv2d(8, 16, 3, groups=2)
    bound = 1 / math.sqrt(8 // 2 * 3 * 3)
    for p in (layer.weight, layer.bias):
        values = p.numpy()
        assert p.dtype == np.float32
        assert np.abs(values).max() <= bound
    # 576 uniform draws reach close to both ends of the interval
    assert layer.weight.numpy().max() > 0.9 * bound and layer.weight.numpy().min() < -0.9 * bound


def test_conv2d_init_is_reproducible_with_a_seed():
    mg.manual_seed(7)
    first = nn.Conv2d(2, 3, 3).weight.numpy()
    mg.manual_seed(7)
    assert np.array_equal(first, nn.Conv2d(2, 3, 3).weight.numpy())


def test_layer_reprs_read_like_pytorch():
    assert repr(nn.Conv2d(1, 32, 3)) == "Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))"
    assert repr(nn.Conv2d(32, 64, 3, padding="same", groups=2, bias=False)) == (
        "Conv2d(32, 64, kernel_size=(3, 3), stride=(1, 1), padding=same, groups=2, bias=False)"
    )
    assert repr(nn.Conv2d(2, 4, (2, 3), stride=2, padding=(1, 0), dilation=2)) == (
        "Conv2d(2, 4, kernel_size=(2, 3), stride=(2, 2), padding=(1, 0), dilation=(2, 2))"
    )
    assert repr(nn.MaxPool2d(2)) == (
        "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    )
    assert repr(nn.MaxPool2d(2, dilation=2, return_indices=True, ceil_mode=True)) == (
        "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=2, ceil_mode=True)"
    )
    assert repr(nn.AvgPool2d(2, 1, 1, divisor_override=3)) == (
        "AvgPool2d(kernel_size=2, stride=1, padding=1)"
    )
    assert repr(nn.AdaptiveAvgPool2d((None, 3))) == "AdaptiveAvgPool2d(output_size=(None, 3))"
    assert repr(nn.AdaptiveMaxPool2d(3, True)) == "AdaptiveMaxPool2d(output_size=3)"
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"


def test_keras_style_cnn_from_the_seed_runs_end_to_end():
    # seed 001: Conv2D(32, 3x3) → MaxPool(2x2) → Conv2D(64, 3x3) → MaxPool(2x2) → Flatten
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.MaxPool2d(2), nn.Flatten()
    )
    features = model(mg.randn(2, 1, 28, 28))
    assert features.shape == (2, 64 * 5 * 5)
    features.sum().backward()
    assert all(p.grad is not None and p.grad.shape == p.shape for p in model.parameters())


def test_flatten_keeps_the_batch_dim_by_default():
    assert nn.Flatten()(mg.zeros(2, 3, 4, 5)).shape == (2, 60)
    assert nn.Flatten(0, 2)(mg.zeros(2, 3, 4, 5)).shape == (24, 5)


@st.composite
def small_layers(draw):
    """A layer and an input it accepts, a batch or one image (kept tiny: gradcheck perturbs
    every element)."""
    kind = draw(st.sampled_from(["conv", "max", "avg", "adaptive_avg", "adaptive_max", "flatten"]))
    kernel, stride = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    ceil_mode = draw(st.booleans())
    if kind == "conv":
        padding = draw(st.sampled_from([0, 1, "same"]))
        layer = nn.Conv2d(2, 2, kernel, stride=1 if padding == "same" else stride, padding=padding)
    elif kind == "max":
        dilation = draw(st.integers(1, 2)) if kernel < 3 else 1  # the window fits in 4x4
        padding = draw(st.integers(0, dilation * (kernel - 1) // 2))
        layer = nn.MaxPool2d(kernel, stride, padding, dilation, ceil_mode=ceil_mode)
    elif kind == "avg":
        layer = nn.AvgPool2d(kernel, stride, kernel // 2, ceil_mode, draw(st.booleans()),
                             draw(st.sampled_from([None, 2])))
    elif kind.startswith("adaptive"):
        output_size = draw(st.sampled_from([1, 3, (None, 3), (5, 2)]))
        adaptive = nn.AdaptiveAvgPool2d if kind == "adaptive_avg" else nn.AdaptiveMaxPool2d
        layer = adaptive(output_size)
    else:
        layer = nn.Flatten()
    shape = (2, 2, 4, 4) if kind == "flatten" or draw(st.booleans()) else (2, 4, 4)
    values = np.random.default_rng(draw(st.integers(0, 999))).permutation(math.prod(shape))
    x = mg.tensor(values.reshape(shape) / 8.0, requires_grad=True)  # distinct: no max ties
    return layer.double(), x


@given(small_layers())
def test_layer_input_gradients_match_finite_differences(layer_and_input):
    layer, x = layer_and_input
    assert mg.gradcheck(layer, x)


def test_pooling_layers_take_pytorchs_positional_arguments():
    x = mg.randn(1, 2, 5, 5)
    # MaxPool2d(kernel_size, stride, padding, dilation, return_indices, ceil_mode)
    out, indices = nn.MaxPool2d(2, 2, 1, 1, True, True)(x)
    assert out.shape == indices.shape == (1, 2, 3, 3) and indices.dtype == np.int64
    # AvgPool2d(kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
    summed = nn.AvgPool2d(2, 2, 0, True, True, 1)(x)
    assert summed.shape == (1, 2, 3, 3)
    np.testing.assert_allclose(summed[0, 0, 2, 2].item(), x[0, 0, 4, 4].item())
    out, indices = nn.AdaptiveMaxPool2d((2, None), True)(x)
    assert out.shape == indices.shape == (1, 2, 2, 5)
    assert nn.AdaptiveAvgPool2d(1)(x[0]).shape == (2, 1, 1)


# ---- errors -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(groups=3), r"Conv2d: groups=3 must divide both in_channels \(4\) and out_channels"),
        (dict(padding_mode="reflect"), "only padding_mode='zeros' is supported"),
        (dict(stride=2, padding="same"), "padding='same' needs stride 1"),
    ],
)
def test_conv2d_layer_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        nn.Conv2d(4, 6, 3, **kwargs)


def test_conv2d_layer_names_the_channel_mismatch():
    with pytest.raises(ValueError, match=r"conv2d: input of shape \(1, 1, 8, 8\) has 1 channels"):
        nn.Conv2d(3, 8, 3)(mg.randn(1, 1, 8, 8))
