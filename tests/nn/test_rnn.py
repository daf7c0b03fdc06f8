import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn as nn
from tests.nn.gradcheck_helpers import gradcheck_module, random_tensor, seeds


def all_outputs(lstm, x, *hx):
    """output, h_n and c_n of lstm(x, hx) in one tensor, so one gradcheck covers all three."""
    output, (h_n, c_n) = lstm(x, tuple(hx) or None)
    return mg.cat([output.flatten(), h_n.flatten(), c_n.flatten()])


def test_lstm_parameters_have_pytorch_names_and_shapes():
    layer = nn.LSTM(3, 5, num_layers=2)
    assert [(n, tuple(p.shape)) for n, p in layer.named_parameters()] == [
        ("weight_ih_l0", (20, 3)),
        ("weight_hh_l0", (20, 5)),
        ("bias_ih_l0", (20,)),
        ("bias_hh_l0", (20,)),
        ("weight_ih_l1", (20, 5)),
        ("weight_hh_l1", (20, 5)),
        ("bias_ih_l1", (20,)),
        ("bias_hh_l1", (20,)),
    ]
    assert list(nn.LSTM(3, 5, bias=False).state_dict()) == ["weight_ih_l0", "weight_hh_l0"]


def test_lstm_init_is_uniform_within_one_over_sqrt_hidden_size():
    layer = nn.LSTM(30, 40)
    bound = 1 / math.sqrt(40)
    for name, p in layer.named_parameters():
        values = p.numpy()
        assert p.dtype == mg.float32, name
        assert values.min() >= -bound and values.max() <= bound, name
        assert values.max() > 0.9 * bound and values.min() < -0.9 * bound, name


@pytest.mark.parametrize("batch_first", [False, True])
def test_lstm_output_shapes(batch_first):
    layer = nn.LSTM(3, 4, num_layers=2, batch_first=batch_first)
    x = mg.randn(2, 5, 3) if batch_first else mg.randn(5, 2, 3)
    output, (h_n, c_n) = layer(x)
    assert output.shape == ((2, 5, 4) if batch_first else (5, 2, 4))
    assert h_n.shape == c_n.shape == (2, 2, 4)
    assert output.dtype == h_n.dtype == c_n.dtype == mg.float32


def test_lstm_last_output_is_the_last_layers_final_hidden_state():
    output, (h_n, _) = nn.LSTM(3, 4, num_layers=2)(mg.randn(5, 2, 3))
    np.testing.assert_array_equal(output.numpy()[-1], h_n.numpy()[-1])


def test_batch_first_only_transposes_input_and_output():
    mg.manual_seed(1)
    seq_first = nn.LSTM(3, 4, num_layers=2)
    mg.manual_seed(1)
    batch_first = nn.LSTM(3, 4, num_layers=2, batch_first=True)
    x, h_0, c_0 = mg.randn(5, 2, 3), mg.randn(2, 2, 4), mg.randn(2, 2, 4)
    out_a, (h_a, c_a) = seq_first(x, (h_0, c_0))
    out_b, (h_b, c_b) = batch_first(x.transpose(0, 1), (h_0, c_0))
    np.testing.assert_allclose(out_b.numpy(), out_a.numpy().transpose(1, 0, 2), rtol=1e-6)
    np.testing.assert_allclose(h_b.numpy(), h_a.numpy(), rtol=1e-6)
    np.testing.assert_allclose(c_b.numpy(), c_a.numpy(), rtol=1e-6)


def test_unbatched_sequence_equals_a_batch_of_one():
    layer = nn.LSTM(3, 4, num_layers=2)
    x, h_0, c_0 = mg.randn(5, 3), mg.randn(2, 4), mg.randn(2, 4)
    output, (h_n, c_n) = layer(x, (h_0, c_0))
    assert output.shape == (5, 4) and h_n.shape == c_n.shape == (2, 4)
    batch_out, (batch_h, _) = layer(x.unsqueeze(1), (h_0.unsqueeze(1), c_0.unsqueeze(1)))
    np.testing.assert_allclose(output.numpy(), batch_out.numpy()[:, 0], rtol=1e-6)
    np.testing.assert_allclose(h_n.numpy(), batch_h.numpy()[:, 0], rtol=1e-6)


@settings(max_examples=20)
@given(
    num_layers=st.integers(1, 2),
    batch_first=st.booleans(),
    bias=st.booleans(),
    with_state=st.booleans(),
    steps=st.integers(1, 3),
    batch=st.integers(1, 2),
    input_size=st.integers(1, 2),
    hidden_size=st.integers(1, 2),
    seed=seeds,
)
@example(2, False, True, True, 3, 2, 2, 2, 0)
@example(2, True, True, True, 3, 2, 2, 2, 0)
@example(2, True, False, False, 2, 1, 1, 2, 0)
def test_lstm_gradients_match_finite_differences(
    num_layers, batch_first, bias, with_state, steps, batch, input_size, hidden_size, seed
):
    layer = nn.LSTM(input_size, hidden_size, num_layers, bias=bias, batch_first=batch_first)
    shape = (batch, steps) if batch_first else (steps, batch)
    inputs = [random_tensor(seed, *shape, input_size)]
    if with_state:
        state_shape = (num_layers, batch, hidden_size)
        inputs += [random_tensor(seed + 1, *state_shape), random_tensor(seed + 2, *state_shape)]
    assert gradcheck_module(layer, inputs, call=all_outputs)


def test_dropout_acts_between_layers_only_while_training():
    mg.manual_seed(2)
    layer = nn.LSTM(3, 4, num_layers=2, dropout=0.5)
    x = mg.randn(4, 2, 3)
    trained = layer(x)[0].numpy()
    evaluated = layer.eval()(x)[0].numpy()
    mg.manual_seed(2)
    without_dropout = nn.LSTM(3, 4, num_layers=2).eval()(x)[0].numpy()
    np.testing.assert_array_equal(evaluated, without_dropout)
    assert not np.allclose(trained, evaluated)


def test_dropout_is_not_applied_after_the_last_layer():
    layer = nn.LSTM(3, 4, num_layers=1, dropout=0.9)
    x = mg.randn(4, 2, 3)
    np.testing.assert_array_equal(layer(x)[0].numpy(), layer.eval()(x)[0].numpy())


@pytest.mark.parametrize("shape", [(2, 5, 4, 3), (3,), (5, 2, 4), (0, 2, 3)])
def test_lstm_wrong_input_shape_names_the_layer_and_shape(shape):
    with pytest.raises(ValueError) as error:
        nn.LSTM(3, 4)(mg.zeros(*shape))
    assert str(error.value).startswith("LSTM(3, 4): expected input (L, N, input_size)")
    assert f"got shape {shape}" in str(error.value)


def test_lstm_wrong_initial_state_shape_is_an_error():
    layer = nn.LSTM(3, 4, num_layers=2)
    good, bad = mg.zeros(2, 5, 4), mg.zeros(1, 5, 4)
    with pytest.raises(ValueError, match=r"expected c_0 of shape \(2, 5, 4\) .* got \(1, 5, 4\)"):
        layer(mg.zeros(7, 5, 3), (good, bad))
    with pytest.raises(ValueError, match=r"expected h_0 of shape \(2, 4\)"):
        layer(mg.zeros(7, 3), (good, good))


def test_lstm_rejects_integer_input():
    with pytest.raises(TypeError, match="LSTM: expected a floating-point tensor"):
        nn.LSTM(3, 4)(mg.zeros(2, 1, 3, dtype=mg.int64))


def test_lstm_rejects_bad_options():
    with pytest.raises(ValueError, match="LSTM dropout: probability p must be between 0 and 1"):
        nn.LSTM(3, 4, dropout=2.0)
    with pytest.raises(ValueError, match="hidden_size and num_layers must be at least 1"):
        nn.LSTM(3, 4, num_layers=0)
