import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad.data.transforms import (
    ColorJitter,
    Compose,
    GaussianNoise,
    Normalize,
    RandomCrop,
    RandomHorizontalFlip,
    RandomRotation,
    ToTensor,
    rotate,
)

image_shapes = st.one_of(
    st.tuples(st.integers(1, 3), st.integers(4, 9), st.integers(4, 9)),
    st.tuples(st.integers(4, 9), st.integers(4, 9)),
)


def _image(shape, seed=0):
    return np.random.default_rng(seed).random(shape, dtype=np.float32)


@given(shape=image_shapes)
def test_random_transforms_keep_shape_and_dtype(shape):
    image = _image(shape)
    for transform in [
        RandomHorizontalFlip(p=0.5),
        RandomCrop(shape[-2:], padding=2),
        RandomRotation(15, interpolation="bilinear"),
        RandomRotation(15),
        ColorJitter(brightness=0.3, contrast=0.3),
        GaussianNoise(sigma=0.1),
    ]:
        out = transform(image)
        assert out.shape == image.shape and out.dtype == image.dtype, transform


@given(shape=image_shapes)
def test_flipping_twice_is_the_identity(shape):
    image = _image(shape)
    flip = RandomHorizontalFlip(p=1.0)
    once = flip(image)
    np.testing.assert_array_equal(once, image[..., ::-1])
    np.testing.assert_array_equal(flip(once), image)


def test_flip_with_p_zero_leaves_the_image():
    image = _image((2, 4, 4))
    assert RandomHorizontalFlip(p=0.0)(image) is image


@given(shape=image_shapes, interpolation=st.sampled_from(["nearest", "bilinear"]))
def test_rotation_by_zero_is_the_identity(shape, interpolation):
    image = _image(shape)
    np.testing.assert_allclose(rotate(image, 0.0, interpolation), image, atol=1e-6)
    np.testing.assert_allclose(RandomRotation((0, 0), interpolation)(image), image, atol=1e-6)


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
@pytest.mark.parametrize("size", [5, 6])
def test_rotation_by_90_degrees_turns_counter_clockwise_like_rot90(interpolation, size):
    image = _image((2, size, size))
    turned = rotate(image, 90.0, interpolation)
    np.testing.assert_allclose(turned, np.rot90(image, k=1, axes=(-2, -1)), atol=1e-6)


def test_rotation_fills_corners_that_come_from_outside():
    image = np.ones((7, 7), np.float32)
    turned = rotate(image, 45.0, fill=-1.0)
    assert turned[0, 0] == -1.0 and turned[3, 3] == 1.0


def test_bilinear_rotation_of_an_integer_image_stays_integer():
    image = (np.arange(25) % 7).astype(np.uint8).reshape(5, 5)
    out = rotate(image, 10.0, "bilinear")
    assert out.dtype == np.uint8 and out.max() <= 6


def test_rotation_angles_stay_within_degrees():
    image = np.zeros((9, 9), np.float32)
    image[4, 8] = 1.0  # a dot on the right edge, 4 pixels from the centre
    rotation = RandomRotation(10, interpolation="nearest")
    for _ in range(20):
        rows, cols = np.nonzero(rotation(image))
        angles = np.degrees(np.arctan2(4 - rows, cols - 4))
        assert np.all(np.abs(angles) <= 10 + 8)  # 8 degrees: half a pixel at radius 4


@given(shape=image_shapes, padding=st.integers(0, 3))
def test_crop_with_padding_is_a_window_of_the_padded_image(shape, padding):
    image = _image(shape) + 1.0  # so the zero padding cannot be mistaken for the image
    out = RandomCrop(shape[-2:], padding=padding)(image)
    pads = [(0, 0)] * (image.ndim - 2) + [(padding, padding)] * 2
    padded = np.pad(image, pads)
    h, w = shape[-2:]
    windows = [
        padded[..., top : top + h, left : left + w]
        for top in range(2 * padding + 1)
        for left in range(2 * padding + 1)
    ]
    assert any(np.array_equal(out, window) for window in windows)


def test_crop_reaches_every_shift_in_the_padding_range():
    image = np.zeros((5, 5), np.float32)
    image[2, 2] = 1.0
    crop = RandomCrop(5, padding=1)
    positions = {tuple(np.argwhere(crop(image))[0]) for _ in range(200)}
    assert positions == {(r, c) for r in (1, 2, 3) for c in (1, 2, 3)}


def test_crop_larger_than_the_padded_image_is_an_error():
    with pytest.raises(ValueError, match=r"RandomCrop: crop size \(9, 9\).*\(7, 7\)"):
        RandomCrop(9, padding=1)(np.zeros((5, 5), np.float32))


def test_normalize_subtracts_the_mean_and_divides_by_std_per_channel():
    image = np.stack([np.full((2, 2), 1.0), np.full((2, 2), 3.0)]).astype(np.float32)
    out = Normalize(mean=[0.5, 1.0], std=[0.5, 4.0])(image)
    np.testing.assert_allclose(out[0], 1.0)
    np.testing.assert_allclose(out[1], 0.5)
    assert out.dtype == np.float32


def test_normalize_works_on_tensors_and_batches():
    batch = mg.tensor(np.ones((3, 2, 4, 4), np.float32))
    out = Normalize([1.0, 0.0], [1.0, 2.0])(batch)
    assert isinstance(out, mg.Tensor) and out.shape == (3, 2, 4, 4)
    assert out[:, 0].sum().item() == 0.0 and out[:, 1].max().item() == 0.5


def test_normalize_rejects_zero_std_and_wrong_channel_counts():
    with pytest.raises(ValueError, match="std must not contain zeros"):
        Normalize([0.0], [0.0])
    with pytest.raises(ValueError, match="2 means for an image with 3 channels"):
        Normalize([0.0, 0.0], [1.0, 1.0])(np.zeros((3, 4, 4), np.float32))


def test_color_jitter_without_strength_is_the_identity():
    image = _image((1, 5, 5))
    np.testing.assert_allclose(ColorJitter()(image), image, rtol=1e-6)


def test_contrast_keeps_the_mean_and_brightness_scales_it():
    image = _image((1, 6, 6))
    contrasted = ColorJitter(contrast=0.5)(image)
    assert contrasted.mean() == pytest.approx(image.mean(), rel=1e-5)
    assert not np.allclose(contrasted, image)
    brightened = ColorJitter(brightness=(2.0, 2.0))(image)
    np.testing.assert_allclose(brightened, 2 * image, rtol=1e-6)


def test_gaussian_noise_has_the_asked_spread_and_is_clipped():
    image = np.full((1, 100, 100), 0.5, np.float32)
    noisy = GaussianNoise(sigma=0.1, clip=False)(image)
    assert (noisy - image).std() == pytest.approx(0.1, rel=0.05)
    clipped = GaussianNoise(sigma=2.0)(image)
    assert clipped.min() == 0.0 and clipped.max() == 1.0


def test_jitter_and_noise_need_float_images():
    with pytest.raises(TypeError, match="GaussianNoise: expected a floating-point image"):
        GaussianNoise()(np.zeros((4, 4), np.uint8))
    with pytest.raises(TypeError, match="ColorJitter: expected a floating-point image"):
        ColorJitter(0.1)(np.zeros((4, 4), np.uint8))


def test_transforms_name_what_they_expect():
    with pytest.raises(TypeError, match="RandomCrop: expected a numpy array.*got Tensor"):
        RandomCrop(2)(mg.zeros(1, 4, 4))
    with pytest.raises(ValueError, match=r"RandomHorizontalFlip: .*got \(1, 1, 4, 4\)"):
        RandomHorizontalFlip()(np.zeros((1, 1, 4, 4)))
    with pytest.raises(ValueError, match="interpolation must be"):
        rotate(np.zeros((4, 4)), 3.0, interpolation="cubic")


def test_to_tensor_adds_a_channel_and_scales_uint8():
    out = ToTensor()(np.full((3, 4), 255, np.uint8))
    assert isinstance(out, mg.Tensor) and out.shape == (1, 3, 4) and out.dtype == np.float32
    assert out.max().item() == 1.0
    kept = ToTensor()(np.full((2, 3, 4), 16.0))
    assert kept.dtype == np.float32 and kept.max().item() == 16.0


def test_augmentation_repeats_after_manual_seed():
    augment = Compose(
        [
            RandomCrop(8, padding=1),
            RandomHorizontalFlip(),
            RandomRotation(10, "bilinear"),
            ColorJitter(0.2, 0.2),
            GaussianNoise(sigma=0.05),
            ToTensor(),
        ]
    )
    image = _image((1, 8, 8))
    mg.manual_seed(4)
    first = [augment(image).numpy() for _ in range(3)]
    mg.manual_seed(4)
    again = [augment(image).numpy() for _ in range(3)]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], first[1])
