"""Lesson 12: overfitting and its cures (L2, L1, Dropout), and why deep nets need BatchNorm or
residual connections.

    python -m lessons.12_regularization [--quick] [--device cpu|cuda] [--epochs N]

OVERFITTING (seed 004 §3.2.3). With 150 training digits (15 of each) an MLP
64 → 128 → 128 → 10 soon classifies every training image right, while on the other 1,292
development images it stays far behind: the generalisation gap = train − validation accuracy.
Regularisers make fitting noise harder:
    L2     loss + (λ/2)·Σθ²   gradient + λ·θ:       every weight pulled to 0 in proportion to
                                                     its size ("weight decay": θ ← θ − γλθ)
    L1     loss + λ·Σ|θ|      gradient + λ·sign(θ): the same pull on every weight, so the small
                                                     ones are driven to (about) 0: sparsity
    Dropout  in training, h ← h·m/(1 − p), m ~ Bernoulli(1 − p): each unit is zeroed with
             probability p and the survivors scaled up, so E[h_train] = h; at test the
             layer is the identity. A unit cannot rely on any one other unit being there.
L2 in Adam is not weight decay. Adam(weight_decay=λ) adds λθ to the gradient, and Adam then
divides the whole gradient by √v̂, its running RMS: the decay is rescaled per weight (and with
no data gradient, a step of ≈ γ·sign(θ) whatever λ is). AdamW decouples it: θ ← θ(1 − γλ),
outside the division, so λ means the same for every weight (Loshchilov & Hutter, 2019).

DEEP PLAIN NETWORKS (seed 003 §2). Backprop multiplies one Jacobian per layer:
∂L/∂h₁ = J₂ᵀ J₃ᵀ … J_Lᵀ ∂L/∂h_L. With PyTorch's default Linear init (U(±1/√n), variance
1/(3n)) and ReLU (which halves E[h²]), each layer scales the signal's variance by 1/6, so in
a 20-layer MLP the first layer's gradient is ~10⁻⁸ of the last one's (vanishing); with larger
init it explodes instead. Two cures:
    BatchNorm  x̂ = (x − μ_B)/√(σ²_B + ε), y = γ·x̂ + β, per feature, μ_B and σ²_B over the
               batch (σ²_B biased). Training keeps running averages
               μ ← (1 − m)μ + m·μ_B, σ² ← (1 − m)σ² + m·σ²_B,unbiased (m = 0.1);
               eval mode (model.eval()) normalises with THOSE, so a test image's output does
               not depend on which other images share its batch. Every layer's input is
               rescaled to unit variance, so the product of Jacobians no longer shrinks.
    Residual   y = x + F(x), so ∂y/∂x = I + ∂F/∂x: the identity gives the gradient a path
               to the first layer that no small F can close (He et al., 2016).

WHAT THE COURSE GETS WRONG (run below):
  * seed 004 §3.2.3 "L2正则化：在损失函数中添加L2范数项" (add the L2 NORM term). L2
    regularisation adds the SQUARED norm, (λ/2)‖θ‖², whose gradient λθ is weight decay; the
    norm ‖θ‖ itself has gradient θ/‖θ‖: a pull of the same size, λ, whatever the weights
    are, which is not weight decay. The section also gives L1 and L2 the same words
    ("惩罚模型参数的大小") and never says how they differ: L1 makes weights sparse, L2 does not.
  * seed 004 §3.2.3 "Dropout：在训练过程中随机丢弃一部分神经元" (drop random neurons while
    training), and nothing else. Dropping alone makes the next layer's input (1 − p) times
    smaller in training than at test time, when all units are on: either scale the survivors
    by 1/(1 − p) while training (inverted dropout, what nn.Dropout does) or multiply by
    (1 − p) at test. The run trains a net with the bare mask: at test its activations are
    ~1/(1 − p) too large and its validation loss is worse than with the correction.
  * seed 003 §2 "批量归一化是一种…对每个批次的数据进行归一化的技术" (normalise each batch's
    data). That is training mode only, and it leaves out the learned scale and shift γ, β.
    At test time BN uses the running averages from training: normalised with its own batch,
    a batch of 1 becomes (x − x)/σ = 0 (every image gets the same prediction) and a small
    batch's predictions depend on the other images in it.
WHAT IT GETS RIGHT: seed 003 §2 that residual units let the gradient reach the first layers
so deeper models train (below: plain 20 layers stay at chance, residual ones learn; He et al.
2016 add that their plain nets with BN did not vanish, yet still trained worse); that BN
makes a deep net trainable (below); seed 004 §3.2.3 that L1, L2 and Dropout are the usual
regularisers. Measured honestly, at these strengths none of them closes the gap on 150 images
(~0.1 in the full run, within ±0.01 of no regulariser): the cure for too few images is more
images. What L1 visibly does is make the first layer sparse (~39% of |w| < 0.01 against ~7%).
"""

import matplotlib.pyplot as plt
import numpy as np

import minigrad as mg
import minigrad.nn.functional as F
from datasets.digits import digits_split
from lessons import common
from lessons.digits_cnn import predict_logits, train_epoch, train_loader
from minigrad import metrics, nn, optim
from minigrad.nn.utils import l1_penalty, l2_penalty

PER_DIGIT = 15  # 150 training images: few enough to overfit
HIDDEN, LEARNING_RATE, BATCH_SIZE = 128, 1e-3, 32
L1_STRENGTH, WEIGHT_DECAY, ADAM_L2, DROPOUT = 1e-4, 0.5, 5e-3, 0.5
SMALL = 1e-2  # a first-layer weight below this counts as (about) zero
DEPTH, WIDTH, DEEP_LR, DEEP_BATCH = 20, 64, 0.05, 64


# ---- part 1: overfitting on 150 digits ------------------------------------------------------


class MaskOnlyDropout(nn.Module):
    """The course's Dropout read literally: zero random units while training, no rescaling."""

    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training:
            return x
        keep = mg.rand(*x.shape, device=x.device) >= self.p
        return x * keep.to(x.dtype)


def mlp(dropout=None):
    layers = [nn.Flatten()]
    for n_in, n_out in ((64, HIDDEN), (HIDDEN, HIDDEN)):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
        if dropout is not None:
            layers.append(dropout())
    return nn.Sequential(*layers, nn.Linear(HIDDEN, 10))


def weights(model):
    return [p for name, p in model.named_parameters() if name.endswith("weight")]


REGULARISERS = {
    # name: (model, optimizer, penalty added to the loss)
    "none": (mlp, lambda ps: optim.Adam(ps, lr=LEARNING_RATE), None),
    "L2 in Adam": (mlp, lambda ps: optim.Adam(ps, lr=LEARNING_RATE, weight_decay=ADAM_L2),
                   None),
    "AdamW": (mlp, lambda ps: optim.AdamW(ps, lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY),
              None),
    "L1": (mlp, lambda ps: optim.Adam(ps, lr=LEARNING_RATE),
           lambda model: L1_STRENGTH * l1_penalty(weights(model))),
    "Dropout": (lambda: mlp(lambda: nn.Dropout(DROPOUT)),
                lambda ps: optim.Adam(ps, lr=LEARNING_RATE), None),
    "mask-only dropout": (lambda: mlp(lambda: MaskOnlyDropout(DROPOUT)),
                          lambda ps: optim.Adam(ps, lr=LEARNING_RATE), None),
}


def small_training_set(x_dev, y_dev, seed):
    rng = np.random.default_rng(seed)
    picks = np.concatenate([rng.choice(np.flatnonzero(y_dev == c), PER_DIGIT, replace=False)
                            for c in range(10)])
    rest = np.setdiff1d(np.arange(len(y_dev)), picks)
    return (x_dev[picks], y_dev[picks]), (x_dev[rest], y_dev[rest])


def loss_and_accuracy(model, x, y):
    logits = mg.tensor(predict_logits(model, x), device=x.device)
    return F.cross_entropy(logits, y).item(), metrics.accuracy(logits.numpy(), y.numpy())


def train_regularised(name, train, validation, args):
    make_model, make_optimizer, penalty = REGULARISERS[name]
    mg.manual_seed(args.seed)
    model = make_model().to(args.device)
    optimizer = make_optimizer(model.parameters())
    loader = train_loader(*train, BATCH_SIZE, seed=args.seed, device=args.device)
    loss_fn = None
    if penalty is not None:
        loss_fn = lambda logits, x, y: F.cross_entropy(logits, y) + penalty(model)
    history = {"train": [], "validation": [], "validation loss": []}
    for epoch in range(args.epochs):
        train_epoch(model, loader, optimizer, loss_fn, epoch=epoch)
        history["train"].append(loss_and_accuracy(model, *train)[1])
        loss, accuracy = loss_and_accuracy(model, *validation)
        history["validation"].append(accuracy)
        history["validation loss"].append(loss)
    return model, history


def small_share(model):
    first = weights(model)[0].numpy()
    return float(np.mean(np.abs(first) < SMALL))


def overfitting(args, train, validation):
    common.heading(f"overfitting: {len(train[1])} training images, {len(validation[1])} "
                   f"validation, {args.epochs} epochs (seed 004 §3.2.3)")
    print(f"  {'regulariser':<18} {'train':>6} {'valid.':>7} {'gap':>6} {'val. loss':>9} "
          f"{'|w1| < ' + str(SMALL):>12}")
    models, histories = {}, {}
    for name in REGULARISERS:
        models[name], histories[name] = train_regularised(name, train, validation, args)
        h = histories[name]
        print(f"  {name:<18} {h['train'][-1]:6.3f} {h['validation'][-1]:7.3f} "
              f"{h['train'][-1] - h['validation'][-1]:6.3f} {h['validation loss'][-1]:9.3f} "
              f"{small_share(models[name]):12.1%}")
    plot_overfitting(args, histories)
    return models, histories


def plot_overfitting(args, histories):
    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    epochs = np.arange(1, args.epochs + 1)
    for k, (name, h) in enumerate(histories.items()):
        color = f"C{k}"
        axes[0].plot(epochs, h["train"], color=color, linestyle=":")
        axes[0].plot(epochs, h["validation"], color=color, label=name)
        axes[1].plot(epochs, h["validation loss"], color=color, label=name)
    axes[0].set(xlabel="epoch", ylabel="accuracy", ylim=(0.5, 1.01),
                title="train (dotted) and validation (solid) accuracy")
    axes[1].set(xlabel="epoch", ylabel="cross-entropy", title="validation loss")
    axes[0].legend(fontsize=8)
    common.save_figure(fig, args, "12_overfitting.png")


def l2_norm_or_squared(args):
    """seed 004 §3.2.3's "L2 norm" term against the squared norm that weight decay comes from."""
    common.heading("seed 004 §3.2.3: add the L2 norm, or its square?")
    lam = 0.1
    theta_np = np.array([3.0, -0.5, 0.01])
    gradients = {}
    for label, penalty in (("(λ/2)·‖θ‖²", lambda t: lam / 2 * l2_penalty(t)),
                           ("λ·‖θ‖ (the course)", lambda t: lam * l2_penalty(t).sqrt())):
        theta = mg.tensor(theta_np, requires_grad=True, device=args.device)
        penalty(theta).backward()
        gradients[label] = theta.grad.numpy()
        print(f"  gradient of {label:<20} at θ = {theta_np}: {np.round(gradients[label], 4)}")
    squared_ok = common.check("(λ/2)‖θ‖² gives λθ: weight decay", gradients["(λ/2)·‖θ‖²"],
                              lam * theta_np)
    norm_is_decay = common.check("λ‖θ‖ gives λθ too (it does not: λθ/‖θ‖)",
                                 gradients["λ·‖θ‖ (the course)"], lam * theta_np)
    return squared_ok and not norm_is_decay


def adam_l2_is_not_decay(args):
    """With no gradient from the data, Adam's "L2" moves θ by ≈ γ per step whatever λ is."""
    common.heading("L2 in Adam vs AdamW's decoupled decay: θ = 1, no data gradient, 100 steps")
    steps, lr = 100, 1e-3
    finals = {}
    for lam in (0.01, 1.0):
        for name, make in (("Adam(weight_decay=λ)", optim.Adam), ("AdamW(weight_decay=λ)",
                                                                   optim.AdamW)):
            theta = mg.tensor([1.0], requires_grad=True, device=args.device)
            optimizer = make([theta], lr=lr, weight_decay=lam)
            for _ in range(steps):
                optimizer.zero_grad()
                (theta * 0.0).sum().backward()
                optimizer.step()
            finals[name, lam] = theta.item()
            print(f"  λ = {lam:<5} {name:<22} θ: 1 → {theta.item():.4f}")
    print(f"  Adam divides λθ by its own RMS, so θ falls by ~{steps}·γ = {steps * lr} for any λ; "
          "AdamW shrinks θ by (1 − γλ) per step, 100× more for 100× the λ")
    return finals


def dropout_scaling(args, models, validation):
    """Inverted dropout keeps E[h] in training equal to h at test; the bare mask does not."""
    common.heading(f"seed 004 §3.2.3: dropout's scale, train vs test (p = {DROPOUT})")
    x, y = validation
    h = mg.rand(1000, 256, device=args.device)
    kept = F.dropout(h, DROPOUT, training=True)
    print(f"  nn.Dropout in training: mean of h {h.mean().item():.4f}, after dropout "
          f"{kept.mean().item():.4f} (survivors ×1/(1 − p)); in eval mode the identity")
    ratios = {}
    for name in ("Dropout", "mask-only dropout"):
        model = models[name]
        layer = model[4]  # the second hidden layer's input: the first dropout's output
        seen = []
        handle = layer.register_forward_hook(lambda m, inputs, out, seen=seen: seen.append(inputs[0]))
        with mg.no_grad():
            model.train()
            mg.manual_seed(args.seed)
            model(x)
            model.eval()
            model(x)
        handle.remove()
        ratios[name] = seen[1].mean().item() / seen[0].mean().item()
        print(f"  {name:<18}: mean input of the 2nd Linear, test / training = "
              f"{ratios[name]:.3f}")
    bare = models["mask-only dropout"]
    loss_as_is = loss_and_accuracy(bare, x, y)
    for layer in bare:
        if isinstance(layer, MaskOnlyDropout):
            layer.register_forward_hook(lambda m, inputs, out: out * (1 - DROPOUT))
    loss_fixed = loss_and_accuracy(bare, x, y)
    print(f"  mask-only net at test, all units on: validation loss {loss_as_is[0]:.3f} "
          f"(accuracy {loss_as_is[1]:.3f}); scaled by (1 − p) as it should be: "
          f"{loss_fixed[0]:.3f} ({loss_fixed[1]:.3f})")
    return ratios


# ---- part 2: deep plain networks, BatchNorm, residual connections -----------------------------


class Residual(nn.Module):
    """y = x + F(x), F = Linear → ReLU → Linear."""

    def __init__(self, width):
        super().__init__()
        self.branch = nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, width))

    def forward(self, x):
        return x + self.branch(x)


def deep_mlp(kind):
    """DEPTH Linear layers of WIDTH units: plain, with BatchNorm, or in residual blocks."""
    layers = [nn.Flatten()]
    if kind == "residual":
        layers += [nn.Linear(64, WIDTH), nn.ReLU()]
        layers += [Residual(WIDTH) for _ in range((DEPTH - 2) // 2)]
    else:
        for k in range(DEPTH - 1):
            layers.append(nn.Linear(64 if k == 0 else WIDTH, WIDTH))
            if kind == "batchnorm":
                layers.append(nn.BatchNorm1d(WIDTH))
            layers.append(nn.ReLU())
    return nn.Sequential(*layers, nn.Linear(WIDTH, 10))


def gradient_norms_at_init(model, x, y):
    """‖∂L/∂W‖ of every Linear layer, first to last, for one batch at initialisation."""
    model.train()
    model.zero_grad()
    F.cross_entropy(model(x), y).backward()
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    return np.array([float(np.linalg.norm(m.weight.grad.numpy())) for m in linears])


def deep_networks(args, train, test):
    epochs = max(2, args.epochs // 20)
    common.heading(f"{DEPTH} Linear layers: plain, BatchNorm, residual (seed 003 §2); "
                   f"SGD lr {DEEP_LR}, momentum 0.9, {epochs} epochs")
    results, models = {}, {}
    for kind in ("plain", "batchnorm", "residual"):
        mg.manual_seed(args.seed)
        model = deep_mlp(kind).to(args.device)
        norms = gradient_norms_at_init(model, train[0][:256], train[1][:256])
        optimizer = optim.SGD(model.parameters(), lr=DEEP_LR, momentum=0.9)
        loader = train_loader(*train, DEEP_BATCH, seed=args.seed, device=args.device)
        accuracies = []
        for epoch in range(epochs):
            train_epoch(model, loader, optimizer, epoch=epoch)
            accuracies.append(loss_and_accuracy(model, *test)[1])
        results[kind] = norms, accuracies
        models[kind] = model
        print(f"  {kind:<10} ‖∂L/∂W‖ first layer {norms[0]:.2e}, last {norms[-1]:.2e}; "
              f"test accuracy after 1 epoch {accuracies[0]:.3f}, after {epochs}: "
              f"{accuracies[-1]:.3f}")
    plot_deep(args, results)
    return results, models["batchnorm"]


def plot_deep(args, results):
    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    for kind, (norms, accuracies) in results.items():
        axes[0].semilogy(np.arange(1, len(norms) + 1), norms, marker="o", label=kind)
        axes[1].plot(np.arange(1, len(accuracies) + 1), accuracies, marker="o", label=kind)
    axes[0].set(xlabel="Linear layer (1 = input side)", ylabel="‖∂L/∂W‖ at initialisation",
                title=f"gradient per layer, {DEPTH}-layer MLP")
    axes[1].set(xlabel="epoch", ylabel="test accuracy", ylim=(0, 1), title="training")
    for ax in axes:
        ax.legend()
    common.save_figure(fig, args, "12_deep_networks.png")


def batchnorm_at_test_time(args, model, test):
    """seed 003 §2: "normalise each batch" vs the running averages that eval mode uses."""
    common.heading("seed 003 §2: BatchNorm's statistics at test time")
    x, y = test
    bn = next(m for m in model.modules() if isinstance(m, nn.BatchNorm1d))
    seen = []
    handle = bn.register_forward_hook(lambda m, inputs, out: seen.append((inputs[0], out)))
    model.eval()
    with mg.no_grad():
        model(x)
    handle.remove()
    bn_in, bn_out = (t.numpy() for t in seen[0])
    by_hand = ((bn_in - bn.running_mean.numpy()) / np.sqrt(bn.running_var.numpy() + bn.eps)
               * bn.weight.numpy() + bn.bias.numpy())
    common.check("eval: γ·(x − running mean)/√(running var + ε) + β", bn_out, by_hand, 1e-4)
    saved = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    accuracies = {"eval mode (running averages)": metrics.accuracy(predict_logits(model, x),
                                                                    y.numpy())}
    model.train()  # normalise with the test batch's own statistics, as the course words it
    with mg.no_grad():
        for size in (len(y), 8, 2):
            n = len(y) // size * size
            logits = np.concatenate([model(x[i:i + size]).numpy() for i in range(0, n, size)])
            accuracies[f"own batch of {size}"] = metrics.accuracy(logits, y.numpy()[:n])
    model.load_state_dict(saved)  # the train-mode passes moved the running averages
    model.eval()
    for label, accuracy in accuracies.items():
        print(f"  {label:<30} test accuracy {accuracy:.3f}")
    print("  a batch of 1 cannot even be run: (x − x)/σ = 0 for every feature, so every image "
          "would get the same prediction")
    return accuracies


def main():
    args = common.parse_args(common.lesson_parser(__doc__, epochs=60, quick_epochs=15))
    (x_dev, y_dev), (x_test, y_test) = digits_split(test_fraction=0.2, seed=0)
    as_tensors = lambda x, y: (mg.tensor(x, device=args.device),
                               mg.tensor(y, device=args.device))
    small, rest = small_training_set(x_dev, y_dev, args.seed)
    train, validation = as_tensors(*small), as_tensors(*rest)

    models, histories = overfitting(args, train, validation)
    norm_is_wrong = l2_norm_or_squared(args)
    adam_l2_is_not_decay(args)
    ratios = dropout_scaling(args, models, validation)

    results, bn_model = deep_networks(args, as_tensors(x_dev, y_dev), as_tensors(x_test, y_test))
    bn_accuracies = batchnorm_at_test_time(args, bn_model, as_tensors(x_test, y_test))

    gap = {name: h["train"][-1] - h["validation"][-1] for name, h in histories.items()}
    errors = [norm_is_wrong, ratios["mask-only dropout"] > 1.5,
              bn_accuracies["own batch of 2"] < bn_accuracies["eval mode (running averages)"]]
    common.print_result(
        "gap " + " ".join(f"{n.replace(' ', '_')}={gap[n]:.3f}" for n in
                          ("none", "AdamW", "L1", "Dropout")) +
        f" L1_small={small_share(models['L1']):.2f} none_small={small_share(models['none']):.2f}"
        f" mask_dropout_ratio={ratios['mask-only dropout']:.2f}"
        f" grad1 plain={results['plain'][0][0]:.1e} bn={results['batchnorm'][0][0]:.1e}"
        f" res={results['residual'][0][0]:.1e}"
        f" acc plain={results['plain'][1][-1]:.3f} bn={results['batchnorm'][1][-1]:.3f}"
        f" res={results['residual'][1][-1]:.3f}"
        f" bn_batch2={bn_accuracies['own batch of 2']:.3f}"
        f" course_errors={sum(errors)}"
    )


if __name__ == "__main__":
    main()
