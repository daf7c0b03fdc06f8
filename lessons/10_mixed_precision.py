"""Lesson 10: mixed-precision training: float16 compute, float32 master weights, loss scaling.

    python -m lessons.10_mixed_precision [--quick] [--device cpu|cuda] [--epochs N] [--seed S]

FLOAT16 IS A FLOATING-POINT FORMAT: 16 bits = 1 sign bit s, 5 exponent bits e, 10 mantissa
bits m, and the number they stand for is

    (−1)^s · 2^(e − 15) · (1 + m/1024)      for e = 1 … 30   (normal numbers)
    (−1)^s · 2^(−14)    · (m/1024)          for e = 0        (subnormal numbers)

(e = 31 is inf or NaN). So its largest number is 65504, its smallest normal one 2^−14 ≈ 6.1e−5,
its smallest subnormal one 2^−24 ≈ 6e−8, and near 1 its numbers are 2^−10 ≈ 0.001 apart.
Half the memory and, on GPUs with tensor cores, several times the matmul speed of float32:
that is what mixed precision is for. Its two limits need two remedies
(Micikevicius et al. 2018, "Mixed Precision Training"):

  * RANGE → LOSS SCALING. Gradients below 2^−25 round to 0 in float16. Multiply the loss by S
    (say 2^16) and every gradient is S times larger, back in range; divide by S in float32
    before the update. If S was too large a gradient overflows to inf: skip that step, halve S;
    after `growth_interval` clean steps, double it (minigrad.amp.GradScaler).
  * PRECISION → FLOAT32 MASTER WEIGHTS. w + Δ rounds back to w in float16 when |Δ| is below
    half the spacing of numbers at w (1 + 1e−4 == 1): small updates are lost. Keep a float32
    copy of every weight, apply the updates to it, and copy it into the float16 model after
    each step (minigrad.amp.MasterWeights).
The loss itself (softmax, log) is computed in float32, as PyTorch's autocast does: exp(logits)
would overflow float16 for logits above ~11.

WHERE THE COURSE IS WRONG (seed 004 "AI大模型" tutorial, §4.1.3):
  * It calls mixed precision "同时使用浮点数和整数运算" (using floating-point and INTEGER
    arithmetic at once; in the §4.1.3 overview and again in the detailed §4.1.3), and
    §4.1.3.1 labels FP16 "整数运算（FP16）". FP16 is not integer arithmetic: it is the
    floating-point format above, as the bit patterns printed below show. (Integer formats such
    as int8 belong to quantisation, a different technique.)
  * Its §4.1.3.2 pseudo-code calls `model.half()` once before the loop and `model.float()`
    inside it after `optimizer.step()`. So the one float16 step updates float16 weights (the
    comment says "使用FP32更新参数", update in FP32), and converting them to float32 afterwards
    cannot restore what rounding lost; from the second sample on, `model(sample.half())` feeds
    float16 input to a float32 model (PyTorch stops there with a dtype mismatch). There is no
    loss scaling, and no `optimizer.zero_grad()`, so gradients pile up from sample to sample.

WHAT THIS SMALL MODEL SHOWS (the run prints the numbers): float16's losses are plain in the
counts, but hardly in the accuracy. Without scaling, a large fraction of the logit gradients
flushes to 0 as the loss falls, but they are the tiny ones, a small share of the gradient's
size, so the unscaled run still trains; scaling brings most of them back. Without master
weights, most updates are rounded away once the cosine schedule has made them small, near
the end. How much each remedy matters depends on where a network's gradients lie: deeper
networks with smaller activations push more of them below float16's range.

CONCISELY, WITH THE LIBRARY: PyTorch's recipe is `torch.autocast` + `GradScaler`, and minigrad's
is the same code. The model stays float32 (its weights are the master weights); inside
`with mg.autocast(device):` each op runs in the dtype PyTorch's lists give it (the Linear
layers in float16, the cross-entropy in float32), every cast is an op of the graph, so the
gradients come back to the float32 weights in float32; `GradScaler` scales the loss. The last
section trains the model that way: it computes exactly what the from-scratch run does (the
run prints the largest difference between their final weights: 0).

ON THIS CPU mixed precision does not pay: numpy has no fast float16 matrix multiply (no BLAS
for it), so a float16 step is slower than a float32 one, as measured below. The model is kept
small for that reason. The speed-up needs hardware with float16 units (GPU tensor cores).
"""

import time

import matplotlib.pyplot as plt
import numpy as np
from tqdm import tqdm

import minigrad as mg
import minigrad.nn.functional as F
from lessons import common
from lessons.digits_cnn import accuracy, digit_data, train_loader
from minigrad import nn, optim
from minigrad.amp import GradScaler, MasterWeights
from minigrad.optim.lr_scheduler import CosineAnnealingLR

HIDDEN, BATCH, LR, MOMENTUM = 64, 32, 0.05, 0.9
INIT_SCALE = 2.0**16  # PyTorch's default
GROWTH_INTERVAL = 100  # PyTorch's default is 2000 steps: too long to see S move in this run
PROBE_BATCHES = 4  # batches of training digits on which gradients are compared after each epoch

FP32 = "float32"
MIXED = "float16 + master weights + loss scaling"
NO_SCALING = "float16 + master weights, no loss scaling"
FP16_ONLY = "float16 weights only (no master weights, no scaling)"
VARIANTS = (FP32, MIXED, NO_SCALING, FP16_ONLY)


def half_bits(value):
    """The sign, exponent and mantissa bits of float16(value), as strings."""
    bits = f"{np.float16(value).view(np.uint16):016b}"
    return bits[0], bits[1:6], bits[6:]


def decode(sign, exponent, mantissa):
    """The number that float16 bits stand for, by the formula in the docstring."""
    s, e, m = int(sign, 2), int(exponent, 2), int(mantissa, 2)
    if e == 31:
        return float("nan") if m else (-1.0) ** s * float("inf")
    if e == 0:
        return (-1.0) ** s * 2.0**-14 * (m / 1024)
    return (-1.0) ** s * 2.0 ** (e - 15) * (1 + m / 1024)


def show_the_format():
    common.heading("float16 is a floating-point format: 1 sign, 5 exponent, 10 mantissa bits")
    print(np.finfo(np.float16))
    print(f"{'value':>11}  {'as float16':>15}  s {'exponent':>8}  {'mantissa':>10}  "
          "(−1)^s·2^(e−15)·(1 + m/1024), or 2^−14·m/1024 if e = 0")
    with np.errstate(over="ignore"):  # 70000 overflowing to inf is the point of that row
        for value in (1.0, -1.5, 0.1, 65504.0, 70000.0, 2.0**-14, 2.0**-24, 1e-8):
            sign, exponent, mantissa = half_bits(value)
            stored = float(np.float16(value))
            decoded = decode(sign, exponent, mantissa)
            assert decoded == stored  # the formula reads the bits exactly as numpy stores them
            print(f"{value:>11.6g}  {stored:>15.10g}  {sign} {exponent:>8}  {mantissa:>10}  "
                  f"= {decoded:.10g}")
    print("70000 overflows to inf; 1e-8 is below half the smallest subnormal, so it is 0")


def show_lost_updates():
    common.heading("Precision: small updates to a float16 weight are lost")
    one, tiny = np.float16(1.0), np.float16(1e-4)
    print(f"float16: 1 + 1e-4 = {float(one + tiny)!r}; numbers near 1 are "
          f"{float(np.spacing(one)):.6f} apart, so anything below half that rounds away")
    w16, w32 = np.float16(1.0), np.float32(1.0)
    for _ in range(1000):
        w16, w32 = w16 + np.float16(1e-4), w32 + np.float32(1e-4)
    print(f"1000 updates of +1e-4: float16 weight {float(w16)!r}, float32 weight {float(w32):.5f}")


def make_model(seed, device):
    mg.manual_seed(seed)
    return nn.Sequential(
        nn.Flatten(), nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, HIDDEN), nn.ReLU(),
        nn.Linear(HIDDEN, 10),
    ).to(device)


def loss_of(logits, y):
    """Mean cross-entropy with softmax and log in float32 at least, as PyTorch's autocast does:
    exp(logits) overflows float16 once a logit passes ~11."""
    return F.cross_entropy(logits.float() if logits.dtype == mg.float16 else logits, y)


class Run:
    """One way of training the model: its float16/float32 set-up, optimizer and scaler."""

    def __init__(self, variant, seed, epochs, device):
        self.variant = variant
        self.model = make_model(seed, device)
        self.master = MasterWeights(self.model) if variant in (MIXED, NO_SCALING) else None
        if variant == FP16_ONLY:
            self.model.half()
        trained = self.master.parameters() if self.master else self.model.parameters()
        self.optimizer = optim.SGD(trained, lr=LR, momentum=MOMENTUM)
        self.schedule = CosineAnnealingLR(self.optimizer, T_max=epochs)  # a steady end to compare
        self.scaler = GradScaler(device, init_scale=INIT_SCALE, growth_interval=GROWTH_INTERVAL,
                                 enabled=variant == MIXED)
        self.dtype = mg.float32 if variant == FP32 else mg.float16
        self.history = {"loss": [], "accuracy": [], "scale": [], "skipped": [], "seconds": 0.0,
                        "steps": 0, "lost_updates": []}

    def step(self, x, y):
        """One training step; returns the loss as a float."""
        self.model.zero_grad()
        logits = self.model(x.to(self.dtype))
        loss = loss_of(logits, y)
        watch_updates = self.variant == FP16_ONLY
        before = [p.data.copy() for p in self.model.parameters()] if watch_updates else None
        # float16 overflow in the backward is expected when S is too large: the scaler sees the
        # inf, skips the step and halves S. numpy's warning about it would only be noise.
        with np.errstate(over="ignore", invalid="ignore"):
            self.scaler.scale(loss).backward()
            if self.master:
                self.master.copy_grads_from_model()
            skipped_before = self.scaler.skipped_steps
            self.scaler.step(self.optimizer)
            self.scaler.update()
        if self.master:
            self.master.copy_to_model()
        if watch_updates:
            self.history["lost_updates"].append(lost_update_fraction(self.model, before))
        if self.scaler.skipped_steps > skipped_before:
            self.history["skipped"].append(self.history["steps"])
        self.history["scale"].append(self.scaler.get_scale())
        self.history["steps"] += 1
        return loss.item()


def lost_update_fraction(model, before):
    """Of the weights with a nonzero gradient, the fraction whose float16 value did not move."""
    moved, pushed = 0, 0
    for p, old in zip(model.parameters(), before):
        nonzero = p.grad.data != 0
        pushed += int(nonzero.sum())
        moved += int((nonzero & (p.data != old)).sum())
    return 1.0 - moved / max(pushed, 1)


def gradients(model, x, y, scale):
    """(dL/dlogits, dL/dweights) of `scale` · loss, divided by `scale` afterwards in float64,
    as flat numpy arrays. The loss is put on a copy of the logits so that their gradient can
    be read on the way: it is exactly what the model's backward then starts from."""
    model.zero_grad()
    logits = model(x)
    leaf = logits.detach().requires_grad_()
    # float16 overflow for too large a scale is expected here too (see Run.step)
    with np.errstate(over="ignore", invalid="ignore"):
        (loss_of(leaf, y) * scale).backward()
        logits.backward(leaf.grad)
    weights = [p.grad.numpy().astype(np.float64).ravel() for p in model.parameters()]
    model.zero_grad()
    return leaf.grad.numpy().astype(np.float64).ravel() / scale, np.concatenate(weights) / scale


def flushed(got, true):
    """Of the entries that are nonzero in the float64 gradient `true`, the fraction that are 0
    in `got`, and the share of the gradient's size (Σ|true|) that they carry."""
    lost = (got == 0) & (true != 0)
    entries = lost.sum() / (true != 0).sum()
    return float(entries), float(np.abs(true[lost]).sum() / np.abs(true).sum())


def underflow(run, probe, device):
    """How much of the gradient flushes to 0 in float16 at the mixed run's current weights:
    {1.0: table, S: table} for no scaling and for the scaler's current S. table[0] is for the
    logits' gradient, table[1] for the weights', each (entries, size) as `flushed` gives them,
    averaged over the probe batches. The float64 truth comes from a float64 copy of the model
    holding the same (float16-rounded) weights."""
    reference = make_model(0, device).double()  # its initial weights are overwritten next
    for ref, master in zip(reference.parameters(), run.master.parameters()):
        ref.data[...] = master.data.astype(np.float16)
    tables = {1.0: np.zeros((2, 2)), run.scaler.get_scale(): np.zeros((2, 2))}
    for x, y in probe:
        true_logits, true_weights = gradients(reference, x.double(), y, 1.0)
        for scale, table in tables.items():
            got_logits, got_weights = gradients(run.model, x.half(), y, scale)
            table += [flushed(got_logits, true_logits), flushed(got_weights, true_weights)]
    return {scale: table / len(probe) for scale, table in tables.items()}


def train(variants, data, epochs, seed, device):
    """Train every variant from the same initial weights on the same batches. Returns the runs
    and, after each epoch, the underflow fractions of the mixed run."""
    x_train, y_train, x_test, y_test = data
    runs = {variant: Run(variant, seed, epochs, device) for variant in variants}
    probe = [(x_train[i : i + BATCH], y_train[i : i + BATCH])
             for i in range(0, PROBE_BATCHES * BATCH, BATCH)]
    underflow_per_epoch = []
    for epoch in tqdm(range(epochs), desc="epochs", leave=False, disable=None):
        batches = list(train_loader(x_train, y_train, BATCH, seed=seed * 10_000 + epoch,
                                    device=device))
        for run in runs.values():
            run.model.train()
            start, losses = time.perf_counter(), [run.step(x, y) for x, y in batches]
            run.history["seconds"] += time.perf_counter() - start
            run.history["loss"].append(float(np.mean(losses)))
            run.history["accuracy"].append(accuracy(run.model, x_test.to(run.dtype), y_test))
            run.schedule.step()
        underflow_per_epoch.append(underflow(runs[MIXED], probe, device))
    return runs, underflow_per_epoch


def train_with_autocast(data, epochs, seed, device):
    """The same model, batches and schedule, in PyTorch's AMP recipe: no MasterWeights, no
    float16 copy of the model, no casts by hand. Returns the model, its history and scaler."""
    x_train, y_train, x_test, y_test = data
    model = make_model(seed, device)
    optimizer = optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    schedule = CosineAnnealingLR(optimizer, T_max=epochs)
    scaler = GradScaler(device, init_scale=INIT_SCALE, growth_interval=GROWTH_INTERVAL)
    history = {"loss": [], "seconds": 0.0, "steps": 0}
    for epoch in range(epochs):
        batches = list(train_loader(x_train, y_train, BATCH, seed=seed * 10_000 + epoch,
                                    device=device))
        start, losses = time.perf_counter(), []  # timed as `train` times the other runs
        for x, y in batches:
            optimizer.zero_grad()
            with mg.autocast(device):
                loss = F.cross_entropy(model(x), y)  # Linear in float16, the loss in float32
            with np.errstate(over="ignore", invalid="ignore"):  # as in Run.step
                scaler.scale(loss).backward()
                scaler.step(optimizer)
                scaler.update()
            losses.append(loss.item())
        history["seconds"] += time.perf_counter() - start
        history["steps"] += len(losses)
        history["loss"].append(float(np.mean(losses)))
        schedule.step()
    with mg.autocast(device):
        history["accuracy"] = accuracy(model, x_test, y_test)
    return model, history, scaler


def report_autocast(model, history, scaler, mixed_run):
    mixed = mixed_run.history
    print(f"{'':<54}{'final loss':>11}{'test accuracy':>15}{'ms per step':>13}")
    for name, h, acc in (("from scratch: MasterWeights, scaling by hand", mixed, mixed["accuracy"][-1]),
                         ("with the library: mg.autocast + GradScaler", history,
                          history["accuracy"])):
        print(f"  {name:<52}{h['loss'][-1]:>11.4f}{acc:>15.3f}"
              f"{1000 * h['seconds'] / h['steps']:>13.2f}")
    difference = max(float(np.abs(p.numpy() - master.numpy()).max())
                     for p, master in zip(model.parameters(), mixed_run.master.parameters()))
    print(f"final loss scale {scaler.get_scale():g} (from scratch: {mixed['scale'][-1]:g}); "
          f"largest difference between the two runs' float32 weights: {difference:.3g}")


def report_runs(runs):
    print(f"{'':<54}{'final loss':>11}{'test accuracy':>15}{'ms per step':>13}")
    for variant, run in runs.items():
        history = run.history
        milliseconds = 1000 * history["seconds"] / history["steps"]
        print(f"  {variant:<52}{history['loss'][-1]:>11.4f}{history['accuracy'][-1]:>15.3f}"
              f"{milliseconds:>13.2f}")
    fp32, mixed = (runs[v].history for v in (FP32, MIXED))
    ratio = (mixed["seconds"] / mixed["steps"]) / (fp32["seconds"] / fp32["steps"])
    print(f"a mixed-precision step took {ratio:.1f}× as long as a float32 step on this machine "
          "(numpy's float16 matmul has no BLAS; the fp16-only run also counts its lost updates)")


def report_scale(run):
    history = run.history
    changes = [(step, scale) for step, (previous, scale)
               in enumerate(zip([INIT_SCALE] + history["scale"], history["scale"]))
               if scale != previous]
    print(f"loss scale S: starts at {INIT_SCALE:g}; changes (after step: new S): "
          + (", ".join(f"{step}: {scale:g}" for step, scale in changes) or "none"))
    print(f"overflowing (skipped) steps: {len(history['skipped'])} of {history['steps']}"
          + (f", at steps {history['skipped']}" if history["skipped"] else ""))


def report_underflow(underflow_per_epoch, fp16_only):
    print("gradient entries that are nonzero in float64 but 0 in float16, and their share of the "
          f"gradient's size Σ|g| (probe: {PROBE_BATCHES}×{BATCH} training digits, at the mixed "
          "run's weights):")
    print(f"  {'epoch':>5}  {'S':>8}  {'logit gradients':<30}weight gradients")
    last = len(underflow_per_epoch) - 1
    for epoch in sorted({0, last // 2, last}):
        for scale, table in underflow_per_epoch[epoch].items():
            (logits, logits_size), (weights, weights_size) = table
            print(f"  {epoch + 1:>5}  {scale:>8g}  {logits:>7.2%} (size share {logits_size:.0e})   "
                  f"{weights:>7.2%} (size share {weights_size:.0e})")
    lost = lost_updates_per_epoch(fp16_only)
    print(f"float16 weights only: of the weights with a nonzero gradient, {lost[0]:.1%} did not "
          f"move in a step of epoch 1 (mean over its steps), {lost[-1]:.1%} in the last epoch")


def lost_updates_per_epoch(run):
    fractions = np.array(run.history["lost_updates"])
    return fractions.reshape(len(run.history["loss"]), -1).mean(axis=1)


def plot(args, runs, underflow_per_epoch):
    fig, axes = plt.subplots(2, 2, figsize=(13, 8.5))
    epochs = np.arange(1, args.epochs + 1)
    for variant, run in runs.items():
        axes[0, 0].semilogy(epochs, run.history["loss"], marker=".", label=variant)
        axes[0, 1].plot(epochs, run.history["accuracy"], marker=".", label=variant)
    axes[0, 0].set(xlabel="epoch", ylabel="training loss (mean over the epoch)",
                   title="training curves")
    axes[0, 1].set(xlabel="epoch", ylabel="test accuracy", title="test accuracy")
    for ax in axes[0]:
        ax.legend(fontsize=8)

    mixed = runs[MIXED].history
    axes[1, 0].semilogy(np.arange(1, mixed["steps"] + 1), mixed["scale"], base=2,
                        label="loss scale S after the step")
    skipped = np.array(mixed["skipped"], dtype=int)
    axes[1, 0].scatter(skipped + 1, np.array(mixed["scale"])[skipped] * 2, color="red",
                       marker="x", zorder=3, label="overflow: step skipped, S halved")
    axes[1, 0].set(xlabel="step", ylabel="S", title="dynamic loss scaling (mixed run)")
    axes[1, 0].legend(fontsize=8)

    ax = axes[1, 1]
    unscaled, scaled = zip(*(u.values() for u in underflow_per_epoch))  # S = 1 first
    for k, kind in enumerate(("logit", "weight")):
        ax.plot(epochs, [table[k, 0] for table in unscaled], marker=".", color=f"C{k}",
                label=f"{kind} gradients, S = 1")
        ax.plot(epochs, [table[k, 0] for table in scaled], marker=".", linestyle="--",
                color=f"C{k}", label=f"{kind} gradients, scaled by S")
    ax.plot(epochs, lost_updates_per_epoch(runs[FP16_ONLY]), marker=".", color="C3",
            label="float16 weights only: updates lost")
    ax.yaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
    ax.set(xlabel="epoch", ylabel="fraction of entries",
           title="what float16 loses")
    ax.legend(fontsize=8)
    for ax in (axes[0, 0], axes[0, 1], axes[1, 1]):
        ax.xaxis.set_major_locator(plt.matplotlib.ticker.MaxNLocator(integer=True))
    fig.tight_layout()
    common.save_figure(fig, args, "10_mixed_precision.png")


def main():
    args = common.parse_args(common.lesson_parser(__doc__, epochs=20, quick_epochs=5))
    show_the_format()
    show_lost_updates()
    data = digit_data(args.device)
    common.heading(f"Training an MLP 64-{HIDDEN}-{HIDDEN}-10 on the digits four ways: "
                   f"{args.epochs} epochs, SGD lr {LR} (cosine decay) momentum {MOMENTUM}, "
                   f"batch {BATCH}")
    runs, underflow_per_epoch = train(VARIANTS, data, args.epochs, args.seed, args.device)
    report_runs(runs)
    report_scale(runs[MIXED])
    report_underflow(underflow_per_epoch, runs[FP16_ONLY])
    plot(args, runs, underflow_per_epoch)
    common.heading("Concisely, with the library: mg.autocast + GradScaler on the same model")
    model, library, scaler = train_with_autocast(data, args.epochs, args.seed, args.device)
    report_autocast(model, library, scaler, runs[MIXED])
    fp32, mixed = runs[FP32].history, runs[MIXED].history
    common.print_result(
        f"fp32 acc={fp32['accuracy'][-1]:.3f} fp16+master+scaling acc={mixed['accuracy'][-1]:.3f} "
        f"(skipped steps {len(mixed['skipped'])}, final scale {mixed['scale'][-1]:g}) "
        f"autocast+GradScaler acc={library['accuracy']:.3f}"
    )


if __name__ == "__main__":
    main()
