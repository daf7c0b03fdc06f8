"""Where a parameter or a value may lie, with PyTorch's names (`Normal.arg_constraints`,
`Normal.support`). `check(value)` gives a bool tensor: True where the value is allowed, with the
event dims of a vector constraint (simplex, one-hot) already reduced away."""

import math

import minigrad as mg


class Constraint:
    def __init__(self, name, test):
        self.name, self.test = name, test

    def check(self, value):
        return self.test(value)

    def __repr__(self):
        return self.name


class _Interval(Constraint):
    """low ≤ value ≤ high (low < value where open_low); the bounds may be tensors."""

    def __init__(self, low, high, open_low=False, name=None):
        self.low, self.high, self.open_low = low, high, open_low
        low_name = "low" if isinstance(low, mg.Tensor) else low
        high_name = "high" if isinstance(high, mg.Tensor) else high
        super().__init__(name or f"in {'(' if open_low else '['}{low_name}, {high_name}]", None)

    def check(self, value):
        above = value > self.low if self.open_low else value >= self.low
        return above & (value <= self.high)


def _integer(value):
    return value == value.floor()


def _is_simplex(value):
    return (value >= 0).all(-1) & ((value.sum(-1) - 1).abs() < 1e-6)


def _is_one_hot(value):
    return ((value == 0) | (value == 1)).all(-1) & (value.sum(-1) == 1)


def _is_lower_cholesky(value):
    lower = (value.tril() == value).flatten(-2).all(-1)
    return lower & (value.diagonal(dim1=-2, dim2=-1) > 0).all(-1)


def _is_positive_definite(value):
    symmetric = ((value - value.transpose(-1, -2)).abs() < 1e-6).flatten(-2).all(-1)
    xp = mg.backend.array_module(value.data)
    eigenvalues = mg.Tensor._make(xp.linalg.eigvalsh(value.data))
    return symmetric & (eigenvalues > 0).all(-1)


real = Constraint("real", lambda v: ~v.isnan())
positive = _Interval(0.0, math.inf, open_low=True, name="positive")
nonnegative = _Interval(0.0, math.inf, name="non-negative")
unit_interval = _Interval(0.0, 1.0)
boolean = Constraint("0 or 1", lambda v: (v == 0) | (v == 1))
nonnegative_integer = Constraint("a non-negative integer", lambda v: (v >= 0) & _integer(v))
real_vector = Constraint("a real vector", lambda v: (~v.isnan()).all(-1))
simplex = Constraint("on the simplex (non-negative, summing to 1)", _is_simplex)
one_hot = Constraint("one-hot", _is_one_hot)
lower_cholesky = Constraint("lower-triangular with a positive diagonal", _is_lower_cholesky)
positive_definite = Constraint("symmetric positive-definite", _is_positive_definite)


def interval(low, high):
    return _Interval(low, high)


def integer_interval(low, high):
    inside = _Interval(low, high)
    return Constraint(f"an integer {inside.name}", lambda v: inside.check(v) & _integer(v))


def integer_less_than(upper):
    return Constraint(f"an integer in [0, {upper})", lambda v: (v >= 0) & (v < upper) & _integer(v))
