"""Lesson 11: optimizers (gradient descent, mini-batch SGD, momentum, Adam) and learning-rate
schedules, run side by side, and what the course says about them.

    python -m lessons.11_optimizers [--quick] [--device cpu|cuda] [--epochs N]

THE PROBLEM WHERE THE DIFFERENCE SHOWS: least squares on n samples with two strongly
correlated features, L(w) = (1/2n)·Σᵢ (xᵢ·w − yᵢ)². Its contours are long thin ellipses (the
Hessian XᵀX/n has eigenvalues far apart), the shape that makes plain gradient descent zig-zag.

THE UPDATES, with g the gradient of the loss, γ the learning rate, t = 1, 2, ...:
    gradient descent     θ ← θ − γ·∇L(θ)                 ∇ over all n samples (one "batch")
    mini-batch SGD       θ ← θ − γ·∇L_B(θ)               ∇ over a random batch B: cheap, noisy
    momentum (PyTorch)   v ← μ·v + g,  θ ← θ − γ·v       a running sum of past steps, μ = 0.9:
                                                         zig-zags cancel, the valley adds up
    Adam                 m ← β₁m + (1 − β₁)g             first moment (momentum's average)
                         v ← β₂v + (1 − β₂)g²            second moment (RMSprop's average)
                         m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)  bias corrections (m, v start at 0)
                         θ ← θ − γ·m̂/(√v̂ + ε)            every coordinate moves about γ
Each is checked below against minigrad.optim, step by step.

LEARNING-RATE SCHEDULES (seed 004 §3.2.2 names four) multiply the starting rate γ₀:
    fixed                γₜ = γ₀
    linear decay         γₜ = γ₀·(1 − t/T)                                 LinearLR(1, 0, T)
    cosine decay         γₜ = γ₀·½(1 + cos(πt/T))                          CosineAnnealingLR(T)
    adaptive             γ ← γ/2 when the validation loss stops improving  ReduceLROnPlateau
    warmup → cosine      γ₀ rising linearly from γ₀/10 for W epochs, then cosine (SequentialLR)
With mini-batch gradients the noise in each step is proportional to γ: a constant rate stalls
at a noise floor, a decaying one lets the steps settle. They are compared on the 8×8 digits
with an MLP trained by SGD with momentum.

WHAT THE COURSE GETS WRONG (each one run below where it can be):
  * seed 000 §3.1.1: gradient descent "沿着损失函数的梯度方向进行迭代更新" (updates along the
    gradient's direction). The gradient points uphill: that is gradient ASCENT, and the loss
    grows. Descent steps along −∇L, as seed 000 §3.2.5's pseudo-code (`weights -= ...`) does.
  * seed 000 §3.2.4: "梯度是损失函数在参数空间的方向导数" (the gradient is the directional
    derivative). A directional derivative is a number, D_u L = ∇L·u, one for each direction u;
    the gradient is the vector of partial derivatives, the direction in which D_u L is largest,
    and |∇L| is that largest value.
  * seed 000 §3.2.6: "重复以上步骤" (repeat the steps above) repeats §3.2.2 too, initializing
    the parameters again in every iteration, so nothing is ever learned. Only the loss, the
    gradient and the update (§3.2.3-§3.2.5) repeat. Its loop also runs over `data_loader`
    batches, which makes it mini-batch SGD, not the gradient descent that §3.2 announces.
  * seed 004 §3.2.1: Adam "结合了SGD和RMSprop的优点" (combines SGD and RMSprop). Plain SGD has
    nothing to contribute: Adam is momentum (m, an average of gradients) plus RMSprop (v, an
    average of squared gradients) plus the bias corrections, which its flowchart (moments →
    update) leaves out. Without them the first step is (1 − β₁)/√(1 − β₂) ≈ 3.16 times γ.
  * seed 003 §2 (item 4) and §9.3: Adam "能够自动调整学习率" (adjusts the learning rate
    automatically), listed as a learning-rate schedule. Adam leaves γ where it was set; it
    divides each coordinate's step by √v̂. A schedule still changes γ on top of it.
  * seed 004 §3.2.2 (the second chapter 3): the schedule's purpose is "避免模型过早地收敛到次优
    解" (to avoid converging too early to a worse solution). Decaying the rate does the
    opposite: it is what lets mini-batch SGD converge at all (run below: the constant rate
    stalls much farther from the minimum than linear or cosine decay).
  * seed 002 §3.1.3 lists "动态梯度下降 (dynamic gradient descent)": there is no such standard
    method; the usual third entry is momentum (动量梯度下降).
WHAT IT GETS RIGHT: seed 000 §3.2.5's update sign; seed 000 §3.1.2's Adam from first and second
moment estimates "combining AdaGrad and RMSprop" (the Adam paper's own words: per-coordinate
scaling, with RMSprop's running average instead of AdaGrad's ever-growing sum); seed 004
§3.2.2's four schedules are the standard ones, and its first chapter 3 says rightly that the
schedule decides the speed of convergence and the final result.
"""

import time

import matplotlib.pyplot as plt
import numpy as np

import minigrad as mg
import minigrad.nn.functional as F
from datasets.digits import digits_split
from lessons import common
from lessons.digits_cnn import predict_logits, train_epoch, train_loader
from minigrad import nn, optim
from minigrad.backend import to_numpy
from minigrad.data.split import split_indices
from minigrad.optim import lr_scheduler

SAMPLES, BATCH = 256, 16
W_TRUE, W_START = (2.0, -1.0), (-2.0, 3.0)
STEPS = 100
GD_LR_TIMES_LMAX = 0.9  # γ = 0.9/λ_max: below 2/λ_max, where gradient descent stays stable
ADAM_LR, MOMENTUM = 0.1, 0.9
CHECK_STEPS = 20
NOISE_FLOOR_STEPS = 1000
DIGITS_LR, DIGITS_BATCH, HIDDEN = 0.1, 32, 64


# ---------------------------------------------------------------- 1. the optimizers, in 2-D

def least_squares_data(seed):
    """X (n, 2) with two correlated features, y = X·w_true + noise (numpy, float32)."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=SAMPLES)
    x2 = 0.9 * x1 + 0.3 * rng.normal(size=SAMPLES)
    X = np.stack([x1, x2], axis=1)
    y = X @ np.array(W_TRUE) + 0.5 * rng.normal(size=SAMPLES)
    return X.astype(np.float32), y[:, None].astype(np.float32)


def loss_of(w, X, y):
    residual = X @ w - y
    return (residual * residual).mean() / 2


def numpy_loss(W, X, y):
    """L at many points at once: W (..., 2) numpy, for the contour plot and the checks."""
    residual = W @ X.T.astype(np.float64) - y[:, 0]
    return (residual**2).mean(axis=-1) / 2


def numpy_gradient(w, X, y):
    return X.T.astype(np.float64) @ (X @ w - y[:, 0]) / len(y)


def trajectory(make_optimizer, X, y, args, steps=STEPS, batch=None, lr_schedule=None):
    """Run an optimizer from W_START on (X, y); full batch unless `batch`. The points visited
    (numpy, (steps + 1, 2)) and the optimizer."""
    w = mg.tensor(np.array(W_START, dtype=np.float32)[:, None], device=args.device,
                  requires_grad=True)
    optimizer = make_optimizer([w])
    scheduler = lr_schedule(optimizer) if lr_schedule else None
    rng = np.random.default_rng(args.seed)
    full = mg.tensor(X, device=args.device), mg.tensor(y, device=args.device)
    batches = []
    points = [w.numpy()[:, 0].copy()]
    for _ in range(steps):
        if batch is None:
            xb, yb = full
        else:
            if not batches:  # a new epoch: shuffle once, cut into batches at the data boundary
                order = rng.permutation(len(y))
                batches = [order[i : i + batch] for i in range(0, len(y), batch)]
            rows = batches.pop()
            xb, yb = mg.tensor(X[rows], device=args.device), mg.tensor(y[rows], device=args.device)
        optimizer.zero_grad()
        loss_of(w, xb, yb).backward()
        optimizer.step()
        if scheduler:
            scheduler.step()
        points.append(w.numpy()[:, 0].copy())
    return np.array(points), optimizer


def compare_optimizers(args, X, y, w_best, lr):
    common.heading(f"four optimizers, {STEPS} steps each from w = {W_START}, on {args.device}")
    runs = {
        "gradient descent": (lambda p: optim.SGD(p, lr=lr), None),
        f"mini-batch SGD ({BATCH})": (lambda p: optim.SGD(p, lr=lr), BATCH),
        f"momentum {MOMENTUM}": (lambda p: optim.SGD(p, lr=lr, momentum=MOMENTUM), None),
        f"Adam (γ = {ADAM_LR})": (lambda p: optim.Adam(p, lr=ADAM_LR), None),
    }
    best_loss = numpy_loss(w_best, X, y)
    paths, gaps = {}, {}
    for name, (make, batch) in runs.items():
        paths[name], _ = trajectory(make, X, y, args, batch=batch)
        gaps[name] = float(numpy_loss(paths[name][-1], X, y) - best_loss)
        print(f"  {name:<22} L − L* = {gaps[name]:.2e}, |w − w*| = "
              f"{np.linalg.norm(paths[name][-1] - w_best):.4f}")
    return paths, gaps


def plot_trajectories(args, X, y, w_best, paths, ascent):
    fig, axes = plt.subplots(1, 2, figsize=(13, 5))
    a, b = np.meshgrid(np.linspace(-3.5, 4.5, 200), np.linspace(-3.5, 4.5, 200))
    grid = numpy_loss(np.stack([a, b], axis=-1), X, y)
    levels = np.geomspace(grid.min() + 1e-3, grid.max(), 25)
    for ax in axes:
        ax.contour(a, b, grid, levels=levels, cmap="Greys", linewidths=0.6)
        ax.plot(*w_best, "k*", markersize=12, label="w* (least squares)")
        ax.set(xlabel="w₁", ylabel="w₂", aspect="equal")
    for name, path in paths.items():
        axes[0].plot(path[:, 0], path[:, 1], ".-", markersize=3, linewidth=1, label=name)
    axes[0].set_title(f"{STEPS} steps of each optimizer on an ill-conditioned least squares")
    axes[0].legend(fontsize=8)
    axes[1].plot(ascent[:, 0], ascent[:, 1], "r.-", label="seed 000 §3.1.1: along +∇L")
    axes[1].plot(*paths["gradient descent"].T, "b.-", markersize=3, label="along −∇L")
    axes[1].set(xlim=(-3.5, 4.5), ylim=(-3.5, 4.5), title="'along the gradient' climbs out")
    axes[1].legend(fontsize=8)
    common.save_figure(fig, args, "11_trajectories.png")


def check_update_formulas(args, X, y, lr):
    """The docstring's formulas, by hand in float64 numpy, against minigrad.optim."""
    common.heading(f"the update formulas by hand against minigrad.optim ({CHECK_STEPS} steps)")
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    hand = {name: [np.array(W_START)] for name in ("sgd", "momentum", "adam", "adam uncorrected")}
    for name in hand:
        velocity, m, v = np.zeros(2), np.zeros(2), np.zeros(2)
        w = np.array(W_START)
        for t in range(1, CHECK_STEPS + 1):
            g = numpy_gradient(w, X, y)
            if name == "sgd":
                w = w - lr * g
            elif name == "momentum":
                velocity = MOMENTUM * velocity + g
                w = w - lr * velocity
            else:
                m = beta1 * m + (1 - beta1) * g
                v = beta2 * v + (1 - beta2) * g * g
                if name == "adam":
                    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
                else:  # the moments straight into the update, as seed 004 §3.2.1's flowchart
                    m_hat, v_hat = m, v
                w = w - ADAM_LR * m_hat / (np.sqrt(v_hat) + eps)
            hand[name].append(w)
    library = {
        "sgd": lambda p: optim.SGD(p, lr=lr),
        "momentum": lambda p: optim.SGD(p, lr=lr, momentum=MOMENTUM),
        "adam": lambda p: optim.Adam(p, lr=ADAM_LR, betas=(beta1, beta2), eps=eps),
    }
    agree = True
    for name, make in library.items():
        path, _ = trajectory(make, X, y, args, steps=CHECK_STEPS)
        agree &= common.check(f"{name}: hand formula = minigrad.optim", path, hand[name], 1e-4)
    first = {name: np.abs(hand[name][1] - hand[name][0]) for name in ("adam", "adam uncorrected")}
    ratio = float(np.mean(first["adam uncorrected"] / first["adam"]))
    print(f"Adam's first step per coordinate: {first['adam']} with the bias corrections (= γ), "
          f"{first['adam uncorrected']} without: {ratio:.2f}× γ "
          f"((1 − β₁)/√(1 − β₂) = {(1 - beta1) / np.sqrt(1 - beta2):.2f})")
    return agree, ratio


# ---------------------------------------------------------------- 2. the course, run as written

def gradient_ascent(args, X, y, lr):
    common.heading("seed 000 §3.1.1: 'update along the gradient's direction', run as worded")
    path, _ = trajectory(lambda p: optim.SGD(p, lr=lr, maximize=True), X, y, args, steps=10)
    losses = numpy_loss(path, X, y)
    print(f"θ ← θ + γ∇L: the loss goes {losses[0]:.3f} → {losses[-1]:.3g} in 10 steps (ascent); "
          "θ ← θ − γ∇L, as §3.2.5's `-=`, brings it down")
    return path, float(losses[-1] / losses[0])


def gradient_is_not_a_directional_derivative(args, X, y):
    common.heading("seed 000 §3.2.4: 'the gradient is the directional derivative'")
    w = np.array(W_START)
    grad = numpy_gradient(w, X, y)
    angles = np.linspace(0, 2 * np.pi, 36, endpoint=False)
    directions = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    h = 1e-6
    by_difference = (numpy_loss(w + h * directions, X, y)
                     - numpy_loss(w - h * directions, X, y)) / (2 * h)
    common.check("D_u L (central difference) = ∇L·u, 36 directions u", by_difference,
                 directions @ grad, 1e-6)
    steepest = directions[np.argmax(by_difference)]
    print(f"∇L = {grad.round(3)} is a vector; D_u L is a number per direction, from "
          f"{by_difference.min():.3f} to {by_difference.max():.3f}. The largest is at "
          f"u = {steepest.round(3)} (∇L/|∇L| = {(grad / np.linalg.norm(grad)).round(3)}) and "
          f"equals |∇L| = {np.linalg.norm(grad):.3f} (to the 10° grid)")


def reinitialising_loop(args, X, y, lr):
    common.heading("seed 000 §3.2.6: 'repeat the steps above', §3.2.2's initialisation included")
    rng = np.random.default_rng(args.seed)
    xt, yt = mg.tensor(X, device=args.device), mg.tensor(y, device=args.device)
    losses = {}
    for name, reinitialise in (("as written", True), ("init once", False)):
        w = None
        for _ in range(STEPS):
            if w is None or reinitialise:
                w = mg.tensor(rng.normal(size=(2, 1)).astype(np.float32), device=args.device,
                              requires_grad=True)
                optimizer = optim.SGD([w], lr=lr)
            optimizer.zero_grad()
            loss_of(w, xt, yt).backward()
            optimizer.step()
        with mg.no_grad():
            losses[name] = loss_of(w, xt, yt).item()
    print(f"after {STEPS} iterations: loss {losses['as written']:.3f} re-initialising every time, "
          f"{losses['init once']:.3f} initialising once (minimum "
          f"{numpy_loss(np.linalg.lstsq(X, y[:, 0], rcond=None)[0], X, y):.3f})")
    return losses


def adam_keeps_its_learning_rate(args, X, y):
    common.heading("seed 003 §2, §9.3: 'Adam adjusts the learning rate automatically'")
    _, optimizer = trajectory(lambda p: optim.Adam(p, lr=ADAM_LR), X, y, args)
    group = optimizer.param_groups[0]
    state = optimizer.state[group["params"][0]]
    t = state["step"]
    v_hat = to_numpy(state["exp_avg_sq"])[:, 0] / (1 - group["betas"][1] ** int(t))
    per_coordinate = group["lr"] / (np.sqrt(v_hat) + group["eps"])
    print(f"after {STEPS} steps Adam's γ is still {group['lr']} (what was set); what adapts is "
          f"each coordinate's gain γ/(√v̂ + ε) = {per_coordinate.round(3)}. A schedule changes γ "
          "itself, on top of that (lesson 04: Adam + cosine).")
    return group["lr"]


def noise_floor(args, X, y, w_best, lr):
    common.heading(f"seed 004 §3.2.2: what a decaying rate is for (mini-batch SGD, "
                   f"{NOISE_FLOOR_STEPS} steps)")
    schedules = {
        "fixed": None,
        "linear decay": lambda o: lr_scheduler.LinearLR(o, 1.0, 0.0, NOISE_FLOOR_STEPS),
        "cosine": lambda o: lr_scheduler.CosineAnnealingLR(o, NOISE_FLOOR_STEPS),
    }
    gaps = {}
    best_loss = numpy_loss(w_best, X, y)
    for name, schedule in schedules.items():
        # the mean of L − L* over the last 50 steps: where the iterate settles, not one draw
        path, _ = trajectory(lambda p: optim.SGD(p, lr=lr), X, y, args, NOISE_FLOOR_STEPS,
                             batch=BATCH, lr_schedule=schedule)
        gaps[name] = float(np.mean(numpy_loss(path[-50:], X, y) - best_loss))
        print(f"  {name:<13} mean L − L* over the last 50 steps: {gaps[name]:.2e}")
    print(f"the constant rate stalls {gaps['fixed'] / gaps['cosine']:.0f}× higher above the "
          "minimum than the cosine: decay is how SGD converges, not how it avoids converging")
    return gaps


# ---------------------------------------------------------------- 3. schedules on the digits

def schedules_for(optimizer, epochs):
    warmup = max(1, epochs // 5)
    return {
        "fixed": lambda: None,
        "linear decay": lambda: lr_scheduler.LinearLR(optimizer, 1.0, 0.0, epochs),
        "cosine": lambda: lr_scheduler.CosineAnnealingLR(optimizer, epochs),
        "on plateau": lambda: lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=1),
        "warmup → cosine": lambda: lr_scheduler.SequentialLR(
            optimizer,
            [lr_scheduler.LinearLR(optimizer, 0.1, 1.0, warmup),
             lr_scheduler.CosineAnnealingLR(optimizer, epochs - warmup)],
            milestones=[warmup]),
    }


def digits_mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10))


def loss_and_accuracy(model, x, y):
    logits = predict_logits(model, x)
    loss = F.cross_entropy(mg.tensor(logits), mg.tensor(y.numpy())).item()
    return loss, float((logits.argmax(axis=1) == y.numpy()).mean())


def train_with_schedule(name, args, data):
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = data
    mg.manual_seed(args.seed)  # every schedule starts from the same weights and batches
    model = digits_mlp().to(args.device)
    optimizer = optim.SGD(model.parameters(), lr=DIGITS_LR, momentum=MOMENTUM)
    scheduler = schedules_for(optimizer, args.epochs)[name]()
    loader = train_loader(x_train, y_train, DIGITS_BATCH, seed=args.seed, device=args.device)
    history = {"lr": [], "train loss": [], "validation loss": []}
    for epoch in range(args.epochs):
        history["lr"].append(optimizer.param_groups[0]["lr"])
        history["train loss"].append(train_epoch(model, loader, optimizer, epoch=epoch))
        validation_loss, _ = loss_and_accuracy(model, x_val, y_val)
        history["validation loss"].append(validation_loss)
        if isinstance(scheduler, lr_scheduler.ReduceLROnPlateau):
            scheduler.step(validation_loss)
        elif scheduler is not None:
            scheduler.step()
    history["test loss"], history["test accuracy"] = loss_and_accuracy(model, x_test, y_test)
    return history


def digits_data(args):
    (x_dev, y_dev), test = digits_split(test_fraction=0.2, seed=0)
    train, val = split_indices(len(y_dev), [0.8, 0.2], generator=args.seed, stratify=y_dev)
    parts = ((x_dev[train], y_dev[train]), (x_dev[val], y_dev[val]), test)
    return tuple((mg.tensor(x, device=args.device), mg.tensor(y, device=args.device))
                 for x, y in parts)


def compare_schedules(args):
    common.heading(f"five schedules on the 8×8 digits: MLP 64→{HIDDEN}→10, SGD + momentum "
                   f"{MOMENTUM}, γ₀ = {DIGITS_LR}, {args.epochs} epochs, on {args.device}")
    data = digits_data(args)
    histories = {}
    start = time.perf_counter()
    for name in schedules_for(None, args.epochs):
        histories[name] = h = train_with_schedule(name, args, data)
        print(f"  {name:<16} lr {h['lr'][0]:.3f} → {h['lr'][-1]:.4f}   final train loss "
              f"{h['train loss'][-1]:.4f}   test loss {h['test loss']:.4f}   test accuracy "
              f"{h['test accuracy']:.4f}")
    lowest = min(histories, key=lambda name: histories[name]["train loss"][-1])
    accuracies = [h["test accuracy"] for h in histories.values()]
    print(f"({time.perf_counter() - start:.1f} s) Lowest final training loss: {lowest}. The test "
          f"accuracies span {max(accuracies) - min(accuracies):.4f}, {round((max(accuracies) - min(accuracies)) * 355)} "
          "of 355 images: on this small, easy problem the schedule matters far less than on the "
          "noisy least squares above (a short run favours decay; a long one lets a fixed rate "
          "reach near-zero training loss too).")
    return histories


def plot_schedules(args, histories):
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.5))
    epochs = np.arange(1, args.epochs + 1)
    for name, h in histories.items():
        axes[0].step(epochs, h["lr"], where="post", label=name)
        axes[1].plot(epochs, h["train loss"], label=name)
        axes[2].plot(epochs, h["validation loss"], label=name)
    axes[0].set(xlabel="epoch", ylabel="learning rate", title="the lr used in each epoch")
    axes[1].set(xlabel="epoch", ylabel="cross-entropy", yscale="log", title="training loss")
    axes[2].set(xlabel="epoch", ylabel="cross-entropy", title="validation loss")
    for ax in axes:
        ax.legend(fontsize=8)
    common.save_figure(fig, args, "11_schedules.png")


def main():
    args = common.parse_args(common.lesson_parser(__doc__, epochs=30, quick_epochs=8))
    X, y = least_squares_data(args.seed)
    w_best = np.linalg.lstsq(X.astype(np.float64), y[:, 0], rcond=None)[0]
    eigenvalues = np.linalg.eigvalsh(X.T.astype(np.float64) @ X / len(y))
    lr = GD_LR_TIMES_LMAX / eigenvalues.max()
    print(f"Hessian eigenvalues {eigenvalues.round(4)}: condition number "
          f"{eigenvalues.max() / eigenvalues.min():.0f}; γ = 0.9/λ_max = {lr:.3f}")
    paths, gaps = compare_optimizers(args, X, y, w_best, lr)
    formulas_agree, uncorrected_ratio = check_update_formulas(args, X, y, lr)
    ascent, ascent_growth = gradient_ascent(args, X, y, lr)
    plot_trajectories(args, X, y, w_best, paths, ascent)
    gradient_is_not_a_directional_derivative(args, X, y)
    reinit = reinitialising_loop(args, X, y, lr)
    adam_keeps_its_learning_rate(args, X, y)
    floor = noise_floor(args, X, y, w_best, lr)
    histories = compare_schedules(args)
    plot_schedules(args, histories)
    accuracies = " ".join(f"{name.replace(' → ', '_').replace(' ', '_')}={h['train loss'][-1]:.3f}/"
                          f"{h['test accuracy']:.4f}" for name, h in histories.items())
    common.print_result(
        f"L-L* after {STEPS} steps: GD={gaps['gradient descent']:.2e} "
        f"SGD={gaps[f'mini-batch SGD ({BATCH})']:.2e} momentum={gaps[f'momentum {MOMENTUM}']:.2e} "
        f"Adam={gaps[f'Adam (γ = {ADAM_LR})']:.2e}; formulas {'agree' if formulas_agree else 'DIFFER'}; "
        f"Adam uncorrected first step={uncorrected_ratio:.2f}xγ; ascent loss x{ascent_growth:.0f}; "
        f"reinit loss={reinit['as written']:.3f} vs {reinit['init once']:.3f}; "
        f"SGD L-L* fixed={floor['fixed']:.1e} linear={floor['linear decay']:.1e} "
        f"cosine={floor['cosine']:.1e}; "
        f"digits train loss/test accuracy {accuracies}"
    )


if __name__ == "__main__":
    main()
