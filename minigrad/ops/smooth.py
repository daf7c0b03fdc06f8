"""Bases for the elementwise ops whose derivative has a closed form, so that each op states
only its value and its slope, side by side (ops/trig.py, exp_log.py, rounding.py, special.py).

For out = f(a):      da = g · f'(a)
For out = f(a, b):   da = g · ∂f/∂a,  db = g · ∂f/∂b, each summed back over the dims that
                     broadcasting stretched (`unbroadcast`).
"""

from minigrad import dtypes
from minigrad.autograd import Function, unbroadcast
from minigrad.backend import array_module
from minigrad.checks import check_floating
from minigrad.tensor import Tensor


class SmoothUnary(Function):
    """f(a), with `value(xp, a)` and `slope(xp, a, out)` = f'(a) given by the subclass."""

    def forward(self, a):
        self.a = a
        self.out = self.value(array_module(a), a)
        return self.out

    def backward(self, g):
        return g * self.slope(array_module(g), self.a, self.out)


class SmoothBinary(Function):
    """f(a, b), with `value(xp, a, b)` and `slopes(xp, a, b, out)` = (∂f/∂a, ∂f/∂b)."""

    def forward(self, a, b):
        self.a, self.b = a, b
        self.out = self.value(array_module(a), a, b)
        return self.out

    def backward(self, g):
        slope_a, slope_b = self.slopes(array_module(g), self.a, self.b, self.out)
        da = unbroadcast(g * slope_a, self.a.shape) if self.needs_input_grad[0] else None
        db = unbroadcast(g * slope_b, self.b.shape) if self.needs_input_grad[1] else None
        return da, db


def to_float(value):
    """Integer and bool tensors as float32, as PyTorch's float-valued math takes them (numpy
    would give float64); floating tensors and Python numbers unchanged."""
    if isinstance(value, Tensor) and value.dtype.kind != "f":
        return value.to(dtypes.default_float)
    return value


def check_floating_tensors(op, *values):
    """For the ops that PyTorch defines on floating-point tensors only (numbers pass)."""
    for value in values:
        if isinstance(value, Tensor):
            check_floating(op, value)
