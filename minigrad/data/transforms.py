"""Data augmentation: random changes to a training image that keep its label.

A 3 shifted by a pixel, turned by ten degrees or a little darker is still a 3. Training on
such variants (seed 004 §3.1.2: random crop, rotation and flip, colour, noise; seed 001 §2.1:
rotation, flipping) teaches the model that these changes do not matter: more training data
for free, and less overfitting.

Each transform is a callable on ONE sample, a numpy array of shape (C, H, W) or (H, W). Wrap
a dataset in `TransformedDataset(ds, transform=Compose([...]))` so every epoch draws fresh
variants. The random numbers come from minigrad's generator, so `mg.manual_seed` repeats
them. Augment the training set only: validation and test images must stay as they are.

Names and arguments follow torchvision.transforms.
"""

import math
import numbers

import numpy as np

from minigrad.random import generator
from minigrad.tensor import Tensor


def _check_image(op, image):
    if not isinstance(image, np.ndarray):
        raise TypeError(
            f"{op}: expected a numpy array of shape (C, H, W) or (H, W), got "
            f"{type(image).__name__} (build the dataset from numpy arrays, and put ToTensor() "
            "last in Compose)"
        )
    if image.ndim not in (2, 3):
        raise ValueError(f"{op}: expected an image of shape (C, H, W) or (H, W), got {image.shape}")


def _check_float_image(op, image):
    _check_image(op, image)
    if image.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating-point image, got dtype {image.dtype}")


def _pair(op, value):
    """An int size or (height, width) pair as (height, width)."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or any(not isinstance(v, (int, np.integer)) or v < 1 for v in pair):
        raise ValueError(f"{op}: size must be a positive int or (height, width), got {value!r}")
    return int(pair[0]), int(pair[1])


def _range(op, name, value, center):
    """A number v as the interval (center - v, center + v); a (low, high) pair as itself."""
    if isinstance(value, numbers.Real):
        if value < 0:
            raise ValueError(f"{op}: {name} must be non-negative, got {value}")
        return center - value, center + value
    low, high = value
    if low > high:
        raise ValueError(f"{op}: {name} range ({low}, {high}) has low > high")
    return float(low), float(high)


class Compose:
    """Apply `transforms` one after another."""

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, image):
        for transform in self.transforms:
            image = transform(image)
        return image


class ToTensor:
    """A numpy image as a float32 Tensor (C, H, W), kept on the CPU.

    A (H, W) image gets a channel axis; uint8 pixels 0..255 are scaled to [0, 1] as in
    torchvision; other dtypes keep their values. The tensor stays on the CPU: batches cross
    to the GPU once, in the DataLoader, not sample by sample.
    """

    def __call__(self, image):
        _check_image("ToTensor", image)
        array = image[None] if image.ndim == 2 else image
        if array.dtype == np.uint8:
            array = array.astype(np.float32) / 255.0
        return Tensor(array, dtype=np.float32, device="cpu")


class Normalize:
    """x -> (x - mean) / std, per channel (one mean and std per C, or one for all).

    Works on numpy images and on tensors (also batches (N, C, H, W)), so it may come before
    or after ToTensor. Subtracting the mean and dividing by the spread puts every input near
    0 with unit scale, where the default weight initialisation expects it.
    """

    def __init__(self, mean, std):
        self.mean = np.atleast_1d(np.asarray(mean, dtype=np.float32))
        self.std = np.atleast_1d(np.asarray(std, dtype=np.float32))
        if self.mean.ndim != 1 or self.mean.shape != self.std.shape:
            raise ValueError(
                f"Normalize: mean and std need one value per channel each, got shapes "
                f"{self.mean.shape} and {self.std.shape}"
            )
        if np.any(self.std == 0):
            raise ValueError(f"Normalize: std must not contain zeros, got {self.std.tolist()}")

    def __call__(self, image):
        if image.ndim < 3:
            channels, shape = 1, (-1,)
        else:
            channels, shape = image.shape[-3], (-1, 1, 1)
        if len(self.mean) not in (1, channels):
            raise ValueError(
                f"Normalize: {len(self.mean)} means for an image with {channels} channels "
                f"(shape {tuple(image.shape)})"
            )
        return (image - self.mean.reshape(shape)) / self.std.reshape(shape)


class RandomHorizontalFlip:
    """Mirror the image left to right with probability `p`."""

    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, image):
        _check_image("RandomHorizontalFlip", image)
        if generator().random() < self.p:
            return image[..., ::-1].copy()
        return image


class RandomCrop:
    """A random `size` window of the image, after padding each side with `padding` pixels.

    With padding p the window's corner moves up to 2p pixels in each direction: a random
    shift of the content, the classic augmentation for small images such as digits.
    """

    def __init__(self, size, padding=None, fill=0):
        self.size = _pair("RandomCrop", size)
        if padding is not None and (not isinstance(padding, (int, np.integer)) or padding < 0):
            raise ValueError(f"RandomCrop: padding must be a non-negative int, got {padding!r}")
        self.padding = padding or 0
        self.fill = fill

    def __call__(self, image):
        _check_image("RandomCrop", image)
        p = self.padding
        if p:
            widths = [(0, 0)] * (image.ndim - 2) + [(p, p), (p, p)]
            image = np.pad(image, widths, constant_values=self.fill)
        (height, width), (h, w) = image.shape[-2:], self.size
        if h > height or w > width:
            raise ValueError(
                f"RandomCrop: crop size {self.size} is larger than the padded image "
                f"{(height, width)}"
            )
        top = int(generator().integers(0, height - h + 1))
        left = int(generator().integers(0, width - w + 1))
        return image[..., top : top + h, left : left + w].copy()


def _read(image, rows, cols, fill):
    """image[..., rows, cols] where (rows, cols) lies inside the image, `fill` outside."""
    height, width = image.shape[-2:]
    inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
    values = image[..., rows.clip(0, height - 1), cols.clip(0, width - 1)]
    return np.where(inside, values, fill)


def rotate(image, angle, interpolation="nearest", fill=0):
    """`image` turned `angle` degrees counter-clockwise about its centre (as torchvision).

    Every OUTPUT pixel asks where it came from: turning its offset from the centre back by
    -angle,
        x_src = cx + dx cos(a) - dy sin(a),   y_src = cy + dx sin(a) + dy cos(a)
    (rows grow downwards, hence the signs). 'nearest' reads the closest pixel; 'bilinear'
    blends the four around (x_src, y_src), each weighted by its nearness. Sources outside the
    image read `fill`. Mapping outputs to sources, not inputs to targets, leaves no holes.
    """
    _check_image("rotate", image)
    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(
            f"rotate: interpolation must be 'nearest' or 'bilinear', got {interpolation!r}"
        )
    height, width = image.shape[-2:]
    cy, cx = (height - 1) / 2, (width - 1) / 2
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    dy, dx = np.mgrid[0:height, 0:width] - np.array([cy, cx]).reshape(2, 1, 1)
    src_x = cx + dx * cos - dy * sin
    src_y = cy + dx * sin + dy * cos
    if interpolation == "nearest":
        out = _read(image, np.rint(src_y).astype(np.int64), np.rint(src_x).astype(np.int64), fill)
        return out.astype(image.dtype)
    top, left = np.floor(src_y).astype(np.int64), np.floor(src_x).astype(np.int64)
    fy, fx = src_y - top, src_x - left
    out = (
        (1 - fy) * (1 - fx) * _read(image, top, left, fill)
        + (1 - fy) * fx * _read(image, top, left + 1, fill)
        + fy * (1 - fx) * _read(image, top + 1, left, fill)
        + fy * fx * _read(image, top + 1, left + 1, fill)
    )
    if image.dtype.kind != "f":
        out = np.rint(out)
    return out.astype(image.dtype)


class RandomRotation:
    """Rotate by an angle drawn uniformly from [-degrees, degrees] (or from (low, high)).

    Keep the angles small for digits: a 6 turned by 180 degrees is a 9.
    """

    def __init__(self, degrees, interpolation="nearest", fill=0):
        self.degrees = _range("RandomRotation", "degrees", degrees, center=0.0)
        self.interpolation = interpolation
        self.fill = fill

    def __call__(self, image):
        angle = float(generator().uniform(*self.degrees))
        return rotate(image, angle, self.interpolation, self.fill)


class ColorJitter:
    """Random brightness and contrast, as torchvision's ColorJitter (without saturation and
    hue, which need three colour channels).

    brightness b: x -> f x, with f drawn from [max(0, 1 - b), 1 + b] (or from a (low, high)).
    contrast c:   x -> m + f (x - m), m the image's mean, f drawn likewise: f < 1 flattens
                  the image towards grey, f > 1 spreads it out.
    Brightness is applied first. Values are not clipped, since the image may use any range.
    """

    def __init__(self, brightness=0, contrast=0):
        self.brightness = self._factors("brightness", brightness)
        self.contrast = self._factors("contrast", contrast)

    @staticmethod
    def _factors(name, value):
        low, high = _range("ColorJitter", name, value, center=1.0)
        return max(low, 0.0), high

    def __call__(self, image):
        _check_float_image("ColorJitter", image)
        image = image * float(generator().uniform(*self.brightness))
        mean = image.mean()
        return mean + float(generator().uniform(*self.contrast)) * (image - mean)


class GaussianNoise:
    """Add noise drawn from N(mean, sigma^2) to every pixel, then clip to [0, 1] if `clip`.

    A float image in [0, 1] is expected, as in torchvision.transforms.v2.GaussianNoise.
    """

    def __init__(self, mean=0.0, sigma=0.1, clip=True):
        if sigma < 0:
            raise ValueError(f"GaussianNoise: sigma must be non-negative, got {sigma}")
        self.mean, self.sigma, self.clip = mean, sigma, clip

    def __call__(self, image):
        _check_float_image("GaussianNoise", image)
        noise = generator().normal(self.mean, self.sigma, size=image.shape).astype(image.dtype)
        noisy = image + noise
        return np.clip(noisy, 0.0, 1.0) if self.clip else noisy
