"""conv_transpose2d/1d and the ConvTranspose layers: the forward against a direct scatter loop,
gradients against finite differences, the output-size rules and the errors."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from tests.gradients import check_gradients


def direct_conv_transpose2d(x, w, b, stride, padding, output_padding, groups, dilation):
    """Each input pixel scatters its kernel, weighted by its value, into the output (the
    definition, as loops); then `padding` is cropped from each side."""
    n, c_in, h, width = x.shape
    c_out_g, kh, kw = w.shape[1:]
    (sh, sw), (ph, pw), (oh, ow), (dh, dw) = stride, padding, output_padding, dilation
    full = np.zeros((n, c_out_g * groups, (h - 1) * sh + dh * (kh - 1) + 1 + oh,
                     (width - 1) * sw + dw * (kw - 1) + 1 + ow))
    c_in_g = c_in // groups
    for c in range(c_in):
        g = c // c_in_g
        for i in range(h):
            for j in range(width):
                for a in range(kh):
                    for e in range(kw):
                        full[:, g * c_out_g:(g + 1) * c_out_g, i * sh + a * dh, j * sw + e * dw] += (
                            x[:, c, i, j, None] * w[c, :, a, e])
    out = full[:, :, ph:full.shape[2] - ph, pw:full.shape[3] - pw]
    return out if b is None else out + b[:, None, None]


@st.composite
def transposed_cases(draw):
    groups = draw(st.sampled_from([1, 2]))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    output_padding = tuple(draw(st.integers(0, s - 1)) for s in stride)
    sizes = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    full = [(n - 1) * s + d * (k - 1) + 1 for n, s, d, k in zip(sizes, stride, dilation, kernel)]
    padding = tuple(draw(st.integers(0, (f - 1) // 2)) for f in full)  # leaves an output
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    x = rng.standard_normal((draw(st.integers(1, 2)), groups * draw(st.integers(1, 2)), *sizes))
    w = rng.standard_normal((x.shape[1], draw(st.integers(1, 2)), *kernel))
    b = rng.standard_normal(w.shape[1] * groups) if draw(st.booleans()) else None
    options = {"stride": stride, "padding": padding, "output_padding": output_padding,
               "groups": groups, "dilation": dilation}
    return x, w, b, options


@given(transposed_cases())
def test_conv_transpose2d_matches_the_scatter_loop(case):
    x, w, b, options = case
    out = F.conv_transpose2d(mg.tensor(x), mg.tensor(w), None if b is None else mg.tensor(b),
                             **options)
    expected = direct_conv_transpose2d(x, w, b, *options.values())
    np.testing.assert_allclose(out.numpy(), expected, atol=1e-10)


@given(transposed_cases())
def test_conv_transpose2d_gradients_match_finite_differences(case):
    x, w, b, options = case
    arrays = (x, w) if b is None else (x, w, b)
    assert check_gradients(lambda *t: F.conv_transpose2d(*t, **options), *arrays)


def test_conv_transpose1d_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((2, 4, 5)), rng.standard_normal((4, 3, 3)), rng.standard_normal(6)
    options = {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2, "dilation": 2}
    assert check_gradients(lambda *t: F.conv_transpose1d(*t, **options), x, w, b)


def test_conv_transpose_is_the_adjoint_of_conv():
    """<conv2d(y), x> = <y, conv_transpose2d(x)> for the same weight: the defining property."""
    rng = np.random.default_rng(1)
    w = mg.tensor(rng.standard_normal((4, 3, 3, 2)))
    x, y = mg.tensor(rng.standard_normal((2, 4, 3, 4))), mg.tensor(rng.standard_normal((2, 3, 5, 8)))
    options = {"stride": (2, 2), "padding": (1, 0)}
    conv = F.conv2d(y, w, **options)
    assert conv.shape == x.shape
    np.testing.assert_allclose((conv * x).sum().item(),
                               (y * F.conv_transpose2d(x, w, **options)).sum().item())


def test_layer_weight_shape_init_and_state_dict_names_are_pytorchs():
    mg.manual_seed(0)
    layer = nn.ConvTranspose2d(6, 8, (3, 5), groups=2)
    assert list(layer.state_dict()) == ["weight", "bias"]
    assert layer.weight.shape == (6, 4, 3, 5) and layer.bias.shape == (8,)
    assert layer.weight.dtype == np.float32
    bound = 1 / math.sqrt(4 * 3 * 5)  # fan_in = weight.shape[1]·kH·kW
    assert 0.9 * bound < np.abs(layer.weight.numpy()).max() <= bound
    assert np.abs(layer.bias.numpy()).max() <= bound
    mg.manual_seed(0)
    np.testing.assert_array_equal(nn.ConvTranspose2d(6, 8, (3, 5), groups=2).weight.numpy(),
                                  layer.weight.numpy())
    assert nn.ConvTranspose1d(2, 3, 4, bias=False).weight.shape == (2, 3, 4)


def test_output_size_picks_the_output_padding():
    layer = nn.ConvTranspose2d(2, 3, 3, stride=3, padding=1)
    x = mg.randn(1, 2, 4, 5)
    smallest = layer(x).shape[2:]
    assert smallest == (10, 13)
    for extra in range(3):
        assert layer(x, output_size=(10 + extra, 13)).shape == (1, 3, 10 + extra, 13)
    assert layer(x, output_size=[1, 3, 11, 15]).shape == (1, 3, 11, 15)
    with pytest.raises(ValueError, match=r"ConvTranspose2d: output_size \(13, 13\) is not reachable"):
        layer(x, output_size=(13, 13))
    with pytest.raises(ValueError, match="ConvTranspose2d: output_size must have 2 or 4"):
        layer(x, output_size=(10,))


X4, W4 = mg.randn(2, 4, 3, 3), mg.randn(4, 2, 3, 3)
ERRORS = {
    "weight_rank": (lambda: F.conv_transpose2d(X4, W4[0]), ValueError,
                    r"conv_transpose2d: weight must be 4-D"),
    "channels": (lambda: F.conv_transpose2d(X4[:, :3], W4), ValueError,
                 r"conv_transpose2d: input of shape \(2, 3, 3, 3\) has 3 channels"),
    "groups": (lambda: F.conv_transpose2d(X4, W4[:3], groups=2), ValueError,
               r"conv_transpose2d: groups=2 must divide"),
    "bias": (lambda: F.conv_transpose2d(X4, W4, mg.zeros(4)), ValueError,
             r"conv_transpose2d: bias must have shape \(2,\)"),
    "output_padding": (lambda: F.conv_transpose2d(X4, W4, stride=2, output_padding=2), ValueError,
                       r"output_padding \(2, 2\) must be smaller than the stride"),
    "dtype": (lambda: F.conv_transpose2d(X4, W4.double()), TypeError,
              "conv_transpose2d: input dtype float32 and weight dtype float64"),
    "empty_output": (lambda: F.conv_transpose2d(X4[:, :, :1, :1], W4[:, :, :1, :1], padding=1),
                     ValueError, "conv_transpose2d: .* gives an empty output"),
    "input_rank": (lambda: F.conv_transpose2d(X4[0, 0], W4), ValueError,
                   "conv_transpose2d: expected a 3-D"),
    "1d_shapes": (lambda: F.conv_transpose1d(X4, W4), ValueError,
                  r"conv_transpose1d: expected input \(N, C, L\)"),
    "1d_stride": (lambda: F.conv_transpose1d(X4[0], W4[..., 0], stride=(1, 2)), TypeError,
                  "conv_transpose1d: stride must be an int"),
    "layer_padding_string": (lambda: nn.ConvTranspose2d(2, 2, 3, padding="same"), ValueError,
                             "ConvTranspose2d: padding must be an int or a tuple"),
}


@pytest.mark.parametrize("name", ERRORS)
def test_bad_arguments_raise_our_errors(name):
    call, error, message = ERRORS[name]
    with pytest.raises(error, match=message):
        call()
