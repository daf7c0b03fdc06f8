"""The one random number generator behind every random tensor, initialisation and shuffle.

`manual_seed(s)` resets it, so a script that seeds once at the top is reproducible. Numbers are
drawn on the CPU and then moved to the tensor's device, so a seeded run draws the same
numbers on 'cpu' and 'cuda'.
"""

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed):
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def generator():
    """The current numpy Generator (for code that needs raw random arrays)."""
    return _generator
