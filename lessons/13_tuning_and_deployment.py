"""Lesson 13: choosing hyper-parameters on validation data, then shipping the model.

    python -m lessons.13_tuning_and_deployment [--quick] [--device cpu|cuda] [--epochs N]

HYPER-PARAMETERS (seed 004 §4.2.3) are the choices training does not make for itself: here the
learning rate α of Adam and the dropout rate p of an MLP on the 8×8 digits
(64 → 128 → ReLU → Dropout(p) → 10). Training fits the weights for one choice; a search tries
a budget of choices, scores each trained model on the VALIDATION split, and keeps the best.
The test split is touched once, at the end, to report the chosen model: a number that picked
the winner is optimistic (the max of noisy scores is biased upward).

THE SEARCH SPACE. α acts by orders of magnitude (1e-4 and 1e-3 differ as much as 1e-2 and 1e-1),
so it is searched on a log scale, u₁ = (log₁₀ α + 4)/4 ∈ [0, 1] for α ∈ [1e-4, 1]; p on a
linear one, u₂ = (p − 0.1)/0.4 for p ∈ [0.1, 0.5]. Each method gets the same budget of
trainings:
  grid search     every combination of n values per knob (n² trainings), cell centres;
  random search   the same number of points drawn uniformly in the unit square: n² distinct
                  values of each knob where the grid has n (Bergstra & Bengio, 2012);
  Bayesian        a few random points (random search's first ones, same seed), then each next
  optimisation    point where a Gaussian process model of the score expects the most improvement.

THE GAUSSIAN PROCESS (written below in numpy). Scores y (standardised) at points X are modelled
as jointly Gaussian with covariance given by the RBF kernel
    k(u, u') = exp(−|u − u'|² / 2ℓ²),   K = k(X, X) + σ_n² I   (σ_n²: noise of a score).
Conditioning on the observed y gives, at a new point u*, with k* = k(X, u*),
    μ(u*) = k*ᵀ K⁻¹ y,    σ²(u*) = k(u*, u*) − k*ᵀ K⁻¹ k*,
computed with the Cholesky factor K = LLᵀ. The length scale ℓ is the one (of a few) that
maximises the log marginal likelihood −½ yᵀK⁻¹y − Σ log L_ii − (n/2) log 2π.
EXPECTED IMPROVEMENT over the best score so far f⁺ (ξ: a small margin that favours exploring):
    z = (μ − f⁺ − ξ) / σ,    EI = (μ − f⁺ − ξ) Φ(z) + σ φ(z),
large where the mean is high (exploit) or the uncertainty is large (explore); 0 where σ = 0.

DEPLOYMENT (seed 004 §5.1.1.2): load the model, preprocess the input, predict, output. Here the
inputs are standardised per pixel, x' = (x − mean)/std, with mean and std of the TRAINING
images; those two arrays are part of the model and are saved beside its weights in one .npz
(mg.save). `load_for_deployment` builds a fresh network and knows nothing of training; `predict`
applies the stored scaling, puts the model in eval mode (dropout off) and runs under
mg.no_grad() (no graph kept). Below: what each forgotten step costs.

WHAT THE COURSE GETS WRONG (seed 004; §4.2.3 and §5.1.1 appear twice, an outline and a detailed
chapter; run or shown below):
  * §4.2.3.2's objective returns `model.evaluate(test_set)`: it tunes on the TEST set, so the
    reported best is the max of noisy test scores. Right: score on a validation split, test once.
  * §4.2.3.2 searches learning_rate in (1e-5, 1e-2) on a linear scale (bayes_opt draws
    uniformly): 90% of the draws land in [1e-3, 1e-2], under 1% below 1e-4. Right: search
    log₁₀ α.
  * §4.2.3.2 `def optimize_performance(params)` takes one dict, but BayesianOptimization calls
    f(**params), with keywords: as written it raises TypeError. And batch_size (16, 128) is a
    continuous range, so it proposes batch sizes such as 37.6: it must be rounded.
  * §4.2.3.2 `model.train(dataset, **params)` trains one and the same model in every trial, so
    each trial starts from the last one's weights; every setting needs a fresh model.
  * §4.2.3.2 `init_points=2, n_iter=3`: 5 trainings for 3 knobs, too few for a GP to model the
    score; the lesson's curves show what 5 of the budget buys.
  * §4.2.3 (both places) tunes "模型参数" (model parameters): those are the weights that training
    fits; tuning adjusts HYPER-parameters (超参数).
  * §5.1.1 (outline) lists the flow as load → predict → output, with no preprocessing; §5.1.1.2
    says prediction "通常需要" (usually needs) preprocessing. It always does, and it must be the
    training preprocessing with the training statistics. Neither mentions eval mode or no_grad:
    with dropout left on, predictions are random and worse.
WHAT IT GETS RIGHT: §4.2.3.1's grid search (every combination of a predefined set, keep the best)
and §5.1.1.2's diagram, load → preprocess → predict → output, in that order.
"""

import math
import time

import matplotlib.pyplot as plt
import numpy as np

import minigrad as mg
from datasets.digits import digits_split
from lessons import common
from lessons.digits_cnn import train_epoch, train_loader
from minigrad import metrics, nn, optim
from minigrad.data.split import split_indices

HIDDEN, BATCH_SIZE, VALIDATION_FRACTION = 128, 128, 0.2
LOG_LR_RANGE, DROPOUT_RANGE = (-4.0, 0.0), (0.1, 0.5)
GRID_SIDE, QUICK_GRID_SIDE = 3, 2  # budget: side² trainings per method
BAYES_INITIAL, QUICK_BAYES_INITIAL = 3, 2  # random points before the GP takes over
LENGTH_SCALES = (0.1, 0.2, 0.3, 0.5, 1.0)  # candidates for ℓ, chosen by marginal likelihood
NOISE_VARIANCE = 1e-2  # σ_n² of a standardised validation score
EI_MARGIN = 0.01  # ξ
CANDIDATES = 41  # EI is maximised over a 41 × 41 grid of the unit square
PIXELS = 64


# ---------------------------------------------------------------------------- the data

def raw_digits():
    """(x_dev, y_dev), (x_test, y_test): the stored ink counts 0..16, flattened to 64 pixels,
    as they would arrive in deployment; the same split as lesson 03."""
    (x_dev, y_dev), (x_test, y_test) = digits_split(test_fraction=0.2, seed=0, return_float=False)
    return (x_dev.reshape(-1, PIXELS), y_dev), (x_test.reshape(-1, PIXELS), y_test)


def fit_scaling(raw_train):
    """The preprocessing's statistics, from the training images only. Pixels that are always 0
    (the corners) get std 1, so they stay 0 instead of dividing by zero."""
    x = raw_train.astype(np.float32)
    std = x.std(axis=0)
    return {"mean": x.mean(axis=0), "std": np.where(std > 0, std, 1.0).astype(np.float32)}


def preprocess(raw, scaling):
    return ((raw.reshape(-1, PIXELS).astype(np.float32) - scaling["mean"]) / scaling["std"])


# ---------------------------------------------------------------------------- one training

def mlp(dropout):
    return nn.Sequential(nn.Linear(PIXELS, HIDDEN), nn.ReLU(), nn.Dropout(dropout),
                         nn.Linear(HIDDEN, 10))


def settings_of(u):
    """A point of the unit square → (learning rate, dropout rate)."""
    low, high = LOG_LR_RANGE
    lr = 10 ** (low + u[0] * (high - low))
    return lr, DROPOUT_RANGE[0] + u[1] * (DROPOUT_RANGE[1] - DROPOUT_RANGE[0])


def train_mlp(x, y, lr, dropout, args):
    """A FRESH model for every setting (seed 004 §4.2.3.2 reuses one), same seed for all."""
    mg.manual_seed(args.seed)
    model = mlp(dropout).to(args.device)
    optimizer = optim.Adam(model.parameters(), lr=lr)
    loader = train_loader(x, y, BATCH_SIZE, seed=args.seed, device=args.device)
    for epoch in range(args.epochs):
        train_epoch(model, loader, optimizer, epoch=epoch)
    return model


def accuracy(model, x, y, device):
    model.eval()
    with mg.no_grad():
        logits = model(mg.tensor(x, device=device)).numpy()
    return metrics.accuracy(logits, y)


def trial_runner(data, args):
    """score(u) for the searches: train at u, return the VALIDATION accuracy. Every trial is
    also kept in `trials`; its test accuracy is recorded only to show the course's error
    (choosing by it), and no choice below reads it."""
    trials = []

    def score(u, method):
        lr, dropout = settings_of(u)
        model = train_mlp(*data["train"], lr, dropout, args)
        trial = {"method": method, "u": np.array(u), "lr": lr, "dropout": dropout,
                 "validation": accuracy(model, *data["validation"], args.device),
                 "test": accuracy(model, *data["test"], args.device),
                 "model": model}
        trials.append(trial)
        print(f"  {method:<8} α = {lr:8.2e}  p = {dropout:.2f}  "
              f"validation accuracy {trial['validation']:.4f}")
        return trial["validation"]

    return score, trials


# ---------------------------------------------------------------------------- three searches

def grid_points(side):
    centres = (np.arange(side) + 0.5) / side
    return [np.array([a, b]) for a in centres for b in centres]


def grid_search(score, side, rng):
    return [score(u, "grid") for u in grid_points(side)]


def random_search(score, side, rng):
    return [score(u, "random") for u in rng.random((side * side, 2))]


def rbf(a, b, length):
    squared = np.sum((a[:, None, :] - b[None, :, :]) ** 2, axis=-1)
    return np.exp(-squared / (2 * length ** 2))


def gp_posterior(x, y, x_new, length, noise=NOISE_VARIANCE):
    """(μ, σ, log marginal likelihood) of a zero-mean GP with an RBF kernel (unit variance)
    fitted to (x, y), at the points x_new."""
    k = rbf(x, x, length) + noise * np.eye(len(x))
    lower = np.linalg.cholesky(k)
    alpha = np.linalg.solve(lower.T, np.linalg.solve(lower, y))
    k_new = rbf(x, x_new, length)
    mean = k_new.T @ alpha
    v = np.linalg.solve(lower, k_new)
    variance = np.clip(1.0 - np.sum(v ** 2, axis=0), 1e-12, None)
    log_likelihood = -0.5 * y @ alpha - np.sum(np.log(np.diag(lower))) \
        - 0.5 * len(x) * np.log(2 * np.pi)
    return mean, np.sqrt(variance), log_likelihood


def expected_improvement(mean, sigma, best, margin=0.0):
    """EI = (μ − f⁺ − ξ) Φ(z) + σ φ(z), z = (μ − f⁺ − ξ)/σ."""
    gain = mean - best - margin
    z = gain / sigma
    cdf = 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2)))
    pdf = np.exp(-0.5 * z ** 2) / math.sqrt(2 * math.pi)
    return gain * cdf + sigma * pdf


def fitted_gp(points, scores, x_new):
    """The GP posterior at x_new, on standardised scores, with the most likely length scale."""
    y = np.asarray(scores)
    centre, spread = y.mean(), (y.std() if y.std() > 0 else 1.0)
    fits = [gp_posterior(np.array(points), (y - centre) / spread, x_new, ℓ) for ℓ in LENGTH_SCALES]
    mean, sigma, _ = max(fits, key=lambda fit: fit[2])
    return mean, sigma, (np.max(y) - centre) / spread


def bayesian_optimisation(score, side, rng, initial):
    candidates = np.array(grid_points(CANDIDATES))
    points = list(rng.random((initial, 2)))
    scores = [score(u, "bayes") for u in points]
    while len(scores) < side * side:
        mean, sigma, best = fitted_gp(points, scores, candidates)
        u = candidates[np.argmax(expected_improvement(mean, sigma, best, EI_MARGIN))]
        points.append(u)
        scores.append(score(u, "bayes"))
    return scores


def search(args, data):
    side = QUICK_GRID_SIDE if args.quick else GRID_SIDE
    initial = QUICK_BAYES_INITIAL if args.quick else BAYES_INITIAL
    common.heading(f"hyper-parameter search (seed 004 §4.2.3): {side * side} trainings per "
                   f"method, {args.epochs} epochs each, scored on validation, on {args.device}")
    score, trials = trial_runner(data, args)
    curves = {}
    start = time.perf_counter()
    for name, method in (("grid", grid_search), ("random", random_search),
                         ("bayes", lambda s, n, r: bayesian_optimisation(s, n, r, initial))):
        curves[name] = np.maximum.accumulate(method(score, side, np.random.default_rng(args.seed)))
    print(f"{len(trials)} trainings in {time.perf_counter() - start:.1f} s")
    for name, curve in curves.items():
        print(f"  best validation accuracy, {name:<6}: {curve[-1]:.4f}  "
              f"(after 5 trainings: {curve[min(4, len(curve) - 1)]:.4f})")
    return trials, curves


def plot_search(args, trials, curves):
    fig, axes = plt.subplots(1, 4, figsize=(18, 4))
    for name, curve in curves.items():
        axes[0].plot(np.arange(1, len(curve) + 1), curve, marker="o", label=name)
    axes[0].set(xlabel="trainings so far", ylabel="best validation accuracy",
                title="best so far, same budget")
    axes[0].legend()
    for ax, name in zip(axes[1:], curves):
        own = [t for t in trials if t["method"] == name]
        shown = ax.scatter([np.log10(t["lr"]) for t in own], [t["dropout"] for t in own],
                           c=[t["validation"] for t in own], cmap="viridis", vmin=0, vmax=1)
        for order, t in enumerate(own, start=1):
            ax.annotate(str(order), (np.log10(t["lr"]), t["dropout"]), fontsize=8,
                        xytext=(4, 4), textcoords="offset points")
        ax.set(xlim=LOG_LR_RANGE, ylim=DROPOUT_RANGE, xlabel="log₁₀ learning rate",
               title=f"where {name} sampled (in order)")
    axes[1].set_ylabel("dropout rate")
    fig.colorbar(shown, ax=axes[1:], label="validation accuracy")
    common.save_figure(fig, args, "13_search.png")


# ---------------------------------------------------------------------------- deployment

def save_for_deployment(model, scaling, dropout, path):
    """Everything prediction needs, in one file: weights, the preprocessing's statistics and
    what it takes to rebuild the network."""
    mg.save({"state_dict": model.state_dict(), "scaling": scaling, "dropout": dropout}, path)


def load_for_deployment(path, device):
    """Seed 004 §5.1.1.2 step 1, 模型加载: a fresh network, the saved weights, eval mode."""
    saved = mg.load(path)
    model = mlp(saved["dropout"]).to(device)
    model.load_state_dict(saved["state_dict"])
    model.eval()
    scaling = {name: np.asarray(value) for name, value in saved["scaling"].items()}
    return model, scaling


def predict(model, scaling, raw_images, device):
    """Steps 2 and 3, 输入预处理 and 模型预测: (predicted digits, their probabilities)."""
    with mg.no_grad():
        logits = model(mg.tensor(preprocess(raw_images, scaling), device=device))
        probs = logits.softmax(dim=1).numpy()
    return probs.argmax(axis=1), probs.max(axis=1)


def deploy(args, chosen, scaling, raw_test, y_test):
    common.heading("deployment (seed 004 §5.1.1.2): save, load fresh, preprocess, predict")
    path = args.out / "13_digits_mlp.npz"
    save_for_deployment(chosen["model"], scaling, chosen["dropout"], path)
    model, loaded_scaling = load_for_deployment(path, args.device)
    predicted, confidence = predict(model, loaded_scaling, raw_test, args.device)
    for k in range(5):  # step 4, 结果输出
        print(f"  image {k}: predicted {predicted[k]} (p = {confidence[k]:.3f}), "
              f"true {y_test[k]}")
    trained = chosen["model"]
    trained.eval()
    with mg.no_grad():
        trained_logits = trained(mg.tensor(preprocess(raw_test, scaling), device=args.device))
    same = bool(np.array_equal(trained_logits.numpy().argmax(axis=1), predicted))
    test_accuracy = metrics.accuracy(predicted, y_test)
    print(f"saved to {path}; the loaded model predicts the same digits as the trained one: "
          f"{same}")
    print(f"TEST accuracy of the chosen setting, measured once: {test_accuracy:.4f}")
    return model, loaded_scaling, test_accuracy, same


def skipped_steps(args, model, scaling, raw_test, y_test):
    """What goes wrong when a deployment step is skipped, each on the same raw test images."""
    common.heading("deployment with one step skipped")
    model.train()  # dropout on: each forward pass drops different units
    first, _ = predict(model, scaling, raw_test, args.device)
    second, _ = predict(model, scaling, raw_test, args.device)
    model.eval()
    no_scaling = {"mean": np.zeros(PIXELS, np.float32), "std": np.ones(PIXELS, np.float32)}
    over_16 = {"mean": np.zeros(PIXELS, np.float32), "std": np.full(PIXELS, 16, np.float32)}
    results = {
        "forgot eval mode (dropout on)": metrics.accuracy(first, y_test),
        "no preprocessing (raw counts 0..16)": metrics.accuracy(
            predict(model, no_scaling, raw_test, args.device)[0], y_test),
        "other scaling (pixel / 16, lesson 03's)": metrics.accuracy(
            predict(model, over_16, raw_test, args.device)[0], y_test),
    }
    for name, value in results.items():
        print(f"  {name:<42} test accuracy {value:.4f}")
    disagree = float(np.mean(first != second))
    print(f"  in train mode two predictions of the same images differ on {disagree:.1%} of them")
    with_graph = model(mg.tensor(preprocess(raw_test[:1], scaling), device=args.device))
    print(f"  without mg.no_grad() the output keeps its graph: requires_grad = "
          f"{with_graph.requires_grad} (memory for a backward that never comes)")
    return results


# ---------------------------------------------------------------------------- the course's code

def course_errors(args, trials, chosen, test_accuracy):
    common.heading("seed 004 §4.2.3.2's pseudo-code, run")
    errors = []
    by_test = max(trials, key=lambda t: t["test"])
    print(f"1. `performance = model.evaluate(test_set)`: choosing by test accuracy reports "
          f"{by_test['test']:.4f} (α = {by_test['lr']:.2e}); chosen by "
          f"validation, the test accuracy is {test_accuracy:.4f}. The max of {len(trials)} "
          "noisy test scores can only be ≥ the honest one: it is optimistic by construction.")
    errors.append("tunes on the test set")

    draws = np.random.default_rng(args.seed).uniform(1e-5, 1e-2, 100_000)
    linear_below = float(np.mean(draws < 1e-4))
    linear_top = float(np.mean(draws >= 1e-3))
    print(f"2. learning_rate (1e-5, 1e-2) drawn linearly: {linear_top:.1%} of draws ≥ 1e-3, "
          f"{linear_below:.2%} < 1e-4 (on a log scale: 33.3% per decade). A 3-point linear grid "
          f"is {', '.join(f'{v:.2e}' for v in np.linspace(1e-5, 1e-2, 3))}: no 1e-4, no 1e-3.")
    errors.append("linear learning-rate scale")

    def optimize_performance(params):  # the course's signature
        return params["learning_rate"]

    try:  # how bayes_opt calls its target
        optimize_performance(learning_rate=1e-3, batch_size=32.0, dropout_rate=0.2)
        print("3. the objective accepted keyword arguments")
    except TypeError as error:
        print(f"3. BayesianOptimization calls f(**params); the course's f(params) raises "
              f"TypeError: {error}")
        errors.append("objective signature")
    batch = np.random.default_rng(args.seed).uniform(16, 128)
    print(f"   batch_size (16, 128) is continuous: a proposed batch size is {batch:.2f}")
    errors.append("continuous batch size")
    print("4. `model.train(dataset, **params)` continues one model in every trial; here each "
          "trial builds a fresh model (train_mlp).")
    errors.append("one model reused across trials")
    print(f"chosen by validation: α = {chosen['lr']:.2e}, dropout {chosen['dropout']:.2f}")
    return errors


def main():
    args = common.parse_args(common.lesson_parser(__doc__, epochs=8, quick_epochs=2))
    (raw_dev, y_dev), (raw_test, y_test) = raw_digits()
    train, validation = split_indices(len(y_dev), [1 - VALIDATION_FRACTION, VALIDATION_FRACTION],
                                      generator=args.seed, stratify=y_dev)
    scaling = fit_scaling(raw_dev[train])
    data = {"train": (preprocess(raw_dev[train], scaling), y_dev[train]),
            "validation": (preprocess(raw_dev[validation], scaling), y_dev[validation]),
            "test": (preprocess(raw_test, scaling), y_test)}
    trials, curves = search(args, data)
    plot_search(args, trials, curves)
    chosen = max(trials, key=lambda t: t["validation"])
    model, loaded_scaling, test_accuracy, same = deploy(args, chosen, scaling, raw_test, y_test)
    skipped = skipped_steps(args, model, loaded_scaling, raw_test, y_test)
    errors = course_errors(args, trials, chosen, test_accuracy)
    best = " ".join(f"{name}={curve[-1]:.4f}" for name, curve in curves.items())
    common.print_result(
        f"best validation {best} chosen lr={chosen['lr']:.2e} dropout={chosen['dropout']:.2f} "
        f"test accuracy={test_accuracy:.4f} loaded==trained={same} "
        f"dropout-on={skipped['forgot eval mode (dropout on)']:.4f} "
        f"unscaled={skipped['no preprocessing (raw counts 0..16)']:.4f} "
        f"course errors={len(errors)}"
    )


if __name__ == "__main__":
    main()
