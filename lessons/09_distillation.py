"""Lesson 09: knowledge distillation, a tiny student taught by the course's CNN.

    python -m lessons.09_distillation [--quick] [--device cpu|cuda] [--epochs N] [--seed S]

THE IDEA (Hinton, Vinyals & Dean 2015). A trained network says more than its top answer: its
probabilities for the wrong classes ("this 4 looks a little like a 9") describe how it
generalises. Softened by a temperature T, they become targets a small student can learn from:

    p = softmax(v / T)   the teacher's soft targets  (v: teacher logits)
    q = softmax(z / T)   the student's soft output   (z: student logits)
    loss = α · T² · KL(p ‖ q) + (1 − α) · cross_entropy(z, y)

T² is there because the soft term's gradient shrinks like 1/T² (minigrad/distill.py derives
it); with it, α means the same mix at every T. The teacher is frozen: its logits are computed
once, in eval mode and without a graph, and no gradient reaches it.

THE SETTING, chosen so that distillation has something to give, and stated plainly:
  * teacher: the course's CNN (lessons/digits_cnn.py, seed 001 §4.1), trained here on ALL
    1,442 labelled training digits;
  * student: an MLP 64 → 16 → 10, over 40× fewer parameters;
  * the student has labels for only 100 training digits (10 per class); the other 1,342
    training images are unlabelled for it. Trained alone, it learns from its 100 labels;
    distilled, it also learns the teacher's soft targets on all 1,442 images (the labelled
    ones add the hard term). So the teacher passes on what it learnt from labels the student
    never saw: this is transfer through an unlabelled "transfer set", not a free lunch.
  * same initial weights, same labelled digits and the same number of optimizer steps for
    both students of a seed; mean ± std over seeds; all accuracies on the 355 test digits.
For context the lesson also trains the student with all 1,442 labels, alone and distilled.
There the labels already say most of what the teacher knows, and in this lesson's runs the
distilled student came out WORSE than the one trained alone (the run prints by how much). A
plausible reason, not tested here: the teacher is only a little better than this student with
all labels, and imitating its whole soft distribution competes with fitting the labels. The
temperature matters too: Hinton et al. found 2.5–4 best for their smallest student (30 units
per layer), and the sweep below prints how T = 1, 2, 4, 8 fare with 100 labels.

WHERE THE COURSE IS VAGUE OR WRONG (seed 004 "AI大模型" tutorial, §4.1.1):
  * §4.1.1.1 says the soft labels include "中间层的激活值和概率分布" (intermediate-layer
    activations and probability distributions). Soft labels are the teacher's softened class
    probabilities; matching intermediate activations is a different method (hint/feature
    distillation, Romero et al. 2015 "FitNets").
  * §4.1.1.2's pseudo-code `loss = classification_loss + distillation_loss` has no temperature,
    hence no T², and no weight α; `distillation_loss_function` is never defined.
  * It calls `teacher_model(sample)` in training mode with the graph recorded: the teacher
    must run in eval mode (dropout off, batch-norm statistics fixed) and under no_grad.
  * It needs `sample.label` for every sample, so it misses the case where distillation helps
    most: a student with few labels and a teacher to label the rest.
"""

import matplotlib.pyplot as plt
import numpy as np
from tqdm import tqdm

import minigrad as mg
from lessons import common
from lessons.digits_cnn import (
    accuracy,
    digit_data,
    predict_logits,
    train_epoch,
    train_loader,
    trained_digits_cnn,
)
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.distill import distill_epoch

TEACHER_EPOCHS, QUICK_TEACHER_EPOCHS = 10, 5
TEACHER_BATCH, TEACHER_LR = 64, 3e-3
STUDENT_HIDDEN, STUDENT_BATCH, STUDENT_LR = 16, 32, 3e-3
LABELS_PER_CLASS = 10
TEMPERATURE, ALPHA = 4.0, 0.5
SWEEP_TEMPERATURES = (1.0, 2.0, 4.0, 8.0)
SEEDS, QUICK_SEEDS = 5, 2
UNLABELLED = -100  # cross_entropy's ignore_index: these samples get the soft term only


def parameter_count(model):
    return sum(p.numel() for p in model.parameters())


def make_student(device):
    return nn.Sequential(
        nn.Flatten(), nn.Linear(64, STUDENT_HIDDEN), nn.ReLU(), nn.Linear(STUDENT_HIDDEN, 10)
    ).to(device)


def labelled_indices(y, per_class, seed):
    """`per_class` random training digits of each class: the only ones the student sees labelled."""
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.choice(np.flatnonzero(y == c), per_class, replace=False)
                           for c in range(10)])


def student_alone(x, y, steps, seed, device):
    """The student trained on its labelled digits only, for `steps` optimizer steps."""
    mg.manual_seed(seed)
    student = make_student(device)
    optimizer = optim.Adam(student.parameters(), lr=STUDENT_LR)
    batches = -(-len(y) // STUDENT_BATCH)
    for epoch in range(max(1, round(steps / batches))):
        loader = train_loader(x, y, STUDENT_BATCH, seed=seed * 10_000 + epoch, device=device)
        train_epoch(student, loader, optimizer, epoch=epoch)
    return student


def student_distilled(x, teacher_logits, target, epochs, seed, device, temperature=TEMPERATURE):
    """The same student (same initial weights) trained on the teacher's soft targets for every
    training image plus the hard labels where `target` has one."""
    mg.manual_seed(seed)
    student = make_student(device)
    optimizer = optim.Adam(student.parameters(), lr=STUDENT_LR)
    dataset = TensorDataset(x, teacher_logits, target)
    for epoch in range(epochs):
        loader = DataLoader(dataset, STUDENT_BATCH, shuffle=True, seed=seed * 10_000 + epoch,
                            device=device)
        distill_epoch(student, loader, optimizer, temperature, ALPHA, epoch=epoch)
    return student


def compare_students(data, teacher_logits, labelled, seeds, epochs, device,
                     temperatures=(TEMPERATURE,)):
    """Test accuracy of the student alone and distilled (one per temperature), seed by seed.

    `labelled(seed)` gives the indices of the training digits that keep their labels. The
    distilled students take `epochs` passes over all training images; the student alone gets
    the same number of optimizer steps on its labelled digits."""
    x_train, y_train, x_test, y_test = data
    x_np, y_np = x_train.numpy(), y_train.numpy()
    steps = epochs * -(-len(y_np) // STUDENT_BATCH)
    alone, distilled = [], {t: [] for t in temperatures}
    for seed in tqdm(seeds, desc="seeds", leave=False, disable=None):
        keep = labelled(seed)
        x_few = mg.tensor(x_np[keep], device=device)
        y_few = mg.tensor(y_np[keep], device=device)
        alone.append(accuracy(student_alone(x_few, y_few, steps, seed, device), x_test, y_test))
        target = np.full(len(y_np), UNLABELLED)
        target[keep] = y_np[keep]
        target = mg.tensor(target, device=device)
        for t in temperatures:
            student = student_distilled(x_train, teacher_logits, target, epochs, seed, device, t)
            distilled[t].append(accuracy(student, x_test, y_test))
    return np.array(alone), {t: np.array(a) for t, a in distilled.items()}


def mean_std(values):
    return f"{values.mean():.3f}±{values.std():.3f}"


def report(label, alone, distilled, seeds):
    print(f"{label}:")
    for seed, a, d in zip(seeds, alone, distilled):
        print(f"  seed {seed}:  alone {a:.3f}   distilled {d:.3f}   difference {d - a:+.3f}")
    difference = distilled - alone
    print(f"  mean ± std over {len(seeds)} seeds:  alone {mean_std(alone)}   distilled "
          f"{mean_std(distilled)}   difference {difference.mean():+.3f}±{difference.std():.3f}")


def show_dark_knowledge(teacher_logits, y):
    """The teacher's probabilities at T = 1 and T = TEMPERATURE for a typical digit (the median
    confidence among its correct answers): at T = 1 almost a one-hot label, at higher T its
    second guesses show."""
    probabilities = teacher_logits.softmax(dim=1).numpy()
    correct = np.flatnonzero(probabilities.argmax(1) == y)
    by_confidence = correct[np.argsort(probabilities[correct].max(1))]
    image = by_confidence[len(by_confidence) // 2]
    print(f"training digit #{image} (a {y[image]}), the teacher's probability for each class:")
    print("        " + "".join(f"{c:>7}" for c in range(10)))
    for t in (1.0, TEMPERATURE):
        soft = (teacher_logits[image : image + 1] / t).softmax(dim=1).numpy()[0]
        print(f"  T = {t:<3g}" + "".join(f"{p:7.3f}" for p in soft))


def plot(args, few, full, sweep, seeds, teacher_accuracy):
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
    for (alone, distilled), name, color in ((few, "100 labels", "C0"), (full, "all labels", "C1")):
        left.plot(seeds, alone, "o--", color=color, label=f"alone, {name}")
        left.plot(seeds, distilled, "s-", color=color, label=f"distilled, {name}")
    left.axhline(teacher_accuracy, color="gray", linestyle=":", label="teacher (all labels)")
    left.set(xlabel="seed", ylabel="test accuracy", xticks=seeds,
             title=f"student (MLP 64-{STUDENT_HIDDEN}-10), alone vs distilled (T={TEMPERATURE:g})")
    left.legend(fontsize=8)
    temperatures = list(sweep)
    means = [sweep[t].mean() for t in temperatures]
    stds = [sweep[t].std() for t in temperatures]
    right.errorbar(temperatures, means, yerr=stds, marker="o", capsize=4, label="distilled")
    right.axhline(few[0].mean(), color="C0", linestyle="--", label="alone (mean)")
    right.set(xscale="log", xticks=temperatures, xticklabels=[f"{t:g}" for t in temperatures],
              xlabel="temperature T", ylabel="test accuracy (mean ± std over seeds)",
              title="100 labels: distilled student against temperature")
    right.minorticks_off()
    right.legend(fontsize=8)
    common.save_figure(fig, args, "09_distillation.png")


def main():
    args = common.parse_args(common.lesson_parser(__doc__, epochs=20, quick_epochs=15))
    n_seeds = QUICK_SEEDS if args.quick else SEEDS
    seeds = list(range(args.seed, args.seed + n_seeds))
    data = digit_data(args.device)
    x_train, y_train, x_test, y_test = data

    teacher_epochs = QUICK_TEACHER_EPOCHS if args.quick else TEACHER_EPOCHS
    common.heading(f"The teacher: the course's CNN, {teacher_epochs} epochs on all "
                   f"{len(y_train)} labelled training digits")
    teacher = trained_digits_cnn(data, teacher_epochs, seed=args.seed, device=args.device,
                                 lr=TEACHER_LR, batch_size=TEACHER_BATCH)
    teacher_accuracy = accuracy(teacher, x_test, y_test)
    # once: the frozen teacher gives the same logits every epoch (eval mode, no graph)
    teacher_logits = mg.tensor(predict_logits(teacher, x_train), device=args.device)
    student_size, teacher_size = parameter_count(make_student("cpu")), parameter_count(teacher)
    print(f"teacher: {teacher_size:,} parameters, test accuracy {teacher_accuracy:.3f}")
    print(f"student: {student_size:,} parameters (MLP 64 → {STUDENT_HIDDEN} → 10), "
          f"{teacher_size / student_size:.0f}× fewer")

    common.heading(f"What the soft targets carry (T = {TEMPERATURE:g} flattens them)")
    show_dark_knowledge(teacher_logits, y_train.numpy())

    temperatures = (TEMPERATURE,) if args.quick else SWEEP_TEMPERATURES
    common.heading(f"The student with {10 * LABELS_PER_CLASS} labelled digits, alone vs distilled "
                   f"(α = {ALPHA}, {args.epochs} epochs), T = "
                   f"{', '.join(f'{t:g}' for t in temperatures)}")
    y_np = y_train.numpy()
    alone_few, sweep = compare_students(
        data, teacher_logits, lambda seed: labelled_indices(y_np, LABELS_PER_CLASS, seed), seeds,
        args.epochs, args.device, temperatures,
    )
    report(f"100 labels, T = {TEMPERATURE:g}", alone_few, sweep[TEMPERATURE], seeds)
    for t in temperatures:
        print(f"  distilled at T = {t:<3g} {mean_std(sweep[t])}")
    print("  (measured on the test digits, so this shows the effect of T; choosing T by it "
          "would need a separate validation split)")

    common.heading(f"For context: the student with all {len(y_np)} labels")
    alone_full, distilled_full = compare_students(
        data, teacher_logits, lambda seed: np.arange(len(y_np)), seeds, args.epochs, args.device
    )
    report("all labels", alone_full, distilled_full[TEMPERATURE], seeds)

    plot(args, (alone_few, sweep[TEMPERATURE]), (alone_full, distilled_full[TEMPERATURE]),
         sweep, seeds, teacher_accuracy)
    gain = sweep[TEMPERATURE].mean() - alone_few.mean()
    common.print_result(
        f"student alone {mean_std(alone_few)} vs distilled {mean_std(sweep[TEMPERATURE])} over "
        f"{n_seeds} seeds (teacher {teacher_accuracy:.3f}; {10 * LABELS_PER_CLASS} labels, "
        f"difference {gain:+.3f})"
    )


if __name__ == "__main__":
    main()
