"""A small problem every optimizer test runs on: two parameters in a bumpy bowl.

    loss(θ) = Σ scale·(θ − target)² + 0.1·Σ θ⁴          (summed over both parameters)
    ∂loss/∂θ = 2·scale·(θ − target) + 0.4·θ³

The quartic term makes the curvature change along the way, so an update rule that is wrong
cannot land on the right trajectory by luck; two parameters of different shapes check that
each one is updated with its own state. The update rules are elementwise, so a reference
implementation can treat all parameters as one flat vector.
"""

import numpy as np

import minigrad as mg

_rng = np.random.default_rng(1234)
SHAPES = [(2, 3), (3,)]
INIT = [_rng.standard_normal(shape) for shape in SHAPES]
TARGET = [_rng.standard_normal(shape) for shape in SHAPES]
SCALE = [_rng.uniform(0.5, 2.0, shape) for shape in SHAPES]


def flat(arrays):
    return np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in arrays])


def numpy_gradient(theta):
    """The loss gradient at a flat float64 vector θ, by the formula above."""
    return 2 * flat(SCALE) * (theta - flat(TARGET)) + 0.4 * theta**3


def make_params(dtype=np.float64, device="cpu"):
    return [mg.nn.Parameter(mg.tensor(a, dtype=dtype, device=device)) for a in INIT]


def loss(params):
    terms = [
        (mg.tensor(s, dtype=p.dtype, device=p.device)
         * (p - mg.tensor(t, dtype=p.dtype, device=p.device)) ** 2).sum()
        + 0.1 * (p**4).sum()
        for p, t, s in zip(params, TARGET, SCALE)
    ]
    return terms[0] + terms[1]


def run(optimizer, params, steps):
    """`steps` optimizer steps; the flat parameters after each one, as rows of an array.

    An optimizer with maximize=True climbs −loss, which still leads to the minimum of the
    loss (so the trajectory stays bounded)."""
    maximize = optimizer.param_groups[0].get("maximize", False)
    rows = []
    for _ in range(steps):
        optimizer.zero_grad()
        objective = -loss(params) if maximize else loss(params)
        objective.backward()
        optimizer.step()
        rows.append(flat([p.numpy() for p in params]))
    return np.stack(rows)


def run_reference(rule, steps, **options):
    """The same run in plain float64 numpy, with rule(theta, grad, t, state, **options)
    returning the next theta (t = 1, 2, ...; `state` a dict the rule may keep things in)."""
    maximize = options.get("maximize", False)
    theta, state, rows = flat(INIT), {}, []
    for t in range(1, steps + 1):
        grad = -numpy_gradient(theta) if maximize else numpy_gradient(theta)
        theta = rule(theta, grad, t, state, **options)
        rows.append(theta)
    return np.stack(rows)


def assert_follows_rule(optimizer_class, rule, steps=8, **options):
    """minigrad's optimizer, in float64, traces the reference rule's path to rounding error."""
    params = make_params()
    got = run(optimizer_class(params, **options), params, steps)
    want = run_reference(rule, steps, **options)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
