"""Lesson 08: pruning the course's CNN — how many of its weights can be zero?

    python -m lessons.08_pruning [--quick] [--device cpu|cuda] [--epochs N] [--seed S]

MAGNITUDE PRUNING (seed 004 §4.1.2) assumes that a weight near zero contributes little, and
sets it to exactly zero. A 0/1 mask M says which weights survive; the network computes with

    w' = w ⊙ M,    M_i = 1 if |w_i| ≥ τ else 0,

and SPARSITY is the fraction of zeros in w'. A sparse model stores and (with sparse kernels)
multiplies only the survivors.

WHERE THE THRESHOLD COMES FROM. The document fixes τ = 0.01. Then the sparsity is whatever
the weights' scale makes it: each layer starts at a scale of about 1/√fan-in, so 0.01 thins
the wide dense layer far more than the 3×3 convolutions. More useful is to ask for a sparsity
s and find τ: GLOBAL pruning ranks |w| over all layers together and zeros the smallest
fraction s (`prune.global_unstructured`), so layers whose weights matter less lose more.

KEEPING THE ZEROS. An optimizer step moves every weight that has a gradient, zeros included.
minigrad.prune (like torch.nn.utils.prune) therefore keeps the trainable values in
`weight_orig` and the mask in a buffer `weight_mask`, and recomputes weight = weight_orig ⊙
mask before every forward. By the chain rule ∂L/∂weight_orig = ∂L/∂weight ⊙ M: the pruned
entries get no gradient and stay pruned, however long one trains.

THE DOCUMENT'S TWO WAYS, both run below at sparsities 30% … 98%:
  * fixed pruning ("固定剪枝"): train dense, prune once to the target, fine-tune a few epochs
    with the mask kept, so the survivors make up for the lost weights;
  * sparse training ("稀疏训练", "训练稀疏模型...不涉及参数的提前删除": no weights removed in
    advance): train from the start with the mask on and let the sparsity rise gradually,
    s_t = s·(1 − (1 − t/T)³) at the end of epoch t ≤ T (the cubic schedule of Zhu and Gupta,
    2017: prune fast while there are many redundant weights, slowly near the target).
For comparison, STRUCTURED pruning removes whole output channels / units (smallest L2 norm,
`prune.ln_structured`): a smaller dense network rather than a sparse one, which speeds up
ordinary hardware but costs more accuracy at the same sparsity.

WHAT IT FINDS (default run, seed 0): the dense model's 98.9% survives fixed pruning with 3
epochs of fine-tuning up to 90% sparsity (98.9%), then collapses (95%: 82%; 98%: 25%);
sparse training degrades gently (95%: 96.3%; 98%: 90.7%), its survivors having adapted to
the mask over many epochs rather than 3. Structured pruning stays within a point up to half
of the channels (49% of the weights) and loses 3 points at 70%. The course's τ = 0.01 zeros only 13% of the
weights, far less than the network can spare. One reason so much can go: 78 of the 128
hidden units never fire on these digits (their ReLU input is negative for every image).

WHERE THE COURSE IS WRONG (seed 004 §4.1.2.2's pseudo-code):
  * `weight[abs_weights < threshold] = 0` zeros the small weights once and keeps no mask. The
    zeros get gradients like any weight, so the fine-tuning that fixed pruning prescribes
    brings them back: run below, one epoch revives every zero whose gradient is not exactly
    0 (those that stay are tied to ReLU units that never fire).
  * Keras's `layer.weights` lists each layer's bias with its kernel, so the loop prunes biases
    too; pruning usually leaves them alone (here 0.5% of the parameters). In Keras itself the
    variables take new values through `.assign`, not item assignment.
  * A fixed τ = 0.01 does not set the sparsity: it depends on the weights' scale (measured
    below, per layer).
"""

import matplotlib.pyplot as plt
import numpy as np

import minigrad as mg
from lessons import common
from lessons.digits_cnn import (
    EPOCHS,
    LEARNING_RATE,
    DigitsCNN,
    accuracy,
    adam_with_cosine,
    digit_data,
    fit,
    train_epoch,
    train_loader,
    trained_digits_cnn,
)
from minigrad import nn, prune

QUICK_EPOCHS = 4
SPARSITIES = (0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98)
QUICK_SPARSITIES = (0.5, 0.9)
STRUCTURED_FRACTIONS = (0.3, 0.5, 0.7, 0.9)  # of each layer's output channels / units
THRESHOLD = 0.01  # the document's τ
FINE_TUNE_EPOCHS, QUICK_FINE_TUNE_EPOCHS = 3, 1
FINE_TUNE_LR = LEARNING_RATE / 4  # a trained model needs small steps, not a fresh start
PRUNING_END = 0.6  # sparse training reaches its target after this share of the epochs
ALLOWED_LOSS = 0.01  # "≤ 1 point below the dense model"


def layers(model):
    """The layers with a weight to prune: every Conv2d and Linear (the document's model.layers)."""
    return [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def weight_sparsity(model):
    """The fraction of zeros among the weights (biases, 0.5% of the parameters, not counted)."""
    rows = [row for row in prune.sparsity_report(model) if row[0].endswith("weight")]
    return sum(zeros for _, zeros, _ in rows) / sum(total for _, _, total in rows)


def print_report(model):
    for name, zeros, total in prune.sparsity_report(model):
        print(f"  {name:<22} {zeros:>6} of {total:>6} zero  ({zeros / total:6.1%})")


def copy_of(dense, device):
    model = DigitsCNN().to(device)
    model.load_state_dict(dense.state_dict())
    return model


def fine_tune(model, data, args, epochs):
    """A few epochs of Adam from a small lr, cosine to 0, with whatever masks the model has."""
    x_train, y_train, _, _ = data
    loader = train_loader(x_train, y_train, seed=args.seed, device=args.device)
    optimizer, scheduler = adam_with_cosine(model, epochs, lr=FINE_TUNE_LR)
    fit(model, loader, optimizer, scheduler, epochs, desc="fine-tuning")


def course_pruning_as_written(model, threshold):
    """Seed 004 §4.1.2.2's loop on the raw arrays; Keras's layer.weights is (kernel, bias)."""
    for layer in layers(model):
        for weight in (layer.weight.data, layer.bias.data):
            abs_weights = np.abs(weight)
            weight[abs_weights < threshold] = 0


def count_zeros(model):
    """Zeros stored in the parameters (a pruned tensor's weight_orig keeps its old values)."""
    return sum(int((p.numpy() == 0).sum()) for p in model.parameters())


def count_zeros_in_use(model):
    """Zeros in the weights and biases the model computes with, masks applied."""
    return prune.sparsity_report(model)[-1][1]


def silent_units(model, x):
    """How many of the dense layer's inputs and of its hidden units are 0 for every image in
    x, each as (count, of how many): ReLUs that never fire."""
    with mg.no_grad():
        features = model.features(x).flatten(1)
        hidden = model.classifier[1:3](features)
    never = [int((t.numpy().max(axis=0) == 0).sum()) for t in (features, hidden)]
    return (never[0], features.shape[1]), (never[1], hidden.shape[1])


def the_documents_loop(dense, data, args):
    _, _, x_test, y_test = data
    common.heading(f"seed 004 §4.1.2.2's loop as written: weight[|weight| < {THRESHOLD}] = 0")
    model = copy_of(dense, args.device)
    course_pruning_as_written(model, THRESHOLD)
    zeros = count_zeros(model)
    print(f"{zeros} weights and biases set to zero; test accuracy "
          f"{accuracy(dense, x_test, y_test):.4f} → {accuracy(model, x_test, y_test):.4f}")
    fine_tune(model, data, args, epochs=1)
    kept = count_zeros(model)
    (dead_inputs, inputs), (dead_hidden, hidden) = silent_units(dense, data[0])
    print(f"one epoch of fine-tuning without a mask: {zeros - kept} of them are nonzero again.\n"
          f"The other {kept} had a zero gradient all epoch (Adam moves every weight whose "
          "gradient is ever nonzero);\nalmost all of them feed or read a ReLU that never fires: "
          f"{dead_inputs} of the dense layer's {inputs} inputs and {dead_hidden} of its "
          f"{hidden} hidden units\nare 0 for every training image.")


def the_threshold_with_masks(dense, data, args):
    """The document's τ with masks, biases included as in its loop; (sparsity, accuracy)."""
    _, _, x_test, y_test = data
    common.heading(f"the same threshold with masks: prune.threshold_unstructured(τ={THRESHOLD})")
    model = copy_of(dense, args.device)
    for layer in layers(model):
        for name in ("weight", "bias"):
            prune.threshold_unstructured(layer, name, threshold=THRESHOLD)
    pruned_accuracy = accuracy(model, x_test, y_test)
    print_report(model)
    fine_tune(model, data, args, epochs=1)
    print(f"test accuracy {pruned_accuracy:.4f} pruned, {accuracy(model, x_test, y_test):.4f} "
          f"after one epoch of fine-tuning, with {count_zeros_in_use(model)} zeros still in use")
    return weight_sparsity(model), pruned_accuracy


def fixed_pruning(dense, data, args, sparsity):
    """(accuracy just after pruning, accuracy after fine-tuning, the fine-tuned model)."""
    _, _, x_test, y_test = data
    model = copy_of(dense, args.device)
    prune.global_unstructured([(layer, "weight") for layer in layers(model)], amount=sparsity)
    pruned = accuracy(model, x_test, y_test)
    fine_tune(model, data, args, args.fine_tune_epochs)
    return pruned, accuracy(model, x_test, y_test), model


def structured_pruning(dense, data, args, fraction):
    """Drop `fraction` of the output channels of each conv and of the hidden units (rows of
    the first Linear) by their L2 norm, then fine-tune; (sparsity, accuracy)."""
    _, _, x_test, y_test = data
    model = copy_of(dense, args.device)
    for layer in layers(model)[:-1]:  # not the 10 class outputs
        prune.ln_structured(layer, "weight", amount=fraction, n=2, dim=0)
    fine_tune(model, data, args, args.fine_tune_epochs)
    return weight_sparsity(model), accuracy(model, x_test, y_test)


def cubic_sparsity(target, epoch, end):
    """Zhu and Gupta's s_t = s·(1 − (1 − t/T)³), reaching `target` at epoch `end`."""
    progress = min(epoch / end, 1.0)
    return target * (1 - (1 - progress) ** 3)


def sparse_training(data, args, target):
    """Train from the start with masks, pruning to the cubic schedule after each epoch."""
    x_train, y_train, x_test, y_test = data
    mg.manual_seed(args.seed)  # the dense model's starting weights
    model = DigitsCNN().to(args.device)
    weights = [(layer, "weight") for layer in layers(model)]
    total = sum(layer.weight.data.size for layer in layers(model))
    loader = train_loader(x_train, y_train, seed=args.seed, device=args.device)
    optimizer, scheduler = adam_with_cosine(model, args.epochs)
    end = max(1, round(PRUNING_END * args.epochs))
    for epoch in range(args.epochs):
        train_epoch(model, loader, optimizer, epoch=epoch)
        scheduler.step()
        wanted = round(cubic_sparsity(target, epoch + 1, end) * total)
        zeros = round(weight_sparsity(model) * total)
        prune.global_unstructured(weights, amount=max(wanted - zeros, 0))
    return accuracy(model, x_test, y_test)


def sweep(dense, data, args, sparsities):
    tune = f"{args.fine_tune_epochs} epoch{'s' * (args.fine_tune_epochs != 1)}"
    common.heading(f"global magnitude pruning at each sparsity: fixed pruning (prune the trained "
                   f"model, fine-tune {tune}) and sparse training "
                   f"({args.epochs} epochs, masks on, sparsity rising until epoch "
                   f"{max(1, round(PRUNING_END * args.epochs))})")
    print("sparsity  pruned   fine-tuned  sparse training")
    results = {"pruned, no fine-tuning": [], "fixed pruning + fine-tuning": [], "sparse training": []}
    most_pruned = None
    for sparsity in sparsities:
        pruned, tuned, most_pruned = fixed_pruning(dense, data, args, sparsity)
        trained = sparse_training(data, args, sparsity)
        for key, value in zip(results, (pruned, tuned, trained)):
            results[key].append(value)
        print(f"  {sparsity:>5.0%}   {pruned:.4f}   {tuned:.4f}      {trained:.4f}")
    print(f"per layer at {sparsities[-1]:.0%} (fixed pruning): global ranking thins the layers "
          "unevenly")
    print_report(most_pruned)
    return results


def structured_sweep(dense, data, args, fractions):
    common.heading(f"structured pruning: whole channels/units by L2 norm, fine-tuned "
                   f"{args.fine_tune_epochs} epochs")
    points = [structured_pruning(dense, data, args, fraction) for fraction in fractions]
    for fraction, (sparsity, acc) in zip(fractions, points):
        print(f"  {fraction:.0%} of each layer's channels → {sparsity:.1%} of the weights zero, "
              f"test accuracy {acc:.4f}")
    return points


def best_within(sparsities, accuracies, floor, dense_accuracy):
    """The highest sparsity whose accuracy is ≥ floor, with that accuracy (the dense model,
    at sparsity 0, if no pruned one is)."""
    ok = [(s, a) for s, a in zip(sparsities, accuracies) if a >= floor]
    return max(ok, default=(0.0, dense_accuracy))


def plot(args, dense_accuracy, sparsities, results, structured, threshold_point):
    """Accuracy against sparsity, on the full scale and zoomed in near the dense model."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    for ax, bottom in zip(axes, (0.0, dense_accuracy - 4 * ALLOWED_LOSS)):
        for label, accuracies in results.items():
            ax.plot(sparsities, accuracies, marker="o", label=label)
        if structured:
            ax.plot(*zip(*structured), marker="s", label="structured (channels) + fine-tuning")
        ax.plot(*threshold_point, marker="*", markersize=12, linestyle="none", color="black",
                label=f"the document's τ = {THRESHOLD}")
        ax.axhline(dense_accuracy, color="gray", label=f"dense {dense_accuracy:.4f}")
        ax.axhline(dense_accuracy - ALLOWED_LOSS, color="gray", linestyle=":",
                   label="dense − 1 point")
        ax.set(xlabel="sparsity (zero weights / all weights)", ylabel="test accuracy",
               ylim=(bottom, 1.0))
    axes[0].set_title("pruning the course's CNN on the 8×8 digits")
    axes[1].set_title("near the dense accuracy")
    axes[0].legend(fontsize=8)
    common.save_figure(fig, args, "08_accuracy_vs_sparsity.png")


def main():
    args = common.parse_args(common.lesson_parser(__doc__, epochs=EPOCHS, quick_epochs=QUICK_EPOCHS))
    args.fine_tune_epochs = QUICK_FINE_TUNE_EPOCHS if args.quick else FINE_TUNE_EPOCHS
    sparsities = QUICK_SPARSITIES if args.quick else SPARSITIES
    data = digit_data(args.device)

    common.heading(f"the dense CNN of lesson 04, trained {args.epochs} epochs on {args.device}")
    dense = trained_digits_cnn(data, args.epochs, seed=args.seed, device=args.device)
    dense_accuracy = accuracy(dense, data[2], data[3])
    print(f"test accuracy {dense_accuracy:.4f}")

    the_documents_loop(dense, data, args)
    threshold_sparsity, threshold_accuracy = the_threshold_with_masks(dense, data, args)
    results = sweep(dense, data, args, sparsities)
    structured = [] if args.quick else structured_sweep(dense, data, args, STRUCTURED_FRACTIONS)
    plot(args, dense_accuracy, sparsities, results, structured,
         (threshold_sparsity, threshold_accuracy))

    floor = dense_accuracy - ALLOWED_LOSS
    candidates = {key: best_within(sparsities, results[key], floor, dense_accuracy)
                  for key in ("fixed pruning + fine-tuning", "sparse training")}
    method, (sparsity, reached) = max(candidates.items(), key=lambda item: item[1])
    common.heading("the answer")
    for key, (s, a) in candidates.items():
        print(f"  {key:<28} ≤ 1 point below dense up to {s:.0%} sparsity (accuracy {a:.4f})")
    common.print_result(
        f"dense acc={dense_accuracy:.4f}; ≤1 pt loss up to {sparsity:.0%} sparsity "
        f"(acc={reached:.4f}, {method}); threshold {THRESHOLD} → {threshold_sparsity:.1%} sparse"
    )


if __name__ == "__main__":
    main()
