"""The 3-D (volumetric) convs and pools, trilinear/nearest interpolate on volumes, BatchNorm3d
and InstanceNorm1d/3d: gradients against central finite differences, parameter and state-dict
names, initialisation, and the errors they raise. (Their numbers against PyTorch:
test_volumes_torch_fixtures.py.)"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from minigrad.ops.im2col import col2im, im2col

VOLUME = (1, 2, 3, 4, 3)  # (N, C, D, H, W): gradcheck perturbs each of its 72 numbers


@st.composite
def volume_ops(draw):
    """A 3-D op with tiny, random arguments, and the weight it takes (or None)."""
    kind = draw(st.sampled_from(["conv", "conv_transpose", "max", "avg", "adaptive_avg",
                                 "adaptive_max", "trilinear", "nearest"]))
    rng = np.random.default_rng(draw(st.integers(0, 999)))
    stride, dilation = draw(st.sampled_from([1, 2, (2, 1, 2)])), draw(st.sampled_from([1, 2]))
    groups = draw(st.sampled_from([1, 2]))
    if kind == "conv":
        kernel = draw(st.sampled_from([(1, 2, 1), (2, 2, 2), (3, 1, 2)]))
        # a dilated window must fit the unpadded 3x4x3 volume: span d·(k − 1) + 1 <= 3
        kernel = tuple(k if dilation * (k - 1) < 3 else 1 for k in kernel)
        padding = draw(st.sampled_from([0, 1, (1, 0, 1)]))
        weight = rng.standard_normal((2, 2 // groups, *kernel))
        return lambda x, w: F.conv3d(x, w, None, stride, padding, dilation, groups), weight
    if kind == "conv_transpose":
        weight = rng.standard_normal((2, 2 // groups, 2, 1, 2))
        extra = 1 if stride == 2 else 0
        return lambda x, w: F.conv_transpose3d(x, w, None, stride, 0, extra, groups,
                                               dilation), weight
    if kind == "max":
        ceil_mode, padding = draw(st.booleans()), draw(st.sampled_from([0, 1]))
        return lambda x: F.max_pool3d(x, 2, stride, padding, (1, dilation, 1), ceil_mode), None
    if kind == "avg":
        ceil_mode, include, override = (draw(st.booleans()), draw(st.booleans()),
                                        draw(st.sampled_from([None, 3])))
        return lambda x: F.avg_pool3d(x, (3, 2, 2), stride, 1, ceil_mode, include,
                                      override), None
    size = draw(st.sampled_from([(2, 3, 2), (4, None, 5), 1]))
    if kind == "adaptive_avg":
        return lambda x: F.adaptive_avg_pool3d(x, size), None
    if kind == "adaptive_max":
        return lambda x: F.adaptive_max_pool3d(x, size), None
    align_corners = draw(st.booleans()) if kind == "trilinear" else None
    scale = draw(st.sampled_from([1.5, (0.7, 2.0, 1.3)]))
    return lambda x: F.interpolate(x, scale_factor=scale, mode=kind,
                                   align_corners=align_corners), None


@settings(max_examples=15)
@given(volume_ops(), st.integers(0, 999))
def test_volume_op_gradients_match_finite_differences(op_and_weight, seed):
    op, weight = op_and_weight
    # distinct values a quarter apart: no max pooling ties within the finite-difference step
    values = np.random.default_rng(seed).permutation(math.prod(VOLUME)).reshape(VOLUME) / 4.0
    inputs = [mg.tensor(values, requires_grad=True)]
    if weight is not None:
        inputs.append(mg.tensor(weight, requires_grad=True))
    assert mg.gradcheck(op, inputs)


@settings(max_examples=10)
@given(st.sampled_from(["batch3d", "instance3d", "instance1d"]), st.integers(0, 999))
def test_norm_layer_gradients_match_finite_differences(kind, seed):
    rng = np.random.default_rng(seed)
    if kind == "batch3d":
        layer, shape = nn.BatchNorm3d(2), VOLUME
    elif kind == "instance3d":
        layer, shape = nn.InstanceNorm3d(2, affine=True), VOLUME[1:]  # one volume, unbatched
    else:
        layer, shape = nn.InstanceNorm1d(3, affine=True), (2, 3, 5)
    layer = layer.double()
    for p in layer.parameters():
        p.data[...] = rng.uniform(0.5, 1.5, p.shape)
    x = mg.tensor(rng.standard_normal(shape), requires_grad=True)
    assert mg.gradcheck(lambda x, *params: layer(x), [x, *layer.parameters()])


def test_col2im_is_the_adjoint_of_im2col_on_volumes():
    # <im2col(x), c> = <x, col2im(c)>: the N-d fold sums overlapping windows exactly
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 4, 5, 4, 6))
    args = ((2, 3, 2), (1, 2, 3), (2, 1, 1))
    cols = rng.standard_normal(im2col(x, *args, groups=2).shape)
    lhs = (im2col(x, *args, groups=2) * cols).sum()
    rhs = (x * col2im(cols, x.shape, *args)).sum()
    np.testing.assert_allclose(lhs, rhs, rtol=1e-12)


def test_conv3d_on_one_volume_is_the_batch_of_one():
    x, w = mg.randn(2, 5, 4, 3), mg.randn(3, 2, 2, 2, 2)
    np.testing.assert_allclose(F.conv3d(x, w, padding="same").numpy(),
                               F.conv3d(x.unsqueeze(0), w, padding="same")[0].numpy(),
                               rtol=1e-6)
    assert F.conv3d(x, w, padding="same").shape == (3, 5, 4, 3)


def test_volume_layers_keep_float32():
    x = mg.randn(1, 2, 3, 4, 3)
    for layer in (nn.Conv3d(2, 2, 2), nn.ConvTranspose3d(2, 2, 2), nn.MaxPool3d(2),
                  nn.AvgPool3d(2), nn.AdaptiveAvgPool3d(2), nn.AdaptiveMaxPool3d(2),
                  nn.BatchNorm3d(2), nn.InstanceNorm3d(2)):
        assert layer(x).dtype == np.float32, type(layer).__name__
    assert nn.Upsample(scale_factor=2, mode="trilinear")(x).dtype == np.float32


def test_conv3d_parameters_have_pytorch_names_shapes_and_init():
    layer = nn.Conv3d(4, 6, (3, 2, 1), groups=2)
    shapes = {name: tuple(p.shape) for name, p in layer.named_parameters()}
    assert shapes == {"weight": (6, 2, 3, 2, 1), "bias": (6,)}
    assert list(nn.Conv3d(4, 6, 3, bias=False).state_dict()) == ["weight"]
    bound = 1 / math.sqrt(2 * 3 * 2 * 1)  # fan_in = in_channels/groups · kD·kH·kW
    assert np.abs(layer.weight.numpy()).max() <= bound
    assert layer.weight.numpy().max() > 0.7 * bound and layer.weight.numpy().min() < -0.7 * bound
    transposed = nn.ConvTranspose3d(4, 6, 2, groups=2)
    assert tuple(transposed.weight.shape) == (4, 3, 2, 2, 2)
    assert repr(nn.Conv3d(2, 4, 3, stride=2)) == (
        "Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(2, 2, 2))"
    )


def test_conv_transpose3d_output_size_picks_the_output_padding():
    layer = nn.ConvTranspose3d(2, 1, 3, stride=2, padding=1)
    x = mg.randn(1, 2, 3, 4, 2)
    assert layer(x).shape == (1, 1, 5, 7, 3)
    assert layer(x, output_size=(6, 8, 4)).shape == (1, 1, 6, 8, 4)


def test_norm_layers_have_pytorch_state_dict_names():
    assert list(nn.BatchNorm3d(2).state_dict()) == [
        "weight", "bias", "running_mean", "running_var", "num_batches_tracked"
    ]
    assert list(nn.InstanceNorm1d(2).state_dict()) == []
    assert list(nn.InstanceNorm3d(2, affine=True, track_running_stats=True).state_dict()) == [
        "weight", "bias", "running_mean", "running_var", "num_batches_tracked"
    ]


def test_pooling_layers_take_pytorchs_positional_arguments():
    x = mg.randn(1, 2, 5, 5, 4)
    # MaxPool3d(kernel_size, stride, padding, dilation, return_indices, ceil_mode)
    out, indices = nn.MaxPool3d(2, 2, 1, 1, True, True)(x)
    assert out.shape == indices.shape == (1, 2, 3, 3, 3) and indices.dtype == np.int64
    # AvgPool3d(kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
    summed = nn.AvgPool3d(2, 2, 0, False, True, 1)(x)
    np.testing.assert_allclose(summed.numpy()[0, 0, 0, 0, 0], x.numpy()[0, 0, :2, :2, :2].sum(),
                               rtol=1e-5)
    out, indices = nn.AdaptiveMaxPool3d((1, 2, 2), return_indices=True)(x)
    assert out.shape == (1, 2, 1, 2, 2)
    assert (x.numpy().reshape(1, 2, -1)[0, 0, indices.numpy()[0, 0].ravel()]
            == out.numpy()[0, 0].ravel()).all()


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.conv3d(mg.randn(1, 2, 3, 4, 3), mg.randn(2, 2, 2, 2)), ValueError,
     r"conv3d: weight must be 5-D \(C_out, C_in/groups, kD, kH, kW\), got shape \(2, 2, 2, 2\)"),
    (lambda: F.conv3d(mg.randn(2, 3, 4, 3, 2, 1), mg.randn(2, 2, 1, 1, 1)), ValueError,
     r"conv3d: expected a 4-D \(C, D, H, W\) or 5-D \(N, C, D, H, W\) input"),
    (lambda: F.conv3d(mg.randn(1, 3, 3, 4, 3), mg.randn(2, 2, 1, 1, 1)), ValueError,
     r"conv3d: input of shape \(1, 3, 3, 4, 3\) has 3 channels, but weight"),
    (lambda: F.conv3d(mg.randn(1, 2, 3, 4, 3), mg.randn(2, 2, 1, 1, 1), stride=2,
                      padding="same"), ValueError, r"conv3d: padding='same' needs stride 1"),
    (lambda: F.conv3d(mg.randn(1, 2, 3, 4, 3), mg.randn(2, 2, 4, 1, 1)), ValueError,
     r"conv3d: the window \(4x1x1, .*\) is larger than the padded input \(3x4x3\)"),
    (lambda: F.conv3d(mg.randn(1, 2, 3, 4, 3), mg.randn(2, 2, 1, 1, 1), stride=(1, 2)),
     TypeError, r"conv3d: stride must be an int or a tuple of 3 int\(s\), got \(1, 2\)"),
    (lambda: F.conv_transpose3d(mg.randn(1, 2, 3, 4, 3), mg.randn(2, 1, 2, 2, 2), stride=2,
                                output_padding=2), ValueError,
     r"conv_transpose3d: output_padding \(2, 2, 2\) must be smaller than the stride"),
    (lambda: F.conv_transpose3d(mg.randn(1, 2, 3, 4, 3), mg.randn(2, 1, 2, 2)), ValueError,
     r"conv_transpose3d: weight must be 5-D \(C_in, C_out/groups, kD, kH, kW\)"),
    (lambda: F.max_pool3d(mg.randn(1, 2, 3, 4, 3), 2, padding=2), ValueError,
     r"max_pool3d: padding \(2, 2, 2\) must be at most half of the window \(2x2x2"),
    (lambda: F.max_pool3d(mg.randn(2, 3, 4), 2), ValueError,
     r"max_pool3d: expected a 4-D \(C, D, H, W\) or 5-D"),
    (lambda: F.avg_pool3d(mg.randn(1, 2, 3, 4, 3), 2, divisor_override=0), ValueError,
     r"avg_pool3d: divisor_override must not be zero"),
    (lambda: F.avg_pool3d(mg.randn(1, 2, 1, 4, 3), 2), ValueError,
     r"avg_pool3d: input of shape \(1, 2, 1, 4, 3\) is too small .* would be 0x2x1"),
    (lambda: F.adaptive_avg_pool3d(mg.randn(1, 2, 3, 4, 3), (2, 2)), TypeError,
     r"adaptive_avg_pool3d: output_size must be an int or a tuple of 3 int\(s\)"),
    (lambda: F.adaptive_max_pool3d(mg.randn(1, 2, 3, 0, 3), 2), ValueError,
     r"adaptive_max_pool3d: input of shape \(1, 2, 3, 0, 3\) has no pixels"),
    (lambda: F.interpolate(mg.randn(1, 2, 3, 4), scale_factor=2, mode="trilinear"), ValueError,
     r"interpolate: mode='trilinear' needs a 5-D input, got shape \(1, 2, 3, 4\)"),
    (lambda: nn.BatchNorm3d(2)(mg.randn(1, 2, 3, 4)), ValueError,
     r"BatchNorm3d\(2\): expected input \(N, C, D, H, W\) with C=2, got shape \(1, 2, 3, 4\)"),
    (lambda: nn.InstanceNorm3d(2)(mg.randn(1, 3, 3, 4, 3)), ValueError,
     r"InstanceNorm3d\(2\): expected input \(N, C, D, H, W\) or \(C, D, H, W\) with C=2"),
    (lambda: nn.InstanceNorm1d(2)(mg.randn(2, 3, 4, 5)), ValueError,
     r"InstanceNorm1d\(2\): expected input \(N, C, L\) or \(C, L\) with C=2"),
    (lambda: nn.Conv3d(2, 2, 3, padding="full"), ValueError,
     r"Conv3d: padding must be 'same', 'valid', an int or 3 ints, got 'full'"),
])
def test_volume_ops_name_themselves_in_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
