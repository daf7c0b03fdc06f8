"""weight_norm and spectral_norm (parametrizations, and the legacy weight_norm): PyTorch's
outputs, gradients and power-iteration buffers (tests/fixtures/torch_parametrize.npz), finite
differences of the parametrizations, and our errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad import nn
from minigrad.nn.utils import parametrizations, parametrize
from tests.gradients import check_gradients
from tests.torch_fixtures import load_torch_cases

LAYERS = {
    "linear": lambda: nn.Linear(4, 3),
    "conv2d": lambda: nn.Conv2d(2, 3, 2),
    "conv_transpose1d": lambda: nn.ConvTranspose1d(3, 2, 3),
}
WEIGHT_NORM = load_torch_cases("torch_parametrize.npz", "wn_")
SPECTRAL_NORM = load_torch_cases("torch_parametrize.npz", "sn_")


def layer_from(case):
    layer = LAYERS[case["config"]["layer"]]().to(mg.float64)
    layer.weight.data[...] = case["weight"]
    layer.bias.data[...] = case["bias"]
    return layer


def run(layer, case):
    x = mg.tensor(case["x"], requires_grad=True)
    y = layer(x)
    (y * mg.tensor(case["r"])).sum().backward()
    return x, y


@pytest.mark.parametrize("name", WEIGHT_NORM)
def test_weight_norm_matches_pytorch(name):
    case = WEIGHT_NORM[name]
    layer = parametrizations.weight_norm(layer_from(case), dim=case["config"]["dim"])
    stored = layer.parametrizations.weight
    np.testing.assert_allclose(stored.original0.numpy(), case["g"], rtol=1e-12)
    np.testing.assert_array_equal(stored.original1.numpy(), case["weight"])
    x, y = run(layer, case)
    np.testing.assert_allclose(y.numpy(), case["y"], rtol=1e-10, atol=1e-12)
    for got, want in [(stored.original0.grad, "grad_g"), (stored.original1.grad, "grad_v"),
                      (layer.bias.grad, "grad_bias"), (x.grad, "grad_x")]:
        np.testing.assert_allclose(got.numpy(), case[want], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["wn_linear_dim0", "wn_conv2d_dim2", "wn_linear_dimnone"])
def test_legacy_weight_norm_matches_pytorch_and_comes_off_again(name):
    case = WEIGHT_NORM[name]
    layer = nn.utils.weight_norm(layer_from(case), dim=case["config"]["dim"])
    assert list(layer.state_dict()) == ["bias", "weight_g", "weight_v"]
    _, y = run(layer, case)
    np.testing.assert_allclose(y.numpy(), case["y"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.weight_g.grad.numpy(), case["grad_g"], rtol=1e-10)
    np.testing.assert_allclose(layer.weight_v.grad.numpy(), case["grad_v"], rtol=1e-10)
    nn.utils.remove_weight_norm(layer)
    assert sorted(layer.state_dict()) == ["bias", "weight"]
    np.testing.assert_allclose(layer.weight.numpy(), case["weight"], rtol=1e-12)
    assert layer._forward_pre_hooks == {}


@pytest.mark.parametrize("name", SPECTRAL_NORM)
def test_spectral_norm_matches_pytorch_after_training_forwards(name):
    case = SPECTRAL_NORM[name]
    config = dict(case["config"])
    layer, forwards = layer_from(case), config.pop("forwards")
    del config["layer"]
    parametrizations.spectral_norm(layer, **config)
    norm = layer.parametrizations.weight[0]
    norm._u.data[...], norm._v.data[...] = case["u0"], case["v0"]
    for _ in range(forwards - 1):
        layer(mg.tensor(case["x"]))
    x, y = run(layer, case)
    np.testing.assert_allclose(y.numpy(), case["y"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(norm._u.numpy(), case["u"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(norm._v.numpy(), case["v"], rtol=1e-10, atol=1e-12)
    original = layer.parametrizations.weight.original
    np.testing.assert_allclose(original.grad.numpy(), case["grad_weight"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), case["grad_x"], rtol=1e-10, atol=1e-12)
    u_after = norm._u.numpy().copy()
    np.testing.assert_allclose(layer.eval()(mg.tensor(case["x"])).numpy(), case["y_eval"],
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(norm._u.numpy(), u_after)  # eval mode leaves u alone


def test_spectral_norm_brings_the_largest_singular_value_to_one():
    mg.manual_seed(0)
    layer = parametrizations.spectral_norm(nn.Linear(6, 4).to(mg.float64))
    for _ in range(20):
        layer.weight  # noqa: B018  (each training-mode access runs one power step)
    assert np.linalg.svd(layer.weight.numpy(), compute_uv=False)[0] == pytest.approx(1, rel=1e-6)
    assert list(layer.state_dict()) == ["bias", "parametrizations.weight.original",
                                        "parametrizations.weight.0._u",
                                        "parametrizations.weight.0._v"]


def test_spectral_norm_of_a_vector_divides_by_its_norm():
    layer = nn.Module()
    layer.weight = nn.Parameter(mg.tensor([3.0, 4.0]))
    parametrizations.spectral_norm(layer)
    np.testing.assert_allclose(layer.weight.numpy(), [0.6, 0.8], rtol=1e-6)
    assert list(layer.state_dict()) == ["parametrizations.weight.original"]


seeds = st.integers(0, 2**16)


@given(seed=seeds, dim=st.sampled_from([0, 1, 2, -2, None]))
def test_weight_norm_gradient_matches_finite_differences(seed, dim):
    rng = np.random.default_rng(seed)
    layer = parametrizations.weight_norm(nn.Conv1d(3, 2, 2).to(mg.float64), dim=dim)
    norm = layer.parametrizations.weight[0]
    g = layer.parametrizations.weight.original0.numpy() * rng.uniform(0.5, 2)
    check_gradients(lambda g, v: norm(g, v), g, rng.standard_normal((2, 3, 2)))


@given(seed=seeds, dim=st.sampled_from([0, 1, 2]))
def test_spectral_norm_gradient_matches_finite_differences_with_u_v_fixed(seed, dim):
    rng = np.random.default_rng(seed)
    mg.manual_seed(seed)
    layer = parametrizations.spectral_norm(nn.Conv1d(3, 2, 2).to(mg.float64), dim=dim)
    norm = layer.parametrizations.weight[0].eval()  # no power step inside the differences
    check_gradients(norm, rng.standard_normal((2, 3, 2)))


def test_spectral_norm_runs_on_the_standin_gpu(standin_gpu):
    mg.manual_seed(1)
    layer = parametrizations.spectral_norm(nn.Linear(4, 3)).to("cuda")
    parametrizations.weight_norm(layer, "bias", dim=None)
    x = mg.randn(2, 4, device="cuda")
    layer(x).sum().backward()
    stored = layer.parametrizations
    assert stored.weight[0]._u.device == "cuda" and stored.weight.original.grad.device == "cuda"
    cpu = layer.to("cpu")
    np.testing.assert_allclose(cpu.eval()(x.to("cpu")).numpy(),
                               x.to("cpu").numpy() @ cpu.weight.numpy().T + cpu.bias.numpy(),
                               rtol=1e-6)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: parametrizations.weight_norm(nn.Linear(2, 2), "nope"), ValueError,
         "weight_norm: Linear has no parameter or buffer 'nope'"),
        (lambda: parametrizations.weight_norm(nn.Linear(2, 2), dim=2), ValueError,
         r"dim=2 is out of range for 'weight' of shape \(2, 2\)"),
        (lambda: parametrizations.spectral_norm(nn.Linear(2, 2), n_power_iterations=0),
         ValueError, "n_power_iterations must be positive, got 0"),
        (lambda: parametrizations.spectral_norm(nn.Linear(2, 2), dim=-3), ValueError,
         "spectral_norm: dim=-3 is out of range"),
        (lambda: nn.utils.weight_norm(nn.utils.weight_norm(nn.Linear(2, 2))), RuntimeError,
         "'weight' of Linear already has one"),
        (lambda: nn.utils.remove_weight_norm(nn.Linear(2, 2)), ValueError,
         "Linear has no weight_norm of 'weight'"),
    ],
)
def test_bad_arguments_are_our_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_parametrized_weight_can_be_assigned_through_right_inverse():
    layer = parametrizations.weight_norm(nn.Linear(3, 2))
    layer.weight = mg.ones(2, 3)
    np.testing.assert_allclose(layer.parametrizations.weight.original0.numpy().ravel(),
                               [3**0.5] * 2, rtol=1e-6)
    np.testing.assert_allclose(layer.weight.numpy(), np.ones((2, 3)), rtol=1e-6)
    parametrize.remove_parametrizations(layer, "weight")
    assert type(layer) is nn.Linear and isinstance(layer.weight, nn.Parameter)
    np.testing.assert_allclose(layer.weight.numpy(), np.ones((2, 3)), rtol=1e-6)


def test_float32_layers_stay_float32():
    layer = parametrizations.spectral_norm(parametrizations.weight_norm(nn.Linear(3, 2), "bias",
                                                                        dim=None))
    layer(mg.randn(4, 3)).sum().backward()
    stored = layer.parametrizations
    tensors = [layer.weight, layer.bias, stored.weight[0]._u, stored.weight.original.grad,
               stored.bias.original0, stored.bias.original1.grad]
    assert {t.dtype for t in tensors} == {np.dtype(np.float32)}
