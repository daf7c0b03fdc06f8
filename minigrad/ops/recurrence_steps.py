"""Where each time step's rows lie in a recurrence's input, padded or packed.

The recurrences (`ops.rnn`, `ops.lstm`, `ops.gru`) read their input x_proj as rows, one per
sequence and step. A padded input (L, N, features) has N rows at every step: step t holds
rows tN .. (t+1)N of its (L·N, features) view. A packed input (the data of a
`nn.utils.rnn.PackedSequence`: sequences sorted longest first, then step by step the
batch_sizes[t] sequences still running) is (Σ lengths, features), and step t holds the
batch_sizes[t] rows after those of the steps before it.

Either way step t's rows belong to the first batch_sizes[t] sequences, so a recurrence runs
step t on the first batch_sizes[t] rows of its state: the batch shrinks as sequences end, and
a sequence's state is never updated past its own last step. Backward, the batch grows again:
the rows of a sequence that has not started yet (seen from its end) hold a zero gradient.
"""

from minigrad.backend import array_module


def step_bounds(x_proj, batch_sizes=None):
    """[(start, stop) of step t's rows, for every t]: L steps of N rows for a padded
    (L, N, features) x_proj (batch_sizes None), else batch_sizes[t] rows at step t."""
    if batch_sizes is None:
        steps, batch = x_proj.shape[:2]
        return [(t * batch, (t + 1) * batch) for t in range(steps)]
    bounds, start = [], 0
    for size in batch_sizes:
        bounds.append((start, start + size))
        start += size
    return bounds


def previous_rows(initial, states, bounds, t):
    """What step t reads as h_{t-1} (or c_{t-1}): the initial state at t = 0, else the rows
    of step t-1 (in `states`, one row per sequence and step) of the sequences that still run
    at t, which are the first ones: sequences are sorted longest first."""
    if t == 0:
        return initial
    previous_start, (start, stop) = bounds[t - 1][0], bounds[t]
    return states[previous_start : previous_start + stop - start]


def previous_states(h0, hs, bounds):
    """h_{t-1} for every row of hs (rows, H), as one array. For a padded input that is h0
    followed by hs without its last step; a packed one gathers each step's rows."""
    batch = len(h0)
    if len(hs) == batch * len(bounds):  # every step has the whole batch
        pieces = [h0, hs[: len(hs) - batch]]
    else:
        pieces = [previous_rows(h0, hs, bounds, t) for t in range(len(bounds))]
    return array_module(hs).concatenate(pieces)
