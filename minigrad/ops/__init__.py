"""The differentiable ops, grouped by kind. Each op is a `Function` with forward and backward
side by side; composite ops (var, stack, ...) are built from these and need no backward."""

from minigrad.ops import (  # noqa: F401
    combinatorics,
    counting,
    diagonal,
    distance,
    einsum,
    elementwise,
    exp_log,
    gamma_functions,
    indexing,
    matmul,
    movement,
    order_stats,
    products,
    rearrange,
    reduce,
    rounding,
    scan,
    softmax,
    sorting,
    special,
    split,
    stacking,
    trig,
)
