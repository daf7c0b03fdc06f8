"""Lesson 06: self-attention from its formula, its masks and heads, and the course's double softmax.

    python -m lessons.06_self_attention [--quick] [--device cpu|cuda] [--epochs N] [--seed S]

THE FORMULA (seed 002 §3.2; seed 004 §2.2.3 writes it as code). Each token's vector x_i is
projected three ways, q_i = x_i W^Q (what it looks for), k_j = x_j W^K (what it offers to be
found by), v_j = x_j W^V (what it hands over). Query i scores every key j, the scores of a row
are normalised ONCE by a softmax, and the output is the weighted mean of the values:

    s_ij = q_i · k_j / √d_k,     a_ij = exp(s_ij) / Σ_j' exp(s_ij'),     out_i = Σ_j a_ij v_j

In matrices: Attention(Q, K, V) = softmax(QKᵀ/√d_k) V. Every row of a sums to 1.

WHY √d_k. If the d_k components of q and k are independent with variance 1, q·k is a sum of
d_k such products: its variance is d_k. Unscaled, scores spread ever wider as d_k grows, the
softmax puts almost all weight on one key, and its gradient, a_ij(δ_jj' − a_ij'), vanishes
(saturation). Dividing by √d_k brings the variance back to 1 for any d_k.

MASKS change scores before the softmax: a masked key gets s = −∞, so exp(s) = 0 and the
weights of the other keys still sum to 1. A padding mask hides [PAD] keys (the attention mask
`input_ids != 0` of seed 002 §4); a causal mask hides the future, keys j > i (GPT-style).

MULTI-HEAD (seed 002 §3.3). h heads attend in h subspaces of size d/h, each with its own
weights; their outputs are concatenated and mixed by W^O. POSITIONS: attention alone is blind
to order (permute the tokens and the outputs are permuted the same way), so a position
encoding is added to the token vectors, e.g. PE(pos, 2i) = sin(pos/10000^(2i/d)),
PE(pos, 2i+1) = cos(pos/10000^(2i/d)). An encoder layer then wraps attention and a
feed-forward net in residuals and LayerNorms: x ← LN(x + MHA(x)); x ← LN(x + FFN(x)).

WHERE THE COURSE IS WRONG:
  * seed 001 §5.3 normalises twice: its "attention weight" e_ij is already a softmax over j,
    then its "attention score" α_ij = exp(e_ij) / Σ_k exp(e_ik) applies a second softmax to
    it. Rows still sum to 1, but since 0 ≤ e_ij ≤ 1, every exp(e_ij) lies in [1, e], so
    α_ij ≤ e / (e + N − 1) whatever the scores: with N = 9 tokens no weight can pass 0.254.
    The second softmax flattens every row toward uniform; attention can no longer pick one
    token. Measured below, and a model trained to retrieve one value through it stalls.
  * seed 001 §5.3 then writes V_j = Σ_i α_ij V_i: it sums over the QUERY index i (a column of
    α, which does not sum to 1) and names the result like its input. Right: out_i = Σ_j α_ij v_j.
  * seed 001 §4.3's Keras `Attention()` scores by plain dot products (its `use_scale` is off
    by default) of 1024-dimensional vectors: no 1/√d_k, so its softmax starts saturated.
  * seed 002 §3.3 gives the Transformer as "Output = LayerNorm(h_1 + h_2 + ... + h_n)", a
    LayerNorm of the SUM of all layers' outputs. The layers are stacked: each one's sub-layers
    compute x ← LayerNorm(x + Sublayer(x)), and the output is the last layer's; checked below
    against nn.TransformerEncoderLayer.
  * seed 004 §2.2.3's `scaled_dot_product_attention(q, k, v, mask)` is right (for one 2-D
    head, with the softmax over each row and an additive mask of 0 / −∞): it is run as
    written below and agrees with the fused op.

--epochs sets the training steps of the retrieval experiment (a fresh batch each step).
"""

import math

import matplotlib.pyplot as plt
import numpy as np

import minigrad as mg
import minigrad.nn.functional as F
from lessons import common
from minigrad import nn, optim
from minigrad.nn.transformer import sinusoidal_positions
from minigrad.random import generator
from minigrad.text import Tokenizer

SENTENCE, SWAPPED = "the film was good, not bad", "the film was bad, not good"
D_MODEL, HEADS, PADDED_LENGTH = 8, 2, 12
KERAS_DIM = 1024  # seed 001 §4.3: Dense(1024) features into Keras' unscaled Attention()
KEY_DIMS = (4, 16, 64, 256, KERAS_DIM)
SHARPENING = (1, 4, 16, 64)
RETRIEVAL_KEYS, RETRIEVAL_DIM, RETRIEVAL_VALUE_DIM, RETRIEVAL_BATCH = 9, 16, 4, 64
RETRIEVAL_LR, RETRIEVAL_EVAL = 1e-2, 4096


def attention_by_formula(q, k, v, keep=None):
    """softmax(QKᵀ/√d_k)V in three steps; `keep` (bool, True = may attend) masks keys.
    Returns the scores, the weights and the output."""
    scores = q @ k.mT / math.sqrt(q.shape[-1])
    if keep is not None:
        scores = mg.where(keep, scores, -math.inf)
    weights = scores.softmax(-1)
    return scores, weights, weights @ v


def entropy(weights):
    """−Σ_j a_ij log a_ij of each row, in nats (0·log 0 = 0); uniform over N keys gives log N."""
    logs = np.log(np.where(weights > 0, weights, 1.0))
    return -(weights * logs).sum(-1)


def print_matrix(title, matrix, rows, columns=None):
    print(f"{title}:")
    if columns is not None:
        print(" " * 8 + "".join(f"{c[:7]:>8}" for c in columns))
    for label, row in zip(rows, np.asarray(matrix)):
        print(f"{label[:7]:>8}" + "".join(f"{value:8.3f}" for value in row))


def in_projections(mha):
    """W^Q, W^K, W^V and their biases, as stored stacked in nn.MultiheadAttention."""
    e = mha.embed_dim
    return [(mha.in_proj_weight[i * e : (i + 1) * e], mha.in_proj_bias[i * e : (i + 1) * e])
            for i in range(3)]


def project(mha, x):
    """q, k, v = x W^Qᵀ + b^Q, ... with the module's own weights."""
    return [x @ weight.T + bias for weight, bias in in_projections(mha)]


def split_heads(t, heads):
    n, length, d = t.shape
    return t.reshape(n, length, heads, d // heads).transpose(1, 2)  # (N, h, L, d/h)


def sentence_tensors(args):
    """Both sentences as ids ([CLS] words [SEP] [PAD]...), their attention mask, the first one's
    tokens, and a random embedding table that turns ids into vectors."""
    tokenizer = Tokenizer().fit_on_texts([SENTENCE])
    ids, mask = tokenizer.encode([SENTENCE, SWAPPED], PADDED_LENGTH)
    tokens = tokenizer.sequences_to_texts(ids[:1])[0].split()
    embedding = nn.Embedding(tokenizer.vocab_size, D_MODEL).to(args.device)
    return mg.tensor(ids, device=args.device), mask, tokens, embedding


def formula_step_by_step(x, tokens, mha):
    """Section 1: the formula on one sentence, against the fused op, seed 004's code and MHA."""
    common.heading(f"softmax(QKᵀ/√d_k)V step by step on {SENTENCE!r} (d_k = {D_MODEL})")
    q, k, v = project(mha, x)
    scores, weights, out = attention_by_formula(q, k, v)
    print_matrix("scores s = QKᵀ/√d_k", scores[0].numpy(), tokens, tokens)
    print_matrix("weights a = softmax(s) over each row", weights[0].numpy(), tokens, tokens)
    print(f"row sums of a: {np.round(weights[0].sum(-1).numpy(), 6).tolist()}")
    print_matrix("output aV (one row per token)", out[0].numpy(), tokens)

    fused = F.scaled_dot_product_attention(q, k, v)
    seed004 = seed004_attention(q[0].numpy(), k[0].numpy(), v[0].numpy())
    module_out, module_weights = mha(x, x, x)
    by_hand = out @ mha.out_proj.weight.T + mha.out_proj.bias
    differences = {
        "fused F.scaled_dot_product_attention": np.abs(fused.numpy() - out.numpy()).max(),
        "seed 004 §2.2.3's numpy code": np.abs(seed004 - out[0].numpy()).max(),
        "nn.MultiheadAttention output (then W^O)":
            np.abs(module_out.numpy() - by_hand.numpy()).max(),
        "nn.MultiheadAttention weights": np.abs(module_weights.numpy() - weights.numpy()).max(),
        "fused op's backward (dQ, dK, dV)": backward_difference(q, k, v),
    }
    print("the formula against:")
    for name, difference in differences.items():
        print(f"  {name:<42} max |difference| {difference:.2e}")
    return scores, weights, differences


def seed004_attention(q, k, v, mask=None):
    """Seed 004 §2.2.3 line for line (numpy, one head); its `softmax` taken over each row."""
    attn_scores = np.dot(q, k.T) / np.sqrt(np.shape(k)[1])
    if mask is not None:
        attn_scores += mask
    exps = np.exp(attn_scores - attn_scores.max(axis=-1, keepdims=True))
    attn_weights = exps / exps.sum(axis=-1, keepdims=True)
    output = np.dot(attn_weights, v)
    return output


def backward_difference(q, k, v):
    """The fused op's hand-written backward against autograd through the three-step formula."""
    leaves = [t.detach().to(mg.float64) for t in (q, k, v)]
    upstream = mg.tensor(generator().standard_normal(q.shape), dtype=mg.float64, device=q.device)
    grads = []
    for attend in (F.scaled_dot_product_attention, lambda *t: attention_by_formula(*t)[2]):
        inputs = [t.detach().requires_grad_() for t in leaves]
        (attend(*inputs) * upstream).sum().backward()
        grads.append([t.grad.numpy() for t in inputs])
    return max(float(np.abs(a - b).max()) for a, b in zip(*grads))


def masks(x, mask, tokens, mha):
    """Section 2: the padding mask from input_ids != 0, and the causal mask, on the weights."""
    q, k, v = project(mha, x)
    common.heading("masks: padding keys (input_ids != 0) and the future (causal)")
    keep_keys = mg.tensor(mask[:1, None, :].astype(bool), device=x.device)  # (1, 1 query row, L)
    _, padded, padded_out = attention_by_formula(q, k, v, keep=keep_keys)
    print(f"attention_mask = input_ids != 0: {mask[0].tolist()}")
    print_matrix("weights with the padding mask", padded[0].numpy(), tokens, tokens)
    fused = F.scaled_dot_product_attention(q, k, v, attn_mask=keep_keys)
    additive = np.where(mask[0] == 1, 0.0, -np.inf)
    seed004 = seed004_attention(q[0].numpy(), k[0].numpy(), v[0].numpy(), mask=additive)
    real = int(mask[0].sum())
    print(f"[PAD] columns hold {padded[0].numpy()[:, real:].sum():.1f} of the weight; rows sum to "
          f"{padded[0].sum(-1).numpy().min():.6f}..{padded[0].sum(-1).numpy().max():.6f}")
    print(f"fused op with the bool mask: max |difference| "
          f"{np.abs(fused.numpy() - padded_out.numpy()).max():.2e}; seed 004's additive 0/−∞ "
          f"mask: {np.abs(seed004 - padded_out[0].numpy()).max():.2e}")
    lower_triangle = np.tril(np.ones((len(tokens), len(tokens)), dtype=bool))
    causal_keep = mg.tensor(lower_triangle, device=x.device)
    _, causal, causal_out = attention_by_formula(q, k, v, keep=causal_keep)
    print_matrix("weights with the causal mask (key j ≤ query i)", causal[0].numpy(), tokens,
                 tokens)
    fused_causal = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    print(f"fused op with is_causal=True: max |difference| "
          f"{np.abs(fused_causal.numpy() - causal_out.numpy()).max():.2e}")
    return padded[0].numpy(), causal[0].numpy()


def double_softmax(scores, weights):
    """Section 3: seed 001 §5.3's second softmax, on the sentence and on ever sharper scores."""
    common.heading("seed 001 §5.3: a second softmax on weights that are already normalised")
    single = weights[0].numpy()
    double = weights[0].softmax(-1).numpy()
    n = single.shape[-1]
    bound = math.e / (math.e + n - 1)
    for name, w in (("once (right)", single), ("twice (seed 001 §5.3)", double)):
        print(f"  softmax {name:<22} row sums {w.sum(-1).min():.6f}..{w.sum(-1).max():.6f}, "
              f"largest weight {w.max():.3f}, mean entropy {entropy(w).mean():.3f} nats")
    print(f"  uniform over N = {n} keys: weight {1 / n:.3f}, entropy log N = {math.log(n):.3f} "
          f"nats; the bound e/(e + N − 1) = {bound:.3f}")
    print("sharper scores (s multiplied by t): the largest weight of each row, averaged")
    for t in SHARPENING:
        sharp = (scores[0] * t).softmax(-1)
        print(f"  t = {t:<3}  once {sharp.numpy().max(-1).mean():.3f}   "
              f"twice {sharp.softmax(-1).numpy().max(-1).mean():.3f}")
    column_sums = single.sum(0)
    print(f"seed 001 §5.3's V_j = Σ_i α_ij V_i weighs by COLUMNS of α, whose sums range "
          f"{column_sums.min():.3f}..{column_sums.max():.3f}, not 1: not a weighted mean")
    return single, double, bound


def retrieval_batch(size, device):
    """N random keys with random values; the query is one of the keys; the target its value."""
    rng = generator()
    keys = rng.standard_normal((size, RETRIEVAL_KEYS, RETRIEVAL_DIM), dtype=np.float32)
    values = rng.standard_normal((size, RETRIEVAL_KEYS, RETRIEVAL_VALUE_DIM), dtype=np.float32)
    picked = rng.integers(0, RETRIEVAL_KEYS, size)
    rows = np.arange(size)
    query, target = keys[rows, picked][:, None], values[rows, picked][:, None]
    return [mg.tensor(a, device=device) for a in (query, keys, values, target)]


def train_retrieval(softmax_twice, steps, device):
    """Learn W^Q, W^K (and an output scale) to fetch the value of the key that matches the
    query; the mean squared error on fresh data after training (1.0 = knowing nothing)."""
    std = 1 / math.sqrt(RETRIEVAL_DIM)
    w_q, w_k = (nn.Parameter(mg.randn(RETRIEVAL_DIM, RETRIEVAL_DIM, device=device) * std)
                for _ in range(2))
    scale = nn.Parameter(mg.ones(1, device=device))
    optimizer = optim.Adam([w_q, w_k, scale], lr=RETRIEVAL_LR)

    def fetch(query, keys, values):
        weights = attention_by_formula(query @ w_q, keys @ w_k, values)[1]
        if softmax_twice:
            weights = weights.softmax(-1)
        return (weights @ values) * scale

    for _ in range(steps):
        query, keys, values, target = retrieval_batch(RETRIEVAL_BATCH, device)
        loss = F.mse_loss(fetch(query, keys, values), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with mg.no_grad():
        query, keys, values, target = retrieval_batch(RETRIEVAL_EVAL, device)
        return F.mse_loss(fetch(query, keys, values), target).item()


def retrieval(args, bound):
    common.heading(f"trained to retrieve one of N = {RETRIEVAL_KEYS} values, {args.epochs} steps")
    errors = {twice: train_retrieval(twice, args.epochs, args.device) for twice in (False, True)}
    other = (1 - bound) / (RETRIEVAL_KEYS - 1)  # each other key's weight at the bound
    floor = 1 - bound**2 / (bound**2 + (RETRIEVAL_KEYS - 1) * other**2)
    print(f"  softmax once:  test MSE {errors[False]:.4f}")
    print(f"  softmax twice: test MSE {errors[True]:.4f}  (its best possible, with weights at "
          f"the bound and the best output scale: {floor:.3f})")
    return errors


def why_scale(args):
    """Section 4: the variance of q·k grows with d_k; unscaled, the softmax saturates."""
    common.heading("why divide by √d_k: q, k with unit-variance components, 9 keys per query")
    trials = 200 if args.quick else 2000
    rows = []
    for d_k in KEY_DIMS:
        q = mg.randn(trials, 1, d_k, device=args.device)
        k = mg.randn(trials, 9, d_k, device=args.device)
        raw = q @ k.mT
        row = {"d_k": d_k, "var": raw.var().item()}
        for name, scores in (("unscaled", raw), ("scaled", raw / math.sqrt(d_k))):
            scores = scores.detach().requires_grad_()
            weights = scores.softmax(-1)
            (weights * mg.randn_like(weights)).sum().backward()
            row[name] = (weights.amax(-1).mean().item(), scores.grad.abs().mean().item())
        rows.append(row)
        print(f"  d_k = {d_k:<5} var(q·k) = {row['var']:8.1f}   largest weight: unscaled "
              f"{row['unscaled'][0]:.3f}, scaled {row['scaled'][0]:.3f}   mean |∂L/∂s|: "
              f"unscaled {row['unscaled'][1]:.4f}, scaled {row['scaled'][1]:.4f}")
    return rows


def positions(embedding, ids, mha):
    """Section 5: without positions, reordering the words cannot change [CLS]'s output."""
    common.heading(f"positions: {SENTENCE!r} against {SWAPPED!r} (the same words)")
    both = embedding(ids).detach()
    table = mg.tensor(sinusoidal_positions(PADDED_LENGTH, D_MODEL), device=ids.device)
    for name, inputs in (("no positions", both), ("sinusoidal positions added", both + table)):
        out, _ = mha(inputs, inputs, inputs)
        gap = np.abs(out[0, 0].numpy() - out[1, 0].numpy()).max()
        print(f"  {name:<28} max |[CLS] output difference| {gap:.2e}")


def encoder_layer_by_hand(x):
    """Section 6: an encoder layer is x ← LN(x + MHA(x)); x ← LN(x + FFN(x)) (seed 002 §3.3)."""
    common.heading("one encoder layer by hand against nn.TransformerEncoderLayer")
    layer = nn.TransformerEncoderLayer(D_MODEL, HEADS, dim_feedforward=4 * D_MODEL, dropout=0.0,
                                       batch_first=True).to(x.device)
    attended, _ = layer.self_attn(x, x, x, need_weights=False)
    h = layer.norm1(x + attended)
    by_hand = layer.norm2(h + layer.linear2(layer.activation(layer.linear1(h))))
    difference = float(np.abs(by_hand.numpy() - layer(x).numpy()).max())
    print(f"  max |difference| {difference:.2e}")
    return difference


def multi_head(x):
    """Section 7: h heads by hand (split, attend, concatenate, W^O) against the module."""
    common.heading(f"{HEADS} heads of size {D_MODEL // HEADS}, by hand against "
                   "nn.MultiheadAttention")
    mha = nn.MultiheadAttention(D_MODEL, HEADS, batch_first=True).to(x.device)
    q, k, v = (split_heads(t, HEADS) for t in project(mha, x))
    _, weights, heads = attention_by_formula(q, k, v)
    concatenated = heads.transpose(1, 2).reshape(*x.shape)
    by_hand = mha.out_proj(concatenated)
    module_out, module_weights = mha(x, x, x, average_attn_weights=False)
    out_gap = float(np.abs(module_out.numpy() - by_hand.numpy()).max())
    weight_gap = float(np.abs(module_weights.numpy() - weights.numpy()).max())
    print(f"  output max |difference| {out_gap:.2e}, per-head weights {weight_gap:.2e}")
    heads_differ = np.abs(weights[0, 0].numpy() - weights[0, 1].numpy()).mean()
    print(f"  the heads weigh the keys differently: mean |a_head0 − a_head1| = {heads_differ:.3f}")
    return out_gap


def plot_weights(args, panels):
    """One heat map per panel; `panels` maps a title to (weights, tokens, colour-scale top)."""
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.4))
    for ax, (title, (weights, tokens, top)) in zip(axes, panels.items()):
        image = ax.imshow(weights, cmap="viridis", vmin=0, vmax=top)
        ax.set_xticks(range(len(tokens)), tokens, rotation=90, fontsize=8)
        ax.set_yticks(range(len(tokens)), tokens, fontsize=8)
        ax.set(title=title, xlabel="key", ylabel="query")
        fig.colorbar(image, ax=ax, shrink=0.8)
    common.save_figure(fig, args, "06_attention_weights.png")


def plot_scaling_and_positions(args, rows):
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    (variance, saturation), (gradient, table) = axes
    dims = [row["d_k"] for row in rows]
    variance.loglog(dims, [row["var"] for row in rows], "o-", label="measured var(q·k)")
    variance.loglog(dims, dims, ":", color="gray", label="d_k")
    variance.set(xlabel="d_k", ylabel="variance of the score", title="q·k spreads as d_k grows")
    for name in ("unscaled", "scaled"):
        saturation.semilogx(dims, [row[name][0] for row in rows], "o-", label=name)
        gradient.semilogx(dims, [row[name][1] for row in rows], "s-", label=name)
    saturation.set(xlabel="d_k", ylabel="largest weight (mean over queries)", ylim=(0, 1),
                   title="softmax over 9 keys saturates without 1/√d_k")
    gradient.set(xlabel="d_k", ylabel="mean |∂L/∂s|", title="and its gradient vanishes")
    for ax in (variance, saturation, gradient):
        if ax is not variance:
            ax.axvline(KERAS_DIM, color="gray", linestyle=":", label="seed 001 §4.3's 1024")
        ax.legend(fontsize=8)
    image = table.imshow(sinusoidal_positions(64, 32).T, cmap="RdBu", aspect="auto")
    table.set(xlabel="position", ylabel="dimension", title="sinusoidal position encoding (d = 32)")
    fig.colorbar(image, ax=table)
    fig.tight_layout()
    common.save_figure(fig, args, "06_scaling_and_positions.png")


def main():
    args = common.parse_args(common.lesson_parser(__doc__, epochs=600, quick_epochs=300))
    ids, mask, tokens, embedding = sentence_tensors(args)
    real = int(mask[0].sum())
    x_padded = embedding(ids[:1]).detach()
    x = x_padded[:, :real]  # the first sentence without its padding
    mha = nn.MultiheadAttention(D_MODEL, 1, batch_first=True).to(args.device)
    scores, weights, differences = formula_step_by_step(x, tokens[:real], mha)
    padded, causal = masks(x_padded, mask, tokens, mha)
    single, double, bound = double_softmax(scores, weights)
    rows = why_scale(args)
    positions(embedding, ids, mha)
    layer_gap = encoder_layer_by_hand(x)
    head_gap = multi_head(x)
    errors = retrieval(args, bound)
    top = float(single.max())  # one colour scale for once and twice, to compare them
    plot_weights(args, {
        "softmax once (right)": (single, tokens[:real], top),
        "softmax twice (seed 001 §5.3)": (double, tokens[:real], top),
        "padding mask": (padded, tokens, None),
        "causal mask": (causal, tokens, 1.0),
    })
    plot_scaling_and_positions(args, rows)
    formula_gap = max(differences["fused F.scaled_dot_product_attention"],
                      differences["nn.MultiheadAttention output (then W^O)"], head_gap, layer_gap)
    common.print_result(
        f"max |fused/MHA − formula|={formula_gap:.1e}; double softmax max weight "
        f"{double.max():.3f} vs {single.max():.3f} (bound {bound:.3f}), entropy "
        f"{entropy(double).mean():.3f} vs {entropy(single).mean():.3f} nats (uniform "
        f"{math.log(len(single)):.3f}); retrieval MSE twice {errors[True]:.3f} vs once "
        f"{errors[False]:.3f}")


if __name__ == "__main__":
    main()
