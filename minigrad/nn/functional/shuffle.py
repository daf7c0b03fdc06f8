"""`F.pixel_shuffle`, `F.pixel_unshuffle` and `F.channel_shuffle`: channels and pixels
rearranged, composed from reshape and permute (so their gradients are those ops' own).

pixel_shuffle with factor r moves r² channels into an r×r block of pixels (the up-sampling of
sub-pixel convolution):

    y[..., c, h·r + i, w·r + j] = x[..., c·r² + i·r + j, h, w]

pixel_unshuffle is its inverse. channel_shuffle with g groups reads the channels as a g × C/g
grid and transposes it, so that the next grouped convolution mixes every group (ShuffleNet).
"""

from minigrad.ops.window_args import ntuple


def pixel_shuffle(input, upscale_factor):
    """(*, C·r², H, W) -> (*, C, H·r, W·r)."""
    op = "pixel_shuffle"
    (r,) = ntuple(op, "upscale_factor", upscale_factor, 1)
    *batch, channels, h, w = _check_images(op, input)
    if channels % (r * r):
        raise ValueError(
            f"{op}: the {channels} channels of an input of shape {tuple(input.shape)} are not "
            f"a multiple of upscale_factor² = {r * r}"
        )
    k = len(batch)
    blocks = input.reshape(*batch, channels // (r * r), r, r, h, w)
    order = (*range(k), k, k + 3, k + 1, k + 4, k + 2)  # (..., c, h, i, w, j)
    return blocks.permute(order).reshape(*batch, channels // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H·r, W·r) -> (*, C·r², H, W): pixel_shuffle's inverse."""
    op = "pixel_unshuffle"
    (r,) = ntuple(op, "downscale_factor", downscale_factor, 1)
    *batch, channels, h, w = _check_images(op, input)
    if h % r or w % r:
        raise ValueError(
            f"{op}: height and width of an input of shape {tuple(input.shape)} must be "
            f"multiples of downscale_factor = {r}"
        )
    k = len(batch)
    blocks = input.reshape(*batch, channels, h // r, r, w // r, r)
    order = (*range(k), k, k + 2, k + 4, k + 1, k + 3)  # (..., c, i, j, h, w)
    return blocks.permute(order).reshape(*batch, channels * r * r, h // r, w // r)


def channel_shuffle(input, groups):
    """(N, C, *) with channels read as (groups, C/groups) -> (C/groups, groups)."""
    op = "channel_shuffle"
    (groups,) = ntuple(op, "groups", groups, 1)
    if input.ndim < 3 or input.shape[1] % groups:
        raise ValueError(
            f"{op}: expected an input (N, C, *) with C a multiple of groups={groups}, got "
            f"shape {tuple(input.shape)}"
        )
    n, channels, *rest = input.shape
    grid = input.reshape(n, groups, channels // groups, *rest)
    return grid.transpose(1, 2).reshape(n, channels, *rest)


def _check_images(op, input):
    if input.ndim < 3:
        raise ValueError(f"{op}: expected an input (*, C, H, W), got shape {tuple(input.shape)}")
    return input.shape
