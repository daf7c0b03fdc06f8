"""RNN, LSTM and GRU: PyTorch's parameters, shapes, directions, layouts, dropout and errors.
(Their gradients are checked in test_rnn_gradients.py, their numbers against PyTorch's in
test_torch_compat_layers.py.)"""

import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn

LAYERS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def h_of(final):
    """h_n from what a layer returns as its final states: h_n, or the LSTM's (h_n, c_n)."""
    return final[0] if isinstance(final, tuple) else final


def initial_states(kind, *shape):
    """Random hx of the form `kind` takes: h_0, or the LSTM's (h_0, c_0)."""
    return (mg.randn(*shape), mg.randn(*shape)) if kind == "lstm" else mg.randn(*shape)


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


@pytest.mark.parametrize("kind", LAYERS)
def test_bidirectional_parameters_have_pytorch_names_order_and_shapes(kind):
    rows = GATES[kind] * 5
    layer = LAYERS[kind](3, 5, num_layers=2, bidirectional=True)
    expected = []
    for k, layer_input in ((0, 3), (1, 10)):  # layer 1 reads both directions: 2 * 5 features
        for suffix in ("", "_reverse"):
            expected += [(f"weight_ih_l{k}{suffix}", (rows, layer_input)),
                         (f"weight_hh_l{k}{suffix}", (rows, 5)),
                         (f"bias_ih_l{k}{suffix}", (rows,)),
                         (f"bias_hh_l{k}{suffix}", (rows,))]
    assert [(n, tuple(p.shape)) for n, p in layer.named_parameters()] == expected
    assert list(layer.state_dict()) == [name for name, _ in expected]


@pytest.mark.parametrize("kind", LAYERS)
def test_without_bias_only_the_weights_remain(kind):
    layer = LAYERS[kind](3, 4, bidirectional=True, bias=False)
    assert list(layer.state_dict()) == [
        "weight_ih_l0", "weight_hh_l0", "weight_ih_l0_reverse", "weight_hh_l0_reverse"
    ]


@pytest.mark.parametrize("kind", LAYERS)
def test_init_is_uniform_within_one_over_sqrt_hidden_size(kind):
    layer = LAYERS[kind](30, 40, bidirectional=True)
    bound = 1 / math.sqrt(40)
    for name, p in layer.named_parameters():
        values = p.numpy()
        assert p.dtype == mg.float32, name
        assert values.min() >= -bound and values.max() <= bound, name
    every_value = np.concatenate([p.numpy().ravel() for p in layer.parameters()])
    assert every_value.max() > 0.99 * bound and every_value.min() < -0.99 * bound


@pytest.mark.parametrize("kind", LAYERS)
def test_the_same_seed_gives_the_same_layer_and_outputs(kind):
    results = []
    for _ in range(2):
        mg.manual_seed(3)
        layer = LAYERS[kind](3, 4, num_layers=2, dropout=0.5, bidirectional=True)
        results.append([layer(mg.randn(5, 2, 3))[0].numpy(), layer.weight_hh_l1_reverse.numpy()])
    for first, second in zip(*results):
        np.testing.assert_array_equal(first, second)


@pytest.mark.parametrize("kind", LAYERS)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_output_and_final_state_shapes(kind, batch_first, bidirectional):
    layer = LAYERS[kind](3, 4, num_layers=2, batch_first=batch_first, bidirectional=bidirectional)
    directions = 2 if bidirectional else 1
    x = mg.randn(2, 5, 3) if batch_first else mg.randn(5, 2, 3)
    output, final = layer(x)
    assert output.shape == ((2, 5, 4 * directions) if batch_first else (5, 2, 4 * directions))
    states = final if kind == "lstm" else (final,)
    assert [s.shape for s in states] == [(2 * directions, 2, 4)] * len(states)
    assert all(t.dtype == mg.float32 for t in (output, *states))


@pytest.mark.parametrize("kind", LAYERS)
def test_final_states_are_ordered_by_layer_then_direction(kind):
    """Row 2k + d of h_n is layer k in direction d, as in PyTorch: for the last layer, the
    forward direction ends at the last step and the reverse one at the first."""
    output, final = LAYERS[kind](3, 4, num_layers=2, bidirectional=True)(mg.randn(5, 2, 3))
    h_n, out = h_of(final).numpy(), output.numpy()
    np.testing.assert_array_equal(h_n[2], out[-1, :, :4])
    np.testing.assert_array_equal(h_n[3], out[0, :, 4:])


@pytest.mark.parametrize("kind", LAYERS)
def test_reverse_direction_is_the_recurrence_run_backwards_in_time(kind):
    mg.manual_seed(4)
    both = LAYERS[kind](3, 4, bidirectional=True)
    one_way = LAYERS[kind](3, 4)
    one_way.load_state_dict({name.removesuffix("_reverse"): value
                             for name, value in both.state_dict().items() if "reverse" in name})
    x = mg.randn(5, 2, 3)
    hx = initial_states(kind, 2, 2, 4)
    reverse_hx = tuple(s[1:] for s in hx) if kind == "lstm" else hx[1:]
    output, final = both(x, hx)
    backwards, backwards_final = one_way(x.flip(0), reverse_hx)
    np.testing.assert_allclose(output.numpy()[:, :, 4:], backwards.numpy()[::-1], rtol=1e-6)
    np.testing.assert_allclose(h_of(final).numpy()[1], h_of(backwards_final).numpy()[0],
                               rtol=1e-6)


@pytest.mark.parametrize("kind", LAYERS)
def test_batch_first_only_transposes_input_and_output(kind):
    mg.manual_seed(1)
    seq_first = LAYERS[kind](3, 4, num_layers=2, bidirectional=True)
    mg.manual_seed(1)
    batch_first = LAYERS[kind](3, 4, num_layers=2, bidirectional=True, batch_first=True)
    x, hx = mg.randn(5, 2, 3), initial_states(kind, 4, 2, 4)
    out_a, final_a = seq_first(x, hx)
    out_b, final_b = batch_first(x.transpose(0, 1), hx)
    np.testing.assert_allclose(out_b.numpy(), out_a.numpy().transpose(1, 0, 2), rtol=1e-6)
    np.testing.assert_allclose(h_of(final_b).numpy(), h_of(final_a).numpy(), rtol=1e-6)


@pytest.mark.parametrize("kind", LAYERS)
def test_unbatched_sequence_equals_a_batch_of_one(kind):
    layer = LAYERS[kind](3, 4, num_layers=2, bidirectional=True)
    x, hx = mg.randn(5, 3), initial_states(kind, 4, 4)
    output, final = layer(x, hx)
    assert output.shape == (5, 8) and h_of(final).shape == (4, 4)
    batch_hx = tuple(s.unsqueeze(1) for s in hx) if kind == "lstm" else hx.unsqueeze(1)
    batch_out, batch_final = layer(x.unsqueeze(1), batch_hx)
    np.testing.assert_allclose(output.numpy(), batch_out.numpy()[:, 0], rtol=1e-6)
    np.testing.assert_allclose(h_of(final).numpy(), h_of(batch_final).numpy()[:, 0], rtol=1e-6)


def test_lstm_last_output_is_the_last_layers_final_hidden_state():
    output, (h_n, _) = nn.LSTM(3, 4, num_layers=2)(mg.randn(5, 2, 3))
    np.testing.assert_array_equal(output.numpy()[-1], h_n.numpy()[-1])


def test_rnn_nonlinearity_bounds_its_states():
    x = mg.randn(6, 3, 2) * 3
    tanh_out, _ = nn.RNN(2, 5)(x)
    relu_out, _ = nn.RNN(2, 5, nonlinearity="relu")(x)
    assert np.abs(tanh_out.numpy()).max() < 1
    assert relu_out.numpy().min() == 0 and relu_out.numpy().max() > 1


@pytest.mark.parametrize("kind", LAYERS)
def test_dropout_acts_between_layers_only_while_training(kind):
    mg.manual_seed(2)
    layer = LAYERS[kind](3, 4, num_layers=2, dropout=0.5, bidirectional=True)
    x = mg.randn(4, 2, 3)
    trained = layer(x)[0].numpy()
    evaluated = layer.eval()(x)[0].numpy()
    mg.manual_seed(2)
    without_dropout = LAYERS[kind](3, 4, num_layers=2, bidirectional=True).eval()(x)[0].numpy()
    np.testing.assert_array_equal(evaluated, without_dropout)
    assert not np.allclose(trained, evaluated)


def test_dropout_is_not_applied_after_the_last_layer_and_says_so():
    with pytest.warns(UserWarning, match="GRU: dropout acts between stacked layers"):
        layer = nn.GRU(3, 4, num_layers=1, dropout=0.9)
    x = mg.randn(4, 2, 3)
    np.testing.assert_array_equal(layer(x)[0].numpy(), layer.eval()(x)[0].numpy())


@pytest.mark.parametrize("kind", LAYERS)
def test_a_long_sequence_backpropagates_without_recursion(kind):
    layer = LAYERS[kind](2, 3, bidirectional=True)
    x = mg.randn(3000, 1, 2, requires_grad=True)
    output, _ = layer(x)
    output.sum().backward()
    assert x.grad.shape == (3000, 1, 2) and np.isfinite(x.grad.numpy()).all()


def test_repr_shows_the_options_that_differ_from_the_defaults():
    assert repr(nn.GRU(3, 4)) == "GRU(3, 4)"
    assert repr(nn.LSTM(3, 4, 2, bias=False, batch_first=True, dropout=0.5,
                        bidirectional=True)) == (
        "LSTM(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)"
    )
    assert repr(nn.RNN(3, 4, nonlinearity="relu")) == "RNN(3, 4, nonlinearity='relu')"


# ---- errors: our type, and a message that names the layer and the shapes ------------------


@pytest.mark.parametrize("kind", LAYERS)
@pytest.mark.parametrize("shape", [(2, 5, 4, 3), (3,), (5, 2, 4), (0, 2, 3)])
def test_wrong_input_shape_names_the_layer_and_shape(kind, shape):
    with pytest.raises(ValueError) as error:
        LAYERS[kind](3, 4)(mg.zeros(*shape))
    name = LAYERS[kind].__name__
    assert str(error.value).startswith(f"{name}(3, 4): expected input (L, N, input_size)")
    assert f"input_size=3 and L >= 1, got shape {shape}" in str(error.value)


def test_batch_first_layer_names_its_layout_in_the_error():
    with pytest.raises(ValueError, match=r"GRU\(3, 4, batch_first=True\): expected input "
                                         r"\(N, L, input_size\) .* got shape \(2, 5, 2\)"):
        nn.GRU(3, 4, batch_first=True)(mg.zeros(2, 5, 2))


def test_lstm_wrong_initial_state_shape_is_an_error():
    layer = nn.LSTM(3, 4, num_layers=2)
    good, bad = mg.zeros(2, 5, 4), mg.zeros(1, 5, 4)
    with pytest.raises(ValueError, match=r"expected c_0 of shape \(2, 5, 4\) .* got \(1, 5, 4\)"):
        layer(mg.zeros(7, 5, 3), (good, bad))
    with pytest.raises(ValueError, match=r"expected h_0 of shape \(2, 4\)"):
        layer(mg.zeros(7, 3), (good, good))


@pytest.mark.parametrize("kind", ["rnn", "gru"])
def test_wrong_h_0_shape_names_the_layer_and_both_shapes(kind):
    layer = LAYERS[kind](3, 4, num_layers=2, bidirectional=True)
    name = LAYERS[kind].__name__
    with pytest.raises(ValueError, match=(
        rf"{name}\(3, 4, num_layers=2, bidirectional=True\): expected h_0 of shape \(4, 5, 4\) "
        r"\(num_layers \* num_directions, N, hidden_size\), got \(2, 5, 4\)"
    )):
        layer(mg.zeros(7, 5, 3), mg.zeros(2, 5, 4))
    with pytest.raises(ValueError, match=r"expected h_0 of shape \(4, 4\) .* got \(4, 1, 4\)"):
        layer(mg.zeros(7, 3), mg.zeros(4, 1, 4))


def test_hx_of_the_wrong_form_names_the_form_expected():
    with pytest.raises(TypeError, match=r"GRU\(3, 4\): expected hx to be a tensor, got tuple"):
        nn.GRU(3, 4)(mg.zeros(7, 5, 3), (mg.zeros(1, 5, 4),))
    with pytest.raises(TypeError, match=r"LSTM\(3, 4\): expected hx to be \(h_0, c_0\), got "
                                        r"Tensor"):
        nn.LSTM(3, 4)(mg.zeros(7, 5, 3), mg.zeros(1, 5, 4))


def test_hx_of_another_dtype_is_an_error():
    with pytest.raises(TypeError, match=r"RNN\(3, 4\): expected h_0 of the input's dtype float32, "
                                        r"got float64"):
        nn.RNN(3, 4)(mg.zeros(7, 5, 3), mg.zeros(1, 5, 4, dtype=mg.float64))


def test_rnn_rejects_an_unknown_nonlinearity():
    with pytest.raises(ValueError, match=r"RNN\(3, 4\): nonlinearity must be 'tanh' or 'relu', "
                                         r"got 'sigmoid'"):
        nn.RNN(3, 4, nonlinearity="sigmoid")


@pytest.mark.parametrize("kind", LAYERS)
def test_integer_input_is_an_error(kind):
    name = LAYERS[kind].__name__
    with pytest.raises(TypeError, match=f"{name}: expected a floating-point tensor"):
        LAYERS[kind](3, 4)(mg.zeros(2, 1, 3, dtype=mg.int64))


@pytest.mark.parametrize("kind", LAYERS)
def test_bad_options_are_errors(kind):
    name = LAYERS[kind].__name__
    with pytest.raises(ValueError, match=f"{name} dropout: probability p must be between 0 and 1"):
        LAYERS[kind](3, 4, dropout=2.0)
    with pytest.raises(ValueError, match="hidden_size and num_layers must be at least 1"):
        LAYERS[kind](3, 4, num_layers=0)
