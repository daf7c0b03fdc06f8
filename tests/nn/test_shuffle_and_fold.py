"""pixel_shuffle/unshuffle, channel_shuffle and fold/unfold: defining identities (a round trip,
unfold + matmul = conv2d, fold as unfold's adjoint), gradients against finite differences, the
layers, and the errors. PyTorch's values are in tests/nn/test_spatial_torch_fixtures.py."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from tests.gradients import check_gradients

RNG = np.random.default_rng(0)
IMAGES = RNG.standard_normal((2, 8, 3, 4))


def test_pixel_shuffle_places_channels_in_blocks_and_unshuffle_undoes_it():
    x = mg.tensor(IMAGES)
    out = F.pixel_shuffle(x, 2)
    assert out.shape == (2, 2, 6, 8)
    # y[c, 2h + i, 2w + j] = x[4c + 2i + j, h, w]
    assert out.numpy()[1, 1, 2 * 2 + 1, 2 * 3 + 0] == IMAGES[1, 4 + 2, 2, 3]
    np.testing.assert_array_equal(F.pixel_unshuffle(out, 2).numpy(), IMAGES)
    np.testing.assert_array_equal(nn.PixelUnshuffle(2)(nn.PixelShuffle(2)(x)).numpy(), IMAGES)


def test_channel_shuffle_interleaves_the_groups():
    x = mg.tensor(np.arange(6.0).reshape(1, 6, 1))
    np.testing.assert_array_equal(F.channel_shuffle(x, 2).numpy()[0, :, 0], [0, 3, 1, 4, 2, 5])
    np.testing.assert_array_equal(nn.ChannelShuffle(3)(x).numpy()[0, :, 0], [0, 2, 4, 1, 3, 5])


def test_unfold_then_matmul_is_conv2d():
    x, w = mg.tensor(IMAGES), mg.tensor(RNG.standard_normal((5, 8, 2, 3)))
    options = {"dilation": (1, 2), "padding": 1, "stride": (2, 1)}
    cols = F.unfold(x, (2, 3), **options)  # (N, C·kH·kW, L)
    conv = F.conv2d(x, w, **options)
    np.testing.assert_allclose((w.reshape(5, -1) @ cols).numpy(),
                               conv.numpy().reshape(2, 5, -1), atol=1e-12)


def test_fold_is_the_adjoint_of_unfold():
    x = mg.tensor(IMAGES)
    options = {"kernel_size": 2, "dilation": 1, "padding": 1, "stride": 2}
    cols = mg.tensor(RNG.standard_normal(F.unfold(x, **options).shape))
    np.testing.assert_allclose((F.unfold(x, **options) * cols).sum().item(),
                               (x * F.fold(cols, (3, 4), **options)).sum().item())


def test_gradients_match_finite_differences():
    small = IMAGES[:1, :4]
    options = {"kernel_size": (2, 2), "dilation": (1, 2), "padding": 1, "stride": (1, 2)}
    cols = F.unfold(mg.tensor(small), **options).numpy()
    assert check_gradients(lambda t: F.unfold(t, **options), small)
    assert check_gradients(lambda t: F.fold(t, (3, 4), **options), cols)
    assert check_gradients(lambda t: F.pixel_shuffle(t, 2), small)
    assert check_gradients(lambda t: F.pixel_unshuffle(t, 2) * 2, RNG.standard_normal((1, 4, 2)))
    assert check_gradients(lambda t: F.channel_shuffle(t, 2), small)


def test_fold_and_unfold_layers_take_unbatched_input():
    x = mg.tensor(IMAGES[0])
    cols = nn.Unfold(2, padding=1)(x)
    assert cols.shape == (8 * 4, 4 * 5)
    assert nn.Fold((3, 4), 2, padding=1)(cols).shape == (8, 3, 4)


X = mg.tensor(IMAGES)
ERRORS = {
    "shuffle_channels": (lambda: F.pixel_shuffle(X, 3), ValueError,
                         r"pixel_shuffle: the 8 channels .* upscale_factor² = 9"),
    "unshuffle_size": (lambda: F.pixel_unshuffle(X, 2), ValueError,
                       r"pixel_unshuffle: height and width .* \(2, 8, 3, 4\)"),
    "shuffle_rank": (lambda: F.pixel_shuffle(X[0, 0], 2), ValueError,
                     r"pixel_shuffle: expected an input \(\*, C, H, W\)"),
    "channel_groups": (lambda: F.channel_shuffle(X, 3), ValueError,
                       "channel_shuffle: expected an input .* multiple of groups=3"),
    "unfold_window": (lambda: F.unfold(X, 5), ValueError, r"unfold: the window \(5x5"),
    "unfold_rank": (lambda: F.unfold(X[0, 0], 2), ValueError, "unfold: expected a 3-D"),
    "fold_columns": (lambda: F.fold(mg.randn(1, 8, 5), (3, 4), 2), ValueError,
                     r"fold: input of shape \(1, 8, 5\) must have C·4 rows .* 6"),
    "fold_rows": (lambda: F.fold(mg.randn(1, 7, 6), (3, 4), 2), ValueError,
                  "fold: input of shape"),
    "fold_rank": (lambda: F.fold(X, (3, 4), 2), ValueError, "fold: expected a 2-D"),
}


@pytest.mark.parametrize("name", ERRORS)
def test_bad_arguments_raise_our_errors(name):
    call, error, message = ERRORS[name]
    with pytest.raises(error, match=message):
        call()
