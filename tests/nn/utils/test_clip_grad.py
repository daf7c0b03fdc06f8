import numpy as np
import pytest

import minigrad as mg
from minigrad.nn.utils import clip_grad_norm_, clip_grad_value_
from tests.optim.torch_fixture import FIXTURE


def params_with_grads(*grads, dtype=np.float32):
    params = []
    for grad in grads:
        p = mg.nn.Parameter(mg.zeros(*np.shape(grad), dtype=dtype))
        p.grad = mg.tensor(np.asarray(grad, dtype=dtype))
        params.append(p)
    return params


GRADS = ([[3.0, -4.0], [1.0, 2.0]], [-5.0, 0.5, 2.0])


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")])
def test_total_norm_is_the_norm_of_all_gradients_as_one_vector(norm_type):
    params = params_with_grads(*GRADS)
    total = clip_grad_norm_(params, max_norm=1e9, norm_type=norm_type)
    everything = np.concatenate([np.ravel(g) for g in GRADS])
    assert total.shape == () and total.dtype == np.float32
    np.testing.assert_allclose(total.item(), np.linalg.norm(everything, norm_type), rtol=1e-6)


def test_clipping_scales_every_gradient_by_the_same_factor():
    params = params_with_grads(*GRADS)
    total = clip_grad_norm_(params, max_norm=2.0).item()
    factor = 2.0 / (total + 1e-6)
    for p, g in zip(params, GRADS):
        np.testing.assert_allclose(p.grad.numpy(), np.asarray(g) * factor, rtol=1e-6)
        assert p.grad.dtype == np.float32
    np.testing.assert_allclose(clip_grad_norm_(params, max_norm=1e9).item(), 2.0, rtol=1e-5)


def test_gradients_within_the_limit_are_left_unchanged():
    params = params_with_grads(*GRADS)
    clip_grad_norm_(params, max_norm=100.0)
    for p, g in zip(params, GRADS):
        np.testing.assert_array_equal(p.grad.numpy(), np.asarray(g, dtype=np.float32))


def test_parameters_without_gradients_and_a_single_tensor_are_accepted():
    with_grad, without = params_with_grads([3.0, 4.0]) + [mg.nn.Parameter(mg.zeros(2))]
    assert clip_grad_norm_([with_grad, without], max_norm=1.0).item() == pytest.approx(5.0)
    assert clip_grad_norm_(with_grad, max_norm=1.0).item() == pytest.approx(1.0, rel=1e-5)
    assert clip_grad_norm_([without], max_norm=1.0).item() == 0.0


def test_float16_gradients_are_measured_without_overflow():
    # 300² = 90000 overflows float16 (max 65504); the norm is taken in float32
    (p,) = params_with_grads([300.0, 400.0], dtype=np.float16)
    assert clip_grad_norm_([p], max_norm=1.0).item() == pytest.approx(500.0)
    assert p.grad.dtype == np.float16
    np.testing.assert_allclose(p.grad.numpy(), [0.6, 0.8], rtol=1e-3)


def test_nonfinite_norm_raises_only_when_asked():
    assert np.isnan(clip_grad_norm_(params_with_grads([np.nan, 1.0]), 1.0).item())
    with pytest.raises(RuntimeError, match="nan"):
        clip_grad_norm_(params_with_grads([np.nan, 1.0]), 1.0, error_if_nonfinite=True)


def test_clip_grad_value_clamps_each_element():
    params = params_with_grads(*GRADS)
    clip_grad_value_(params, clip_value=2.5)
    for p, g in zip(params, GRADS):
        np.testing.assert_array_equal(p.grad.numpy(), np.clip(np.asarray(g, np.float32), -2.5, 2.5))


@pytest.mark.parametrize("case", FIXTURE["clips"], ids=lambda c: f"norm_type={c['norm_type']}")
def test_clip_grad_norm_matches_pytorch(case):
    params = params_with_grads(*FIXTURE["clip_grads"], dtype=np.float64)
    total = clip_grad_norm_(params, max_norm=1.0, norm_type=case["norm_type"])
    np.testing.assert_allclose(total.item(), case["total_norm"], rtol=1e-12)
    for p, expected in zip(params, case["clipped"]):
        np.testing.assert_allclose(p.grad.numpy(), expected, rtol=1e-12)
