"""`F.local_response_norm`: AlexNet's normalisation across neighbouring channels.

    out_c = x_c / (k + α/n · Σ_{c' near c} x_c'²)^β

where the sum runs over the n = `size` channels c − ⌊n/2⌋ … c + ⌊(n−1)/2⌋, channels past
either end counting as 0 (and α/n always divides by n, as PyTorch's average pool with
zero padding does). Composed from pad, slices, sums and pow, so its gradient comes from
those ops.
"""

from minigrad.ops.padding import pad


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Normalise each channel of `input` (N, C, *) by the squares of its `size` neighbours."""
    if input.ndim < 3:
        raise ValueError(
            f"local_response_norm: expected an input (N, C, *) of 3 or more dims, got shape "
            f"{tuple(input.shape)}"
        )
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"local_response_norm: size must be a positive int, got {size!r}")
    channels = input.shape[1]
    widths = (0, 0) * (input.ndim - 2) + (size // 2, (size - 1) // 2)
    squares = pad(input * input, widths)
    window_sum = squares.narrow(1, 0, channels)
    for offset in range(1, size):
        window_sum = window_sum + squares.narrow(1, offset, channels)
    return input / (window_sum * (alpha / size) + k) ** beta
