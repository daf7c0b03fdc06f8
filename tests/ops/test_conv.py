import math
import re
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.ops import conv
from minigrad.ops.im2col import col2im, im2col


@dataclass
class ConvCase:
    input_shape: tuple
    weight_shape: tuple
    bias: bool
    stride: tuple
    padding: object  # as passed to conv2d: 'same', 'valid', an int or a pair
    dilation: tuple
    groups: int
    seed: int

    def tensors(self, dtype=np.float64):
        rng = np.random.default_rng(self.seed)
        shapes = [self.input_shape, self.weight_shape] + [(self.weight_shape[0],)] * self.bias
        return [mg.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True) for s in shapes]

    def conv(self, x, w, b=None):
        return F.conv2d(x, w, b, self.stride, self.padding, self.dilation, self.groups)

    def explicit_padding(self):
        """((top, bottom), (left, right)), worked out here independently of minigrad."""
        if self.padding == "valid":
            return (0, 0), (0, 0)
        if self.padding == "same":  # PyTorch: d·(k−1) in all, the odd one on the bottom/right
            totals = [d * (k - 1) for d, k in zip(self.dilation, self.weight_shape[2:])]
            return tuple((t // 2, t - t // 2) for t in totals)
        ph, pw = (self.padding, self.padding) if isinstance(self.padding, int) else self.padding
        return (ph, ph), (pw, pw)


@st.composite
def conv_cases(draw, max_input_elements=64):
    groups = draw(st.sampled_from([1, 2]))
    in_per_group, out_per_group = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = draw(
        st.one_of(
            st.sampled_from(["same", "valid"]),
            st.integers(0, 2),
            st.tuples(st.integers(0, 2), st.integers(0, 2)),
        )
    )
    stride = (1, 1) if padding == "same" else (draw(st.integers(1, 3)), draw(st.integers(1, 2)))
    case = ConvCase(
        input_shape=None,
        weight_shape=(groups * out_per_group, in_per_group, *kernel),
        bias=draw(st.booleans()),
        stride=stride,
        padding=padding,
        dilation=dilation,
        groups=groups,
        seed=draw(st.integers(0, 2**16)),
    )
    sizes = []
    for k, d, (before, after) in zip(kernel, dilation, case.explicit_padding()):
        smallest = max(1, d * (k - 1) + 1 - before - after)  # the window must fit
        sizes.append(draw(st.integers(smallest, smallest + 3)))  # odd sizes included
    case.input_shape = (draw(st.integers(1, 2)), groups * in_per_group, *sizes)
    assume(math.prod(case.input_shape) <= max_input_elements)
    return case


def direct_conv2d(x, w, b, stride, padding, dilation, groups):
    """The seed's formula y_ij = Σ_m Σ_n x(m+i−1, n+j−1)·w_mn + b as plain loops (0-based),
    with input channels, stride, dilation and groups added."""
    (top, bottom), (left, right) = padding
    x = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    batch, _, height, width = x.shape
    out_channels, in_per_group, kh, kw = w.shape
    (sh, sw), (dh, dw) = stride, dilation
    h_out = (height - dh * (kh - 1) - 1) // sh + 1
    w_out = (width - dw * (kw - 1) - 1) // sw + 1
    y = np.zeros((batch, out_channels, h_out, w_out))
    for n, o, i, j in np.ndindex(y.shape):
        group = o // (out_channels // groups)
        total = 0.0 if b is None else b[o]
        for c, m, k in np.ndindex(in_per_group, kh, kw):
            pixel = x[n, group * in_per_group + c, i * sh + m * dh, j * sw + k * dw]
            total += pixel * w[o, c, m, k]
        y[n, o, i, j] = total
    return y


@given(conv_cases(max_input_elements=200))
def test_conv2d_forward_matches_direct_loops(case):
    tensors = case.tensors()
    arrays = [t.numpy() for t in tensors] + [None] * (not case.bias)
    geometry = (case.stride, case.explicit_padding(), case.dilation, case.groups)
    expected = direct_conv2d(*arrays, *geometry)
    np.testing.assert_allclose(case.conv(*tensors).numpy(), expected, rtol=1e-10, atol=1e-10)


@given(conv_cases())
def test_conv2d_gradients_match_finite_differences(case):
    assert mg.gradcheck(case.conv, case.tensors())


@given(conv_cases())
def test_conv2d_of_one_image_is_its_batch_of_one_without_the_batch_dim(case):
    x, *parameters = case.tensors()
    image = mg.tensor(x.numpy()[0], requires_grad=True)
    out = case.conv(image, *parameters)
    np.testing.assert_allclose(out.numpy(), case.conv(x, *parameters).numpy()[0], rtol=1e-12)
    assert mg.gradcheck(case.conv, [image, *parameters])


def test_conv2d_one_image_per_chunk_gives_the_same_values_and_gradients(monkeypatch):
    case = ConvCase((3, 4, 6, 5), (6, 2, 3, 2), True, (2, 1), 1, (1, 2), 2, seed=7)
    results = []
    for chunk_bytes in (conv.COLUMNS_PER_CHUNK_BYTES, 1):  # the whole batch, then image by image
        monkeypatch.setattr(conv, "COLUMNS_PER_CHUNK_BYTES", chunk_bytes)
        tensors = case.tensors()
        y = case.conv(*tensors)
        y.backward(mg.ones(*y.shape, dtype=mg.float64))
        results.append([y.numpy()] + [t.grad.numpy() for t in tensors])
    for whole, chunked in zip(*results):
        np.testing.assert_allclose(chunked, whole, rtol=1e-12, atol=1e-12)


def test_conv2d_seed_example_sums_each_window():
    # y_ij = Σ_m Σ_n x(m+i−1, n+j−1)·w_mn + b with a 2x2 kernel of ones and b = 1 adds up
    # each 2x2 block plus one; a "valid" output of a 4x4 input is (4−2+1)x(4−2+1)
    x = mg.arange(16.0).reshape(1, 1, 4, 4)
    y = F.conv2d(x, mg.ones(1, 1, 2, 2), mg.ones(1))
    assert y.shape == (1, 1, 3, 3)
    assert y[0, 0].tolist() == [[11.0, 15.0, 19.0], [27.0, 31.0, 35.0], [43.0, 47.0, 51.0]]


def test_same_padding_of_an_even_kernel_puts_the_extra_pixel_bottom_right():
    x, w = mg.randn(1, 2, 5, 6), mg.randn(3, 2, 2, 4)
    same = F.conv2d(x, w, padding="same")
    explicit = F.conv2d(F.pad(x, (1, 2, 0, 1)), w)  # (left, right, top, bottom)
    assert same.shape == (1, 3, 5, 6)
    np.testing.assert_allclose(same.numpy(), explicit.numpy(), rtol=1e-6)


def test_conv2d_keeps_float32_in_forward_and_backward():
    x, w, b = (mg.randn(*s, requires_grad=True) for s in [(2, 2, 6, 6), (4, 1, 3, 3), (4,)])
    y = F.conv2d(x, w, b, stride=2, padding=1, groups=2)
    y.sum().backward()
    assert {y.dtype, x.grad.dtype, w.grad.dtype, b.grad.dtype} == {np.dtype(np.float32)}


@given(
    st.integers(1, 3), st.integers(1, 3), st.integers(1, 2), st.integers(1, 2), st.integers(0, 99)
)
def test_col2im_is_the_adjoint_of_im2col(kernel, stride, dilation, groups, seed):
    # <im2col(x), c> = <x, col2im(c)> for all x, c: col2im sums overlapping windows exactly
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 2 * groups, 7, 6))
    args = ((kernel, kernel), (stride, stride), (dilation, dilation))
    cols = rng.standard_normal(im2col(x, *args, groups).shape)
    lhs = (im2col(x, *args, groups) * cols).sum()
    rhs = (x * col2im(cols, x.shape, *args)).sum()
    assert lhs == pytest.approx(rhs, rel=1e-10)


# ---- errors -----------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(8, 8), (1, 1, 3, 8, 8)])
def test_conv2d_rejects_inputs_that_are_not_images(shape):
    message = r"conv2d: expected a 3-D \(C, H, W\) or 4-D \(N, C, H, W\) input, got shape "
    with pytest.raises(ValueError, match=message + re.escape(str(shape))):
        F.conv2d(mg.randn(*shape), mg.randn(4, 3, 3, 3))


def test_conv2d_names_the_channels_of_one_image():
    message = r"conv2d: input of shape \(2, 8, 8\) has 2 channels.*\(4, 3, 3, 3\)"
    with pytest.raises(ValueError, match=message):
        F.conv2d(mg.randn(2, 8, 8), mg.randn(4, 3, 3, 3))


def test_conv2d_rejects_input_channels_that_do_not_match_the_weight():
    message = r"conv2d: input of shape \(2, 1, 8, 8\) has 1 channels.*\(4, 3, 3, 3\)"
    with pytest.raises(ValueError, match=message):
        F.conv2d(mg.randn(2, 1, 8, 8), mg.randn(4, 3, 3, 3))


def test_conv2d_rejects_a_kernel_larger_than_the_padded_input():
    with pytest.raises(ValueError, match=r"conv2d: the window \(5x5.*padded input \(4x4\)"):
        F.conv2d(mg.randn(1, 1, 2, 2), mg.randn(1, 1, 5, 5), padding=1)


def test_conv2d_rejects_groups_that_do_not_divide_the_channels():
    message = r"conv2d: groups=2 must divide both in_channels \(3\).*input shape \(1, 3, 5, 5\)"
    with pytest.raises(ValueError, match=message):
        F.conv2d(mg.randn(1, 3, 5, 5), mg.randn(4, 1, 3, 3), groups=2)


def test_conv2d_rejects_same_padding_with_stride():
    with pytest.raises(ValueError, match="conv2d: padding='same' needs stride 1"):
        F.conv2d(mg.randn(1, 1, 5, 5), mg.randn(1, 1, 3, 3), stride=2, padding="same")


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(padding="full"), ValueError, "padding must be 'same', 'valid'"),
        (dict(padding=-1), ValueError, "padding must be at least 0"),
        (dict(stride=0), ValueError, "stride must be at least 1"),
        (dict(dilation=(1, 2, 3)), TypeError, "dilation must be an int or a pair"),
        (dict(bias=mg.zeros(3)), ValueError, r"bias must have shape \(4,\)"),
    ],
)
def test_conv2d_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match="conv2d: " + message):
        F.conv2d(mg.randn(1, 2, 5, 5), mg.randn(4, 2, 3, 3), **kwargs)


def test_conv2d_rejects_mixed_dtypes():
    with pytest.raises(TypeError, match="conv2d: input dtype float32 and weight dtype float64"):
        F.conv2d(mg.randn(1, 2, 5, 5), mg.randn(4, 2, 3, 3, dtype=mg.float64))
