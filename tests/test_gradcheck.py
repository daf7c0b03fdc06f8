"""gradcheck must catch a wrong backward, not only pass right ones."""

import re

import pytest

import minigrad as mg
from minigrad.autograd import Function


class Cube(Function):
    """a³, with a backward that is off by `factor` unless factor is 1."""

    factor = 1.0

    def forward(self, a):
        self.a = a
        return a**3

    def backward(self, g):
        return g * 3 * self.a**2 * self.factor


class CubeWithWrongBackward(Cube):
    factor = 1.5


def test_gradcheck_accepts_a_correct_backward():
    x = mg.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
    assert mg.gradcheck(Cube.apply, [x])


def test_gradcheck_rejects_a_backward_off_by_a_factor():
    x = mg.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
    with pytest.raises(mg.GradcheckError) as error:
        mg.gradcheck(CubeWithWrongBackward.apply, [x])
    found = re.search(
        r"input 0 .* element \(0, 0\): backward gave (\S+), finite differences (\S+)",
        str(error.value),
    )
    assert found, str(error.value)
    # both values carry gradcheck's random output weight, so compare their ratio
    analytic, numeric = float(found[1]), float(found[2])
    assert analytic / numeric == pytest.approx(1.5, rel=1e-6)


def test_gradcheck_names_the_input_whose_gradient_is_wrong():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([3.0, 4.0], requires_grad=True)
    with pytest.raises(mg.GradcheckError, match=r"input 1 \(shape \(2,\)\) at element \(0,\)"):
        mg.gradcheck(lambda x, y: x * 2.0 + CubeWithWrongBackward.apply(y), [a, b])


def test_gradcheck_passes_non_tensor_inputs_through():
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    assert mg.gradcheck(lambda t, dim: t.softmax(dim), [x, 1])


def test_gradcheck_leaves_the_callers_tensors_alone():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    mg.gradcheck(lambda t: t * t, [x])
    assert x.dtype == mg.float32 and x.grad is None and x.tolist() == [1.0, 2.0]


def test_gradcheck_with_no_input_requiring_grad_raises():
    with pytest.raises(ValueError, match="gradcheck: no input has requires_grad=True"):
        mg.gradcheck(lambda t: t * 2.0, [mg.tensor([1.0])])


def test_gradcheck_needs_a_tensor_result():
    with pytest.raises(TypeError, match="gradcheck: fn must return a tensor, got float"):
        mg.gradcheck(lambda t: 1.0, [mg.tensor([1.0], requires_grad=True)])


def test_gradcheck_needs_an_output_that_depends_on_the_input():
    with pytest.raises(mg.GradcheckError, match="does not depend on any input"):
        mg.gradcheck(lambda t: mg.ones(2), [mg.tensor([1.0], requires_grad=True)])
