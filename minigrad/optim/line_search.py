"""A line search for the strong Wolfe conditions (the one PyTorch's LBFGS uses, after
Nocedal & Wright, Numerical Optimization, Algorithms 3.5 and 3.6).

Along a descent direction d from θ, with φ(t) = loss(θ + t·d) and slope φ'(t) = ∇loss·d,
a step t is accepted when

    φ(t) ≤ φ(0) + c₁·t·φ'(0)          sufficient decrease (the loss fell by enough)
    |φ'(t)| ≤ c₂·|φ'(0)|              curvature (the slope has flattened enough)

The search first moves t outward (extrapolating a cubic through the last two points) until
an interval is known to hold an acceptable t, then shrinks that interval ("zoom") by cubic
interpolation until a t passes, the interval gets tiny, or max_ls evaluations are used.
"""

import math

from minigrad.backend import array_module


def cubic_minimizer(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2,
    clamped into `bounds` (default: between x1 and x2); their midpoint if the cubic has no
    minimum."""
    low, high = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square < 0:
        return (low + high) / 2.0
    d2 = math.sqrt(d2_square)
    if x1 <= x2:
        minimum = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        minimum = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(minimum, low), high)


class _Point:
    """One trial step: t, the loss there, its flat gradient and its slope along d."""

    def __init__(self, t, loss, grad, slope):
        self.t, self.loss, self.grad, self.slope = t, loss, grad, slope


def strong_wolfe(loss_and_grad_at, t, d, loss, grad, slope, c1=1e-4, c2=0.9,
                 tolerance_change=1e-9, max_ls=25):
    """(loss, flat gradient, t, evaluations) at an accepted step along d.

    `loss_and_grad_at(t)` returns the loss (a float) and flat gradient at θ + t·d; `loss`,
    `grad` and `slope` are those at t = 0, and `t` is the first step to try.
    """
    xp = array_module(d)
    d_norm = float(xp.abs(d).max())
    start = _Point(0.0, loss, grad, slope)

    def evaluate(t):
        new_loss, new_grad = loss_and_grad_at(t)
        return _Point(t, new_loss, new_grad, float(xp.dot(new_grad, d)))

    def sufficient_decrease(point):
        return point.loss <= loss + c1 * point.t * slope

    def flat_enough(point):
        return abs(point.slope) <= -c2 * slope

    # bracketing: walk outward until [previous, new] holds an acceptable step
    previous, new = start, evaluate(t)
    evals, iterations = 1, 0
    bracket, done = None, False
    while iterations < max_ls:
        if not sufficient_decrease(new) or (iterations > 1 and new.loss >= previous.loss):
            bracket = [previous, new]
            break
        if flat_enough(new):
            bracket, done = [new], True
            break
        if new.slope >= 0:  # walked past a minimum
            bracket = [previous, new]
            break
        t = cubic_minimizer(previous.t, previous.loss, previous.slope, new.t, new.loss,
                            new.slope, bounds=(new.t + 0.01 * (new.t - previous.t), new.t * 10))
        previous, new = new, evaluate(t)
        evals += 1
        iterations += 1
    if iterations == max_ls:
        bracket = [start, new]

    # zoom: shrink the bracket around a step that passes both conditions
    insufficient_progress = False
    low, high = (0, 1) if bracket[0].loss <= bracket[-1].loss else (1, 0)
    while not done and iterations < max_ls:
        if abs(bracket[1].t - bracket[0].t) * d_norm < tolerance_change:
            break
        t = cubic_minimizer(bracket[0].t, bracket[0].loss, bracket[0].slope,
                            bracket[1].t, bracket[1].loss, bracket[1].slope)
        # a trial too close to an end of the bracket makes little progress: after two in a
        # row (or one outside it), move it to 10% of the bracket's width inside
        left, right = min(p.t for p in bracket), max(p.t for p in bracket)
        margin = 0.1 * (right - left)
        if min(right - t, t - left) < margin:
            if insufficient_progress or t >= right or t <= left:
                t = right - margin if abs(t - right) < abs(t - left) else left + margin
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False

        new = evaluate(t)
        evals += 1
        iterations += 1
        if not sufficient_decrease(new) or new.loss >= bracket[low].loss:
            bracket[high] = new
            low, high = (0, 1) if bracket[0].loss <= bracket[1].loss else (1, 0)
        else:
            if flat_enough(new):
                done = True
            elif new.slope * (bracket[high].t - bracket[low].t) >= 0:
                bracket[high] = bracket[low]
            bracket[low] = new

    best = bracket[low]
    return best.loss, best.grad, best.t, evals
