"""torch.nn.functional.interpolate: resize sequences (N, C, L), images (N, C, H, W) or volumes
(N, C, D, H, W) by nearest-neighbour, linear, bilinear, bicubic or trilinear interpolation,
or area averaging.

Every mode computes each output pixel from input pixels along each axis separately, with
weights that depend only on the sizes, so each axis is a fixed (out × in) matrix A and

    y = A_H · x · A_Wᵀ     (images),        y = x · A_Lᵀ     (sequences)

(volumes add A_D on the depth axis), composed from matmul by `separable.map_spatial_axes`, as
adaptive average pooling is: the gradient dx = A_Hᵀ · g · A_W needs no proof of its own. The maths is all in where output index i reads from, by PyTorch's rules:

    scale     = (in − 1)/(out − 1)       align_corners=True (0 when out = 1)
              = 1/scale_factor           when scale_factor is given (and not recomputed)
              = in/out                   otherwise
    nearest        src = ⌊i·scale⌋                     (PyTorch's legacy rule: drifts left)
    nearest-exact  src = ⌊(i + ½)·scale⌋               (pixel centres, as in PIL/OpenCV)
    linear/cubic   x = i·scale                         align_corners=True: corner pixels
                   x = (i + ½)·scale − ½               otherwise: pixel centres meet
                                                         (clamped at 0 for linear)

nearest indices are capped at in − 1. PyTorch's kernels take two shortcuts, kept here because
they change results: linear, bilinear and trilinear copy an axis whose size does not change
(whatever the scale_factor), and nearest on images also copies it and reads i // 2 where the
size doubles (on sequences and volumes nearest uses the rule above throughout). Linear mixes ⌊x⌋ and ⌊x⌋ + 1 with weights 1 − t and t
(t = x − ⌊x⌋); bicubic mixes ⌊x⌋ − 1 … ⌊x⌋ + 2 with Keys' cubic convolution (a = −0.75),
taps past the edge reading the edge pixel. Indices are computed in float32 for float32
input (float64 for float64), as PyTorch does: a nearest index can flip where i·scale lands
within rounding of an integer. 'area' is adaptive average pooling to the output size, whose
averaging matrices it uses.

One departure: PyTorch 2.13's own backward of 'nearest' on volumes does not always match its
forward when a scale_factor is given (scale_factor (1.1, 2.1, 0.6) on a 5×4×6 volume sends
gradients to pixels the forward never read). The gradient here is the transpose of the
forward, which does match PyTorch's forward (tests/fixtures/make_torch_fixtures_volumes.py).
"""

import math

import numpy as np

from minigrad.autograd import under_autocast
from minigrad.checks import check_floating
from minigrad.creation import tensor
from minigrad.ops.adaptive_pool import averaging_matrix
from minigrad.ops.separable import map_spatial_axes

MODES = ("nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area")
# and the spatial dims each needs
INTERPOLATING = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}
CUBIC_A = -0.75


@under_autocast("fp32")
def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """torch.nn.functional.interpolate on (N, C, L), (N, C, H, W) or (N, C, D, H, W): give
    either `size` (an int
    or one per spatial dim) or `scale_factor` (a number or one per dim; the output is
    ⌊in·scale_factor⌋). align_corners (linear modes only, default False) maps the corner
    pixels onto each other."""
    op = "interpolate"
    if mode not in MODES:
        raise ValueError(f"{op}: mode must be one of {MODES}, got {mode!r}")
    if input.ndim not in (3, 4, 5):
        raise ValueError(
            f"{op}: expected a 3-D (N, C, L), 4-D (N, C, H, W) or 5-D (N, C, D, H, W) input, "
            f"got shape {tuple(input.shape)}"
        )
    check_floating(op, input)
    dims = input.ndim - 2
    if INTERPOLATING.get(mode, dims) != dims:
        raise ValueError(
            f"{op}: mode={mode!r} needs a {INTERPOLATING[mode] + 2}-D input, got shape "
            f"{tuple(input.shape)}"
        )
    if align_corners is not None and mode not in INTERPOLATING:
        raise ValueError(
            f"{op}: align_corners can only be set with the interpolating modes "
            f"{tuple(INTERPOLATING)}, not mode={mode!r}"
        )
    if antialias:
        raise ValueError(f"{op}: antialias=True is not supported")
    sizes, scale_factors = _output_sizes(op, input.shape, size, scale_factor,
                                         recompute_scale_factor)
    index_type = np.float64 if input.dtype == np.float64 else np.float32
    shortcuts = mode in ("linear", "bilinear", "trilinear") or (mode == "nearest" and dims == 2)
    matrices = []
    for n, out, factor in zip(input.shape[2:], sizes, scale_factors):
        if mode == "area":
            matrix = averaging_matrix(n, out)
        else:
            matrix = _shortcut_matrix(mode, n, out) if shortcuts else None
            if matrix is None:
                matrix = _interpolation_matrix(mode, n, out, factor, bool(align_corners),
                                               index_type)
        matrices.append(tensor(matrix, dtype=input.dtype, device=input.device))
    return map_spatial_axes(input, matrices)


def _output_sizes(op, shape, size, scale_factor, recompute_scale_factor):
    """(output sizes, the scale factors the coordinate rule uses: None where in/out is used)."""
    dims = len(shape) - 2
    if (size is None) == (scale_factor is None):
        raise ValueError(f"{op}: give exactly one of size and scale_factor, got both or neither")
    if size is not None:
        sizes = _per_dim(op, "size", size, dims, (int, np.integer))
        if any(n < 1 for n in sizes):
            raise ValueError(f"{op}: size must be positive, got {size!r}")
        return sizes, (None,) * dims
    factors = _per_dim(op, "scale_factor", scale_factor, dims, (int, float, np.number))
    sizes = tuple(math.floor(n * float(f)) for n, f in zip(shape[2:], factors))
    if any(n < 1 for n in sizes):
        raise ValueError(
            f"{op}: scale_factor {scale_factor!r} gives an empty output {sizes} for an input of "
            f"shape {tuple(shape)}"
        )
    return sizes, (None,) * dims if recompute_scale_factor else factors


def _per_dim(op, name, value, dims, kinds):
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,) * dims
    if len(values) != dims or not all(
        isinstance(v, kinds) and not isinstance(v, bool) for v in values
    ):
        raise TypeError(f"{op}: {name} must be a number or {dims} of them, got {value!r}")
    return values


def _shortcut_matrix(mode, size, out):
    """PyTorch's shortcuts (the module docstring): the identity where the size stays, and for
    nearest, i // 2 where it doubles; None where there is none."""
    if out == size:
        return np.eye(size)
    if mode == "nearest" and out == 2 * size:
        return np.eye(size)[np.arange(out) // 2]
    return None


def _interpolation_matrix(mode, size, out, scale_factor, align_corners, index_type):
    """The (out, size) matrix A of one axis: output i = Σ_k A[i, k] · input k."""
    scale = _scale(size, out, scale_factor, align_corners, index_type)
    i = np.arange(out, dtype=index_type)
    if mode == "nearest":
        taps, weights = np.floor(i * scale)[:, None], np.ones((out, 1))
    elif mode == "nearest-exact":
        taps, weights = np.floor((i + index_type(0.5)) * scale)[:, None], np.ones((out, 1))
    else:
        x = i * scale if align_corners else (i + index_type(0.5)) * scale - index_type(0.5)
        if mode != "bicubic":
            x = np.maximum(x, 0)
        first = np.floor(x)
        t = (x - first).astype(np.float64)[:, None]
        if mode == "bicubic":
            taps = first[:, None] + np.arange(-1, 3)
            weights = np.concatenate(
                [_cubic_far(t + 1), _cubic_near(t), _cubic_near(1 - t), _cubic_far(2 - t)], axis=1
            )
        else:
            taps, weights = first[:, None] + np.arange(2), np.concatenate([1 - t, t], axis=1)
    taps = np.clip(taps.astype(np.int64), 0, size - 1)  # past the edge: read the edge pixel
    matrix = np.zeros((out, size))
    np.add.at(matrix, (np.arange(out)[:, None], taps), weights)
    return matrix


def _scale(size, out, scale_factor, align_corners, index_type):
    """The step in input pixels per output pixel (the module docstring), as PyTorch rounds it."""
    if align_corners:
        return index_type(size - 1) / index_type(out - 1) if out > 1 else index_type(0)
    if scale_factor is not None and scale_factor > 0:
        return index_type(1.0 / scale_factor)
    return index_type(size) / index_type(out)


def _cubic_near(x):
    """Keys' cubic kernel on |x| ≤ 1: ((a + 2)|x| − (a + 3))·x² + 1."""
    return ((CUBIC_A + 2) * x - (CUBIC_A + 3)) * x * x + 1


def _cubic_far(x):
    """Keys' cubic kernel on 1 < |x| < 2: ((a·|x| − 5a)·|x| + 8a)·|x| − 4a."""
    return ((CUBIC_A * x - 5 * CUBIC_A) * x + 8 * CUBIC_A) * x - 4 * CUBIC_A
