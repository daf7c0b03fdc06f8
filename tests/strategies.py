"""Hypothesis strategies shared by the property tests: shapes, broadcastable shapes, values.

Shapes stay small (at most 3 dims of at most 3, and at most 24 elements) because
`mg.gradcheck` runs two forward passes per input element.

Values stay away from the points where an op has a kink (0 for abs and relu, ties for max and
maximum, the bounds of clamp): there the derivative is not defined, and finite differences
straddling the kink would average two slopes. Gradcheck perturbs by 1e-6, so keeping 0.05
away is plenty.
"""

import math

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

MAX_DIMS = 3
MAX_SIDE = 3
MAX_ELEMENTS = 24
MARGIN = 0.05


def _small(shape):
    return math.prod(shape) <= MAX_ELEMENTS


def shapes(min_dims=0):
    """Array shapes with size-1 dims, 0-d included unless min_dims says otherwise."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=MAX_DIMS, max_side=MAX_SIDE).filter(_small)


def broadcastable_shapes(num_shapes=2, max_dims=MAX_DIMS):
    """A tuple of `num_shapes` shapes that broadcast together (missing and size-1 dims)."""
    return (
        hnp.mutually_broadcastable_shapes(
            num_shapes=num_shapes, min_dims=0, max_dims=max_dims, max_side=MAX_SIDE
        )
        .filter(lambda drawn: _small(drawn.result_shape))
        .map(lambda drawn: drawn.input_shapes)
    )


@st.composite
def shapes_and_dim(draw):
    """A shape of 1 or more dims and a valid `dim` for it, negative ones included."""
    shape = draw(shapes(min_dims=1))
    return shape, draw(st.integers(-len(shape), len(shape) - 1))


@st.composite
def shapes_and_dims(draw):
    """A shape of 1 or more dims and a `dim` argument for a reduction: None, an int, or a
    tuple of ints."""
    shape = draw(shapes(min_dims=1))
    single = st.integers(-len(shape), len(shape) - 1)
    several = st.lists(st.integers(0, len(shape) - 1), min_size=1, unique=True).map(tuple)
    return shape, draw(st.none() | single | several)


def floats(shape, low=-2.0, high=2.0, avoid=()):
    """float64 arrays with values in [low, high], each at least MARGIN from every point
    in `avoid` (an op's kinks)."""
    elements = st.floats(low, high, allow_nan=False, allow_infinity=False)
    if avoid:
        elements = elements.filter(lambda v: all(abs(v - k) >= MARGIN for k in avoid))
    return hnp.arrays(np.float64, shape, elements=elements)


def distinct_floats(shape, offset=0.0):
    """float64 arrays whose values differ pairwise by at least 0.1, so max/min have no
    ties; two draws with offsets 0 and 0.05 never tie with each other either."""
    grid = st.integers(-20, 20)
    return hnp.arrays(np.int64, shape, elements=grid, unique=True).map(
        lambda ints: ints * 0.1 + offset
    )
