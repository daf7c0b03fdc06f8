"""Lesson 01: linear regression by gradient descent, and the course's sign slips.

    python -m lessons.01_linear_regression [--quick] [--device cpu|cuda] [--epochs N]

THE MODEL. A line through the data, ŷ = w·x + b, scored by the sum of squared errors

    SSE(w, b) = Σᵢ eᵢ²,   eᵢ = w·xᵢ + b − yᵢ.

THE GRADIENT, by the chain rule on one term (d(e²)/de = 2e, ∂e/∂w = x, ∂e/∂b = 1):

    ∂SSE/∂w = Σᵢ 2·eᵢ·xᵢ        ∂SSE/∂b = Σᵢ 2·eᵢ

Gradient DESCENT steps against it, w ← w − α·∂SSE/∂w (α is the learning rate); per-sample
(stochastic) gradient descent takes one such step for each sample's own term eᵢ². Here
minigrad computes the gradient: build the loss from tensors with requires_grad=True, call
loss.backward(), read w.grad.

THE ANSWER it should reach is known in closed form. Setting both derivatives to zero gives the
normal equations AᵀA·[w, b] = Aᵀy with A = [x 1]; for Data A below, w = 0.69697, b = 1.86667.

WHERE THE COURSE IS WRONG (seed 000 "AI大模型应用的技术培训与认证", seed 003 the "技术白皮书"):
  * seed 000 §4.2.3 writes "∇_w SSE = 2x(w'x + b − y)x": one x too many. The per-sample
    gradient is 2x(wx + b − y), as autograd and finite differences both say below.
  * seed 000 §4.3 loops `error = y[i] - y_pred; dw = 2 * x[i] * error; w = w - learning_rate*dw`.
    With error = y − ŷ, 2·x·error is MINUS the gradient, so the update climbs the loss:
    gradient ascent. Run as written, the error grows every epoch.
  * seed 003 §5.2 calls its model linear regression but its forward pass is
    `y_pred = 1 / (1 + np.exp(-z))`: a sigmoid, whose output never leaves (0, 1), so it cannot
    fit y = 2x (which reaches 2). Its `dz = (y - y_pred) * y_pred * (1 - y_pred)` has the same
    sign slip, and `w1 -= learning_rate * dw1` climbs again.

TWO THINGS THE COURSE DOES NOT SAY about per-sample descent, both measured below:
  * With a constant α it never settles on the least-squares line: every step pulls toward
    the line through the current sample alone, so the iterate circles the answer at a
    distance that grows with α. A shrinking step, α_t = α₀ / (1 + t/τ), lets it settle.
  * x = 1..10 make the problem badly conditioned: the loss curves ~190× more steeply in its
    steepest direction (mostly w) than in its flattest (mostly b); α must suit the steep one,
    so progress along the flat one crawls.
    Standardising, x' = (x − mean)/std, makes both directions equally curved; the line in
    the original units is then w = w'/std, b = b' − w'·mean/std.
"""

import matplotlib.pyplot as plt
import numpy as np

import minigrad as mg
from lessons import common
from minigrad.random import generator

# Data A: seed 000 §4.3.
X_A = np.arange(1.0, 11.0)
Y_A = np.array([2.0, 4.0, 5.0, 4.0, 5.0, 6.0, 7.0, 6.0, 8.0, 10.0])

RAW_LR = 0.002  # stable needs α < 2/(2·(10² + 1)) ≈ 0.01; a larger α circles further out
STANDARDISED_LR = 0.01
DECAY_EPOCHS = 20  # τ in α_t = α₀ / (1 + t/τ)

# Data B: seed 003 §5.2.
B_POINTS, B_LR, B_ITERATIONS = 100, 0.01, 1000
SIGMOID_LR, SIGMOID_ITERATIONS = 1.0, 5000  # enough to show the sigmoid model at its best


def np_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def closed_form(x, y):
    """The least-squares line, from the normal equations (numpy's lstsq solves them stably)."""
    design = np.stack([x, np.ones_like(x)], axis=1)
    (w, b), *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(w), float(b)


def course_loop_as_written(x, y, w, b, learning_rate, epochs):
    """Seed 000 §4.3's loop, copied line for line in plain Python; the SSE after each epoch."""
    sse_per_epoch = []
    for _ in range(epochs):
        for i in range(len(x)):
            y_pred = w * x[i] + b
            error = y[i] - y_pred
            dw = 2 * x[i] * error
            db = 2 * error
            w = w - learning_rate * dw
            b = b - learning_rate * db
        sse_per_epoch.append(float(np.sum((w * x + b - y) ** 2)))
    return sse_per_epoch


def check_gradient_formulas(x, y, w, b):
    """Each sample's ∂(eᵢ²)/∂w and ∂(eᵢ²)/∂b by finite differences, against autograd and the
    course's formulas. The derivative in w is taken for all samples at once by giving each
    sample its own copy of w (so the loss is elementwise in that copy)."""
    xt, yt = (mg.tensor(v, dtype=mg.float64, device="cpu") for v in (x, y))

    def sample_losses_in_w(w_copies):
        return (w_copies * xt + b - yt) ** 2

    def sample_losses_in_b(b_copies):
        return (w * xt + b_copies - yt) ** 2

    at_w, at_b = np.full_like(x, w), np.full_like(x, b)
    d_dw = common.central_difference(sample_losses_in_w, at_w)
    d_db = common.central_difference(sample_losses_in_b, at_b)
    residual, course_error = w * x + b - y, y - (w * x + b)
    print(f"at w = {w:.4f}, b = {b:.4f}, each of the {len(x)} samples, against finite differences:")
    autograd_dw = common.autograd_derivative(sample_losses_in_w, at_w)
    autograd_db = common.autograd_derivative(sample_losses_in_b, at_b)
    common.check("minigrad autograd ∂/∂w", autograd_dw, d_dw)
    common.check("minigrad autograd ∂/∂b", autograd_db, d_db)
    common.check("right: ∂/∂w = 2x(wx + b − y)", 2 * x * residual, d_dw)
    common.check("right: ∂/∂b = 2(wx + b − y)", 2 * residual, d_db)
    common.check("seed 000 §4.2.3: ∇w SSE = 2x(w'x + b − y)x", 2 * x * residual * x, d_dw)
    common.check("seed 000 §4.2.3: ∇b SSE = 2(wx + b − y)", 2 * residual, d_db)
    common.check("seed 000 §4.3 loop: dw = 2*x*(y - y_pred)", 2 * x * course_error, d_dw)
    common.check("seed 000 §4.3 loop: db = 2*(y - y_pred)", 2 * course_error, d_db)


def per_sample_descent(x, y, start, learning_rate, epochs, device):
    """Seed 000 §4.3's loop with the sign fixed: for each sample, the loss (w·xᵢ + b − yᵢ)²,
    its gradient by backward(), a step against it. `learning_rate(epoch)` gives α.
    Returns the (w, b) reached after each epoch."""
    xs = mg.tensor(x, dtype=mg.float32, device=device)
    ys = mg.tensor(y, dtype=mg.float32, device=device)
    w, b = (mg.tensor(value, requires_grad=True, device=device) for value in start)
    path = []
    for epoch in range(epochs):
        step = learning_rate(epoch)
        for i in range(len(x)):
            loss = (w * xs[i] + b - ys[i]) ** 2
            loss.backward()
            common.gradient_step([w, b], step)
        path.append((w.item(), b.item()))
    return np.array(path)


def descend_standardised(x, y, start, learning_rate, epochs, device):
    """Per-sample descent on x' = (x − mean)/std, with the path mapped back to x's units."""
    mean, std = float(x.mean()), float(x.std())
    path = per_sample_descent((x - mean) / std, y, start, learning_rate, epochs, device)
    w = path[:, 0] / std
    return np.stack([w, path[:, 1] - w * mean], axis=1)


def data_a(args):
    common.heading("Data A (seed 000 §4.3): x = 1..10, y = [2, 4, 5, 4, 5, 6, 7, 6, 8, 10]")
    w_exact, b_exact = closed_form(X_A, Y_A)
    print(f"closed form (normal equations): w = {w_exact:.5f}, b = {b_exact:.5f}")
    start = tuple(float(v) for v in generator().standard_normal(2))  # the course: random_value()

    common.heading("seed 000 §4.3's loop as written: error = y - y_pred, then w = w - lr*dw")
    sse = course_loop_as_written(X_A, Y_A, *start, RAW_LR, epochs=5)
    print(f"SSE after epochs 1..5 at lr {RAW_LR}: " + ", ".join(f"{v:.4g}" for v in sse))
    print("the loss GROWS: with error = y - ŷ, dw is minus the gradient, so this is ascent")

    common.heading("which gradient formula is right? (seed 000 §4.2.3 and §4.3)")
    check_gradient_formulas(X_A, Y_A, *start)

    common.heading(f"per-sample gradient descent, autograd, {args.epochs} epochs, on {args.device}")
    both_fixes = f"standardised x, α = {STANDARDISED_LR}/(1 + t/{DECAY_EPOCHS})"
    runs = {
        f"raw x, constant α = {RAW_LR}": per_sample_descent(
            X_A, Y_A, start, lambda epoch: RAW_LR, args.epochs, args.device
        ),
        f"standardised x, constant α = {STANDARDISED_LR}": descend_standardised(
            X_A, Y_A, start, lambda epoch: STANDARDISED_LR, args.epochs, args.device
        ),
        both_fixes: descend_standardised(
            X_A, Y_A, start, lambda epoch: STANDARDISED_LR / (1 + epoch / DECAY_EPOCHS),
            args.epochs, args.device,
        ),
    }
    distances = {}
    for label, path in runs.items():
        distances[label] = np.max(np.abs(path - [w_exact, b_exact]), axis=1)
        w, b = path[-1]
        print(f"  {label:<42} w = {w:.5f}  b = {b:.5f}  max |Δ| = {distances[label][-1]:.2g}")
    print(f"  {'closed form':<42} w = {w_exact:.5f}  b = {b_exact:.5f}")
    w, b = runs[both_fixes][-1]
    plot_data_a(args, (w, b), distances)
    return (w, b), (w_exact, b_exact)


def plot_data_a(args, fitted, distances):
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.scatter(X_A, Y_A, label="data A")
    left.plot(X_A, fitted[0] * X_A + fitted[1], color="red", label="per-sample descent")
    left.set(xlabel="x", ylabel="y", title="Data A and the fitted line")
    left.legend()
    for label, distance in distances.items():
        right.semilogy(np.arange(1, len(distance) + 1), distance, label=label)
    right.axhline(1e-3, color="gray", linestyle=":", label="1e-3")
    right.set(xlabel="epoch", ylabel="max(|w − w*|, |b − b*|)", title="distance to the closed form")
    right.legend(fontsize=8)
    common.save_figure(fig, args, "01_data_a.png")


def data_b_points(seed):
    """Seed 003 §5.2's data, drawn exactly as it does: numpy's legacy generator seeded with 0."""
    legacy = np.random.RandomState(seed)
    x = legacy.rand(B_POINTS, 1)
    y = 2 * x + legacy.randn(B_POINTS, 1)
    return x[:, 0], y[:, 0]


def line(w, x, b):
    return w * x + b


def sigmoid_of_line(w, x, b):
    return (w * x + b).sigmoid()


def half_mse(predict, w, x, b, y):
    """Seed 003 §5.2's loss, 0.5 · mean((y − ŷ)²)."""
    return 0.5 * ((predict(w, x, b) - y) ** 2).mean()


def full_batch_descent(predict, x, y, learning_rate, iterations, device):
    """Seed 003 §5.2's training loop (all points each step, w1 and b start at 0) with the
    gradient from autograd. Returns w, b and the final loss."""
    xs = mg.tensor(x, dtype=mg.float32, device=device)
    ys = mg.tensor(y, dtype=mg.float32, device=device)
    w, b = (mg.tensor(0.0, requires_grad=True, device=device) for _ in range(2))
    for _ in range(iterations):
        half_mse(predict, w, xs, b, ys).backward()
        common.gradient_step([w, b], learning_rate)
    with mg.no_grad():
        loss = half_mse(predict, w, xs, b, ys).item()
    return w.item(), b.item(), loss


def course_code_as_written(x, y):
    """Seed 003 §5.2's program, line for line (numpy): sigmoid output and the (y - y_pred) sign."""
    x, y = x[:, None], y[:, None]
    w1, b = 0.0, 0.0

    def forward(x):
        return 1 / (1 + np.exp(-(x * w1 + b)))

    def loss(y, y_pred):
        return 0.5 * np.mean((y - y_pred) ** 2)

    first = loss(y, forward(x))
    for _ in range(B_ITERATIONS):
        y_pred = forward(x)
        dz = (y - y_pred) * y_pred * (1 - y_pred)
        w1 -= B_LR * np.mean(dz * x)
        b -= B_LR * np.mean(dz)
    return first, loss(y, forward(x)), (w1, b)


def check_course_sigmoid_gradient(x, y):
    """Seed 003 §5.2's dw1 at its starting point w1 = b = 0, against autograd's."""
    w = mg.tensor(0.0, dtype=mg.float64, requires_grad=True)
    b = mg.tensor(0.0, dtype=mg.float64, requires_grad=True)
    half_mse(sigmoid_of_line, w, mg.tensor(x), b, mg.tensor(y)).backward()
    y_pred = 0.5  # sigmoid(0)
    dz = (y - y_pred) * y_pred * (1 - y_pred)
    common.check("seed 003 §5.2: dw1 = mean((y - y_pred)·σ'·x)", np.mean(dz * x), w.grad.item())
    common.check("seed 003 §5.2: db = mean((y - y_pred)·σ')", np.mean(dz), b.grad.item())


def data_b(args):
    common.heading(f"Data B (seed 003 §5.2): {B_POINTS} points, x ~ U(0,1), y = 2x + N(0,1)")
    x, y = data_b_points(seed=0)  # the course's seed, whatever --seed says: the same 100 points
    w_exact, b_exact = closed_form(x, y)
    exact_loss = 0.5 * float(np.mean((w_exact * x + b_exact - y) ** 2))
    print(f"closed form: w = {w_exact:.5f}, b = {b_exact:.5f}, loss {exact_loss:.4f}")

    common.heading("seed 003 §5.2's program as written: sigmoid output, dz = (y - y_pred)·σ'")
    first, last, course_weights = course_code_as_written(x, y)
    print(f"loss {first:.4f} at the start, {last:.4f} after {B_ITERATIONS} iterations: it climbs")
    check_course_sigmoid_gradient(x, y)

    common.heading(f"the sigmoid model with the right gradient, α = {SIGMOID_LR}, "
                   f"{SIGMOID_ITERATIONS} iterations: its best")
    w_s, b_s, sigmoid_loss = full_batch_descent(
        sigmoid_of_line, x, y, SIGMOID_LR, SIGMOID_ITERATIONS, args.device
    )
    highest = float(np.max(np_sigmoid(w_s * x + b_s)))
    print(f"loss {sigmoid_loss:.4f}, the line's {exact_loss:.4f}. Its highest prediction is "
          f"{highest:.6f}: a sigmoid stays below 1, while y = 2x climbs to 2")

    common.heading(f"the line, with the right gradient, on {args.device}")
    fits = {}
    # the loss curves at most ~1.24 along any direction here, so any α below 2/1.24 is stable
    for learning_rate in (B_LR, 0.5):
        w, b, loss = full_batch_descent(line, x, y, learning_rate, B_ITERATIONS, args.device)
        fits[learning_rate] = (w, b)
        print(f"  α = {learning_rate:<4}  {B_ITERATIONS} iterations: "
              f"w = {w:.5f}, b = {b:.5f}, loss {loss:.4f}")
    print(f"the course's α = {B_LR} is too small a step to arrive in {B_ITERATIONS} iterations")
    plot_data_b(args, x, y, fits, (w_s, b_s), course_weights)


def plot_data_b(args, x, y, fits, sigmoid_weights, course_weights):
    grid = np.linspace(0.0, 1.0, 101)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.scatter(x, y, s=12, color="tab:blue", label="data B")
    ax.plot(grid, 2 * grid, color="gray", linewidth=0.8, label="y = 2x, before the noise")
    for learning_rate, (w, b) in fits.items():
        ax.plot(grid, w * grid + b, label=f"line, α = {learning_rate}, {B_ITERATIONS} iterations")
    w, b = sigmoid_weights
    ax.plot(grid, np_sigmoid(w * grid + b), "--", label="sigmoid, best fit")
    w, b = course_weights
    ax.plot(grid, np_sigmoid(w * grid + b), ":", label="seed 003 §5.2 as written")
    ax.set(xlabel="x", ylabel="y", title="Data B: y = 2x + noise")
    ax.legend(fontsize=8)
    common.save_figure(fig, args, "01_data_b.png")


def main():
    args = common.parse_args(common.lesson_parser(__doc__, epochs=3000, quick_epochs=1500))
    (w, b), (w_exact, b_exact) = data_a(args)
    data_b(args)
    common.print_result(f"w={w:.5f} b={b:.5f} (closed form w={w_exact:.5f} b={b_exact:.5f})")


if __name__ == "__main__":
    main()
