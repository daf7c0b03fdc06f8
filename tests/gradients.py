"""The one call every gradient property test makes."""

import minigrad as mg


def check_gradients(fn, *arrays):
    """Compare fn's backward with central finite differences at these arrays (each becomes a
    float64 tensor that requires grad); mg.gradcheck raises GradcheckError on a mismatch."""
    return mg.gradcheck(fn, [mg.tensor(a, requires_grad=True) for a in arrays])
