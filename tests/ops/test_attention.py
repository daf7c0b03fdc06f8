"""scaled_dot_product_attention: gradients by finite differences, and agreement with the plain
composition softmax(Q Kᵀ·scale + mask) V."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad.nn.functional import scaled_dot_product_attention as sdpa

sizes = st.integers(1, 4)


def composed_attention(q, k, v, mask=None, causal=False, scale=None):
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = (q @ k.mT) * scale
    L, S = q.shape[-2], k.shape[-2]
    if causal:
        scores = mg.where(mg.tensor(np.tril(np.ones((L, S), bool))), scores, -math.inf)
    if mask is not None:
        scores = mg.where(mask, scores, -math.inf) if mask.dtype == bool else scores + mask
    return scores.softmax(-1) @ v


def qkv(batch, heads, query_len, key_len, dim, value_dim):
    return (
        mg.randn(batch, heads, query_len, dim, requires_grad=True),
        mg.randn(batch, heads, key_len, dim, requires_grad=True),
        mg.randn(batch, heads, key_len, value_dim, requires_grad=True),
    )


@given(sizes, sizes, sizes, sizes, sizes, st.booleans(), st.integers(0, 10_000))
def test_gradients_match_finite_differences_with_bool_mask(b, L, S, E, Ev, use_mask, seed):
    mg.manual_seed(seed)
    q, k, v = qkv(b, 2, L, S, E, Ev)
    mask = None
    if use_mask:
        keep = np.random.default_rng(seed).random((b, 1, L, S)) > 0.4
        keep[..., 0] = True  # every query keeps at least one key
        mask = mg.tensor(keep)
    assert mg.gradcheck(lambda q, k, v: sdpa(q, k, v, attn_mask=mask), [q, k, v])


@given(sizes, sizes, st.integers(0, 10_000))
def test_causal_and_float_mask_gradients(L, E, seed):
    mg.manual_seed(seed)
    q, k, v = qkv(1, 1, L, L, E, 3)
    float_mask = mg.randn(L, L)
    fn = lambda q, k, v: sdpa(q, k, v, attn_mask=float_mask, is_causal=True, scale=0.7)  # noqa: E731
    assert mg.gradcheck(fn, [q, k, v])


@pytest.mark.parametrize("mask_kind", ["none", "bool", "float", "causal"])
def test_matches_plain_composition(mask_kind):
    q, k, v = qkv(2, 3, 5, 5, 4, 6)
    mask, causal = None, mask_kind == "causal"
    if mask_kind == "bool":
        keep = np.random.default_rng(1).random((2, 1, 5, 5)) > 0.5
        keep[..., 0] = True
        mask = mg.tensor(keep)
    elif mask_kind == "float":
        mask = mg.randn(5, 5)
    fused = sdpa(q, k, v, attn_mask=mask, is_causal=causal)
    plain = composed_attention(q, k, v, mask, causal)
    np.testing.assert_allclose(fused.numpy(), plain.numpy(), rtol=1e-5, atol=1e-6)
    fused.sum().backward()
    fused_grads = [t.grad.numpy() for t in (q, k, v)]
    for t in (q, k, v):
        t.grad = None
    plain.sum().backward()
    for fused_grad, t in zip(fused_grads, (q, k, v)):
        np.testing.assert_allclose(fused_grad, t.grad.numpy(), rtol=1e-4, atol=1e-5)


def test_float32_stays_float32_and_is_finite_for_huge_scores():
    q = mg.full((1, 3, 4), 1e2)
    k = mg.full((1, 3, 4), 1e2)
    v = mg.randn(1, 3, 2)
    out = sdpa(q, k, v)
    assert out.dtype == mg.float32
    assert np.isfinite(out.numpy()).all()


def test_fully_masked_query_row_gives_zeros_not_nan():
    q, k, v = qkv(1, 1, 2, 3, 4, 2)
    keep = mg.tensor(np.array([[False, False, False], [True, True, False]]))
    out = sdpa(q, k, v, attn_mask=keep)
    assert out.numpy()[0, 0, 0].tolist() == [0.0, 0.0]
    out.sum().backward()
    assert np.isfinite(q.grad.numpy()).all()


def test_dropout_is_reproducible_and_gradients_match_with_fixed_seed():
    q, k, v = qkv(1, 2, 3, 4, 2, 2)

    def attend(q, k, v):
        mg.manual_seed(7)
        return sdpa(q, k, v, dropout_p=0.5)

    assert np.array_equal(attend(q, k, v).numpy(), attend(q, k, v).numpy())
    assert mg.gradcheck(attend, [q, k, v])


@pytest.mark.parametrize(
    "shapes",
    [((2, 3, 4), (2, 5, 3), (2, 5, 3)), ((2, 3, 4), (2, 5, 4), (2, 4, 3)), ((4,), (5, 4), (5, 4))],
)
def test_shape_mismatch_raises_a_clear_error(shapes):
    q, k, v = (mg.randn(*s) for s in shapes)
    with pytest.raises(ValueError, match="scaled_dot_product_attention"):
        sdpa(q, k, v)


def test_mask_of_wrong_shape_raises():
    q, k, v = qkv(1, 1, 3, 4, 2, 2)
    with pytest.raises(ValueError, match="attn_mask"):
        sdpa(q, k, v, attn_mask=mg.tensor(np.ones((3, 3), bool)))
