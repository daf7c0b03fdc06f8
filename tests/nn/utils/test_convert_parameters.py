import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import minigrad as mg
from minigrad.nn.utils import parameters_to_vector, vector_to_parameters

small_arrays = st.sampled_from([(3,), (2, 2), (1, 2, 2)]).flatmap(
    lambda shape: arrays(np.float64, shape, elements=st.floats(-3, 3))
)


def linear_parameters():
    mg.manual_seed(0)
    return list(mg.nn.Linear(3, 2).parameters())  # float32 weight (2, 3) and bias (2,)


def test_parameters_to_vector_joins_the_flattened_parameters_in_order():
    weight, bias = linear_parameters()
    vec = parameters_to_vector([weight, bias])
    assert vec.shape == (8,) and vec.dtype == np.float32
    np.testing.assert_array_equal(vec.numpy(), np.concatenate([weight.numpy().ravel(),
                                                               bias.numpy()]))


@given(small_arrays, small_arrays)
def test_parameters_to_vector_gradient_matches_finite_differences(a, b):
    inputs = [mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)]
    weights = mg.tensor(np.arange(1.0, a.size + b.size + 1))
    assert mg.gradcheck(lambda x, y: (parameters_to_vector([x, y]) ** 2 * weights).sum(), inputs)


def test_vector_to_parameters_writes_back_in_place_and_round_trips():
    params = linear_parameters()
    arrays_before = [p.data for p in params]
    new = mg.tensor(np.arange(8, dtype=np.float64))  # float64: the parameters stay float32
    vector_to_parameters(new, params)
    assert [p.data is a for p, a in zip(params, arrays_before)] == [True, True]
    assert params[0].dtype == np.float32
    np.testing.assert_array_equal(params[0].numpy(), [[0, 1, 2], [3, 4, 5]])
    np.testing.assert_array_equal(params[1].numpy(), [6, 7])
    np.testing.assert_array_equal(parameters_to_vector(params).numpy(), np.arange(8))


def test_conversion_errors_name_the_function_and_the_sizes():
    params = linear_parameters()
    with pytest.raises(TypeError, match="vector_to_parameters: expected a Tensor, but got ndarray"):
        vector_to_parameters(np.zeros(8), params)
    with pytest.raises(ValueError, match=r"vec has shape \(7,\).*8 elements"):
        vector_to_parameters(mg.zeros(7), params)
    with pytest.raises(ValueError, match="parameters_to_vector: got no parameters"):
        parameters_to_vector([])


def test_parameters_on_two_devices_are_refused(standin_gpu):
    weight, bias = linear_parameters()
    with pytest.raises(ValueError, match=r"different devices \['cpu', 'cuda'\]"):
        parameters_to_vector([weight, bias.to("cuda")])


def test_conversion_on_standin_cuda(standin_gpu):
    params = [p.to("cuda") for p in linear_parameters()]
    vec = parameters_to_vector(params)
    assert vec.device == "cuda"
    vector_to_parameters(vec * 2, params)
    np.testing.assert_array_equal(parameters_to_vector(params).numpy(), vec.numpy() * 2)
    with pytest.raises(ValueError, match="vec is on cpu, the parameters on cuda"):
        vector_to_parameters(mg.zeros(8), params)
