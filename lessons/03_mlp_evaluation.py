"""Lesson 03: an MLP reads handwritten digits, and we measure how good it is, honestly.

    python -m lessons.03_mlp_evaluation [--quick] [--device cpu|cuda] [--epochs N]

THE DATA: the 1,797 real 8×8 handwritten digits of datasets.digits, in three parts, each with
one job. Seed 001 §2.1 names them (数据分割 … 训练集、验证集、测试集) but not their jobs:
    training set    the weights are fitted to it
    validation set  choices are made with it: here, which epoch's weights to keep
    test set        measured once, at the very end. A number that guided any choice is
                    optimistic, so the test set guides none.
The test set is digits_split's fixed 355 images, the ones lessons/digits_cnn.py tests on; the
other 1,442 (the development set) are split 80/20 into training and validation, each part
stratified (every digit in the proportions of the whole).

THE MODEL: a multi-layer perceptron. The 8×8 image flattened to 64 numbers, then
    Linear(64, 128) → ReLU → Dropout → Linear(128, 64) → ReLU → Dropout → Linear(64, 10),
ten logits, trained with Adam (lr 1e-3) on their cross-entropy in shuffled mini-batches of 32.
Dropout (seed 004 §3.2.3) zeroes a random 20% of the hidden units in each training step and
is off in evaluation mode, which is how every accuracy below is measured.

THE METRICS (seed 004 §3.3.1, seed 003 §9.6). For one class c, called "positive", count
TP (images of c predicted c), FP (other images predicted c), FN (images of c predicted as
something else):
    accuracy    = correct predictions / all predictions
    precision_c = TP / (TP + FP)       of the images predicted c, the fraction that are c
    recall_c    = TP / (TP + FN)       of the images that are c, the fraction found
    F1_c        = 2·P·R / (P + R)      the harmonic mean of P and R: high only if both are
With ten digits, each class takes its turn as the positive one (one-vs-rest) and the macro
average is the plain mean over the ten, so a rare digit counts as much as a common one
(metrics.classification_report prints them all; its "support" is the digit's image count). The
confusion matrix C[i, j] counts the images of digit i predicted as j: recall_i reads along
row i, precision_j down column j.

ROC AND AUC (seed 003 §9.6). A score per image (here the softmax probability p_c) and a
threshold t make a classifier: "c if p_c ≥ t". Lowering t from 1 to 0 finds more of the c's
(TPR = TP/P rises) at the price of more false alarms (FPR = FP/N rises); the ROC curve is that
path from (0, 0) to (1, 1). Its area, the AUC, equals the probability that a random image of c
scores higher than a random image of another digit (ties count ½): 1 is a perfect ranking,
0.5 a coin. Macro AUC is the mean of the ten one-vs-rest AUCs.

PRECISION-RECALL (not in the course). The same sweep of t, drawn as precision against recall.
One-vs-rest, each digit has ~36 test images against ~320 others, so a false positive rate of
only 0.01 is ~3 false alarms beside ~36 finds: FP/N hides what precision TP/(TP + FP) shows.
The average precision AP = Σ_n (R_n - R_(n-1))·P_n adds up each step up in recall times the
precision reached there.

CROSS-VALIDATION (seed 004 §3.3.2). One validation split gives one noisy number. k-fold
cross-validation cuts the development set into k folds and trains k models, each validated on
the fold it did not see; the mean of the k scores estimates the accuracy, their standard
deviation shows how far to trust it. Leave-one-out is k = n: each model is validated on a
single image (score 0 or 1). It wastes the least data but costs n trainings: 1,442 of them
for our development set, where 5-fold costs 5. The test set stays out of all of it.

ERROR ANALYSIS (seed 004 §4.2.1). Look at what the model gets wrong: the misclassified images
themselves, which digit pairs are confused, and its two kinds of 置信度错误 (confidence
error): confident mistakes and unsure correct answers.

WHAT THE COURSE GETS WRONG (each definition is computed as worded and checked below):
  * seed 003 §9.6 defines recall with precision's words, "模型预测为正类的样本中，实际为正类的
    比例" (of the samples predicted positive, the fraction that are positive), word for word
    the line above it. Recall is of the samples that ARE positive, the fraction predicted
    positive: TP / (TP + FN). Computed as worded, "recall" returns the precision.
  * seed 003 §9.6 calls the AUC an "AUC曲线" (AUC curve). The AUC is a number, the area under
    the ROC curve, as the rest of that line says (ROC曲线下的面积).
  * seed 004 §3.3.2 says cross-validation "轮流进行训练和测试" (trains and TESTS in turn) and
    leave-one-out keeps one sample "作为测试集" (as the TEST set). The held-out folds are
    validation data: they pick models and settings, so a separate test set is still needed to
    report the result. Neither section says that leave-one-out costs n trainings.
  * seed 004 §4.2.1.2 collects the errors "从训练或测试集中" (from the training or TEST set)
    and then adjusts the model to them. Once the model is adjusted to the test set's errors,
    the test accuracy is no longer a measurement on unseen data: analyse validation errors to
    make changes. Below, the test errors are analysed last, and nothing is changed after.
  * seed 004 §4.2.1.1 defines a classification error as positive predicted negative or the
    reverse: that is the binary case. With ten digits there are 90 kinds of error, one per
    (true, predicted) pair: the off-diagonal cells of the confusion matrix.
WHAT IT GETS RIGHT: seed 004 §3.3.1's accuracy, recall, precision and F1, and seed 003 §9.6's
accuracy, precision, F1 and "area under the ROC curve". The checks below agree with them.
(Seed 004 §3.1, 数据预处理, covers cleaning and augmentation only: the three-way split comes
from seed 001 §2.1.)
"""

import sys
import time

import matplotlib.pyplot as plt
import numpy as np
from tqdm import tqdm

import minigrad as mg
import minigrad.nn.functional as F
from datasets.digits import digits_split
from lessons import common
from lessons.digits_cnn import predict_logits, train_epoch, train_loader
from minigrad import metrics, nn, optim
from minigrad.data.split import split_indices

HIDDEN, DROPOUT, LEARNING_RATE, BATCH_SIZE = (128, 64), 0.2, 1e-3, 32
VALIDATION_FRACTION = 0.2
FOLDS = 5
# leave-one-out trains one model per sample, so it runs on a small balanced subset
# (with fewer than ~5 images per digit the models barely learn anything)
LOO_PER_CLASS, QUICK_LOO_PER_CLASS = 10, 4
LOO_EPOCHS = 60
CONFIDENT = 0.9  # a mistake made with p ≥ 0.9 is a confident one
UNSURE = 0.5  # a correct answer with p < 0.5 is an unsure one
SHOW_PROGRESS = sys.stderr.isatty()  # a progress bar helps a person, not a log file


def mlp():
    sizes = (64, *HIDDEN)
    layers = [nn.Flatten()]
    for n_in, n_out in zip(sizes, sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU(), nn.Dropout(DROPOUT)]
    return nn.Sequential(*layers, nn.Linear(sizes[-1], 10))


def development_and_test():
    """(x_dev, y_dev), (x_test, y_test): the same test images, whatever --seed says."""
    return digits_split(test_fraction=0.2, seed=0)


def train_validation_split(x, y, seed):
    train, validation = split_indices(
        len(y), [1 - VALIDATION_FRACTION, VALIDATION_FRACTION], generator=seed, stratify=y
    )
    return (x[train], y[train]), (x[validation], y[validation])


def logits_of(model, x, device):
    return predict_logits(model, mg.tensor(x, device=device))


def probabilities(model, x, device):
    """Softmax probabilities (numpy, one row per image) of the model in evaluation mode."""
    return mg.tensor(logits_of(model, x, device)).softmax(dim=1).numpy()


def loss_and_accuracy(model, x, y, device):
    logits = logits_of(model, x, device)
    return F.cross_entropy(mg.tensor(logits), mg.tensor(y)).item(), metrics.accuracy(logits, y)


def training_epochs(x, y, epochs, args, desc="training"):
    """A fresh MLP trained on (x, y), yielded after each epoch (the same model, one epoch on)."""
    model = mlp().to(args.device)
    optimizer = optim.Adam(model.parameters(), lr=LEARNING_RATE)
    loader = train_loader(x, y, BATCH_SIZE, seed=args.seed, device=args.device)
    for epoch in tqdm(range(epochs), desc=desc, leave=False, disable=not SHOW_PROGRESS):
        train_epoch(model, loader, optimizer, epoch=epoch)
        yield model


def fit(x, y, epochs, args, desc):
    for model in training_epochs(x, y, epochs, args, desc):
        pass  # only the model after the last epoch is wanted
    return model


def fit_choosing_the_epoch(train, validation, epochs, args):
    """Train on `train`, measure both parts after every epoch, and keep the weights of the epoch
    with the best validation accuracy: (model, history of the measurements)."""
    history = {f"{part} {quantity}": [] for part in ("train", "validation")
               for quantity in ("loss", "accuracy")}
    best_accuracy = -1.0
    for epoch, model in enumerate(training_epochs(*train, epochs, args), start=1):
        # both parts measured the same way: in evaluation mode, so without dropout
        for part, (x, y) in (("train", train), ("validation", validation)):
            loss, accuracy = loss_and_accuracy(model, x, y, args.device)
            history[f"{part} loss"].append(loss)
            history[f"{part} accuracy"].append(accuracy)
        if history["validation accuracy"][-1] > best_accuracy:
            best_accuracy = history["validation accuracy"][-1]
            best_state = {k: v.numpy().copy() for k, v in model.state_dict().items()}
            history["best epoch"] = epoch
    model.load_state_dict(best_state)
    return model, history


def trained_and_scored(args, epochs, desc):
    """The train_fn that metrics.cross_validate calls once per split: a fresh MLP trained on the
    training part, scored by its accuracy on the held-out part."""

    def train_and_score(x_train, y_train, x_held_out, y_held_out):
        model = fit(x_train, y_train, epochs, args, desc)
        return metrics.accuracy(logits_of(model, x_held_out, args.device), y_held_out)

    return train_and_score


def plot_curves(args, history):
    epochs = np.arange(1, len(history["train loss"]) + 1)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, quantity in zip(axes, ("loss", "accuracy")):
        for part in ("train", "validation"):
            ax.plot(epochs, history[f"{part} {quantity}"], label=part)
        ax.axvline(history["best epoch"], color="gray", linestyle=":", label="weights kept")
        ax.set(xlabel="epoch", ylabel={"loss": "cross-entropy", "accuracy": "accuracy"}[quantity],
               title=f"{quantity} per epoch (evaluation mode)")
        ax.legend()
    common.save_figure(fig, args, "03_training_curves.png")


def train_and_choose(args, x_dev, y_dev):
    common.heading(f"train / validation / test (seed 001 §2.1), {args.epochs} epochs, "
                   f"on {args.device}")
    train, validation = train_validation_split(x_dev, y_dev, args.seed)
    print(f"training {len(train[1])}, validation {len(validation[1])} images "
          "(the 355 test images are not touched until the end)")
    start = time.perf_counter()
    model, history = fit_choosing_the_epoch(train, validation, args.epochs, args)
    best = history["best epoch"]
    print(f"trained in {time.perf_counter() - start:.1f} s. Best validation accuracy "
          f"{history['validation accuracy'][best - 1]:.4f} at epoch {best}: its weights are kept "
          f"(final epoch: {history['validation accuracy'][-1]:.4f})")
    plot_curves(args, history)
    return model


def worded_definitions(y_true, y_pred):
    """Each course definition, one value per digit c, computed straight from its words."""
    of_predicted_c_share_c = np.array([np.mean(y_true[y_pred == c] == c) for c in range(10)])
    of_true_c_share_found = np.array([np.mean(y_pred[y_true == c] == c) for c in range(10)])
    return {
        "accuracy": np.mean(y_true == y_pred),  # 预测正确的样本数占总样本数的比例
        "precision": of_predicted_c_share_c,  # 预测正确的正样本数 / 预测为正样本的样本总数
        "recall": of_true_c_share_found,  # 预测正确的正样本数占总正样本数的比例
        # seed 003 §9.6 gives recall precision's words: 模型预测为正类的样本中，实际为正类的比例
        "seed 003 recall": of_predicted_c_share_c,
    }


def rank_probability(is_positive, scores):
    """P(a random positive scores above a random negative), ties ½: what the AUC should be."""
    positives, negatives = scores[is_positive], scores[~is_positive]
    above = positives[:, None] > negatives[None, :]
    tied = positives[:, None] == negatives[None, :]
    return float(np.mean(above + 0.5 * tied))


def one_vs_rest_aucs(y_true, probs):
    """The AUC of each digit c against the other nine, scored by the probability p_c."""
    return [metrics.roc_auc_score(y_true == c, probs[:, c]) for c in range(10)]


def check_course_definitions(y_true, y_pred, probs, aucs):
    common.heading("the course's definitions, computed as worded, against minigrad.metrics")
    worded = worded_definitions(y_true, y_pred)
    precision, recall, f1 = metrics.precision_recall_f1(y_true, y_pred, average=None)
    harmonic_mean = 2 / (1 / worded["precision"] + 1 / worded["recall"])
    ranks = [rank_probability(y_true == c, probs[:, c]) for c in range(10)]
    print("per digit, over the test set:")
    common.check("seed 004 §3.3.1 + 003 §9.6 accuracy: correct / all", worded["accuracy"],
                 metrics.accuracy(y_pred, y_true))
    common.check("seed 004 §3.3.1 precision: TP / predicted positive", worded["precision"],
                 precision)
    common.check("seed 003 §9.6 precision: of predicted c, the share c", worded["precision"],
                 precision)
    common.check("seed 004 §3.3.1 recall: TP / all positives", worded["recall"], recall)
    common.check("seed 003 §9.6 recall: of predicted c, the share c", worded["seed 003 recall"],
                 recall)
    common.check("seed 004 §3.3.1 + 003 §9.6 F1: harmonic mean of P, R", harmonic_mean, f1)
    common.check("seed 003 §9.6 AUC: area under ROC = P(pos > neg)", aucs, ranks)


def plot_confusion_matrix(args, counts):
    # colour by the share of each true digit, so that every row uses the same scale
    shares = counts / counts.sum(axis=1, keepdims=True)
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    image = ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for (i, j), count in np.ndenumerate(counts):
        if count:
            ax.text(j, i, str(count), ha="center", va="center",
                    color="white" if shares[i, j] > 0.5 else "black", fontsize=8)
    ax.set(xticks=range(10), yticks=range(10), xlabel="predicted digit", ylabel="true digit",
           title="confusion matrix on the test set (counts)")
    fig.colorbar(image, ax=ax, label="share of the true digit's images")
    common.save_figure(fig, args, "03_confusion_matrix.png")


def plot_roc_curves(args, y_true, probs, aucs):
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    for digit in range(10):
        fpr, tpr, _ = metrics.roc_curve(y_true == digit, probs[:, digit])
        for ax in axes:
            ax.plot(fpr, tpr, label=f"{digit}: AUC {aucs[digit]:.4f}")
    axes[0].plot([0, 1], [0, 1], color="gray", linestyle=":", label="chance: AUC 0.5")
    axes[0].set(xlabel="false positive rate FP/N", ylabel="true positive rate TP/P",
                title=f"one-vs-rest ROC on the test set, macro AUC {np.mean(aucs):.4f}")
    axes[0].legend(fontsize=7)
    axes[1].set(xlim=(0, 0.1), ylim=(0.8, 1.005), xlabel="false positive rate FP/N",
                title="the top-left corner, enlarged")
    common.save_figure(fig, args, "03_roc_curves.png")


def plot_precision_recall_curves(args, y_true, probs):
    """The ten one-vs-rest precision-recall curves; returns their macro average precision."""
    average_precisions = metrics.average_precision(y_true, probs, average=None)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for digit in range(10):
        precision, recall, _ = metrics.precision_recall_curve(y_true == digit, probs[:, digit])
        ax.plot(recall, precision, drawstyle="steps-post",
                label=f"{digit}: AP {average_precisions[digit]:.4f}")
    # every curve ends at recall 1 with precision ~0.1 (all images called c): shown is the
    # corner where the digits differ
    ax.set(xlabel="recall TP/P", ylabel="precision TP/(TP + FP)", xlim=(0.6, 1.01),
           ylim=(0.8, 1.01),
           title=f"one-vs-rest precision-recall (top right), macro AP {average_precisions.mean():.4f}")
    ax.legend(fontsize=7)
    common.save_figure(fig, args, "03_precision_recall_curves.png")
    return float(average_precisions.mean())


def evaluate_on_test(args, model, x_test, y_test):
    common.heading(f"the test set, measured once: {len(y_test)} images")
    probs = probabilities(model, x_test, args.device)
    y_pred = probs.argmax(axis=1)
    accuracy = metrics.accuracy(y_pred, y_test)
    print(f"accuracy {accuracy:.4f} ({int(np.sum(y_pred == y_test))} of {len(y_test)})")
    print(metrics.classification_report(y_test, y_pred, num_classes=10, digits=3))
    counts = metrics.confusion_matrix(y_test, y_pred, num_classes=10)
    plot_confusion_matrix(args, counts)
    aucs = one_vs_rest_aucs(y_test, probs)
    print("one-vs-rest AUC per digit: " + ", ".join(f"{a:.4f}" for a in aucs))
    print(f"macro AUC {np.mean(aucs):.4f}")
    plot_roc_curves(args, y_test, probs, aucs)
    print(f"macro average precision {plot_precision_recall_curves(args, y_test, probs):.4f}")
    check_course_definitions(y_test, y_pred, probs, aucs)
    macro_f1 = metrics.f1_score(y_test, y_pred, average="macro")
    return accuracy, macro_f1, float(np.mean(aucs)), probs


def cross_validation(args, x_dev, y_dev):
    common.heading(f"{FOLDS}-fold cross-validation on the {len(y_dev):,} development images "
                   f"(seed 004 §3.3.2), {args.epochs} epochs each")
    start = time.perf_counter()
    scores = metrics.cross_validate(trained_and_scored(args, args.epochs, "fold"), x_dev, y_dev,
                                    k=FOLDS, random_state=args.seed)
    seconds_per_fold = (time.perf_counter() - start) / FOLDS
    print("fold accuracies: " + ", ".join(f"{s:.4f}" for s in scores))
    print(f"estimate {scores.mean():.4f} ± {scores.std():.4f} (mean ± std over the folds); "
          f"{FOLDS} trainings, {seconds_per_fold:.2f} s each")
    return scores, seconds_per_fold


def balanced_subset(labels, per_class, seed):
    """Indices of `per_class` random images of each digit."""
    rng = np.random.default_rng(seed)
    picks = [rng.choice(np.flatnonzero(labels == c), per_class, replace=False) for c in range(10)]
    return rng.permutation(np.concatenate(picks))


def leave_one_out(args, x_dev, y_dev, seconds_per_fold):
    per_class = QUICK_LOO_PER_CLASS if args.quick else LOO_PER_CLASS
    subset = balanced_subset(y_dev, per_class, args.seed)
    x, y = x_dev[subset], y_dev[subset]
    common.heading(f"leave-one-out on a subset of {len(y)} images ({per_class} per digit), "
                   f"{LOO_EPOCHS} epochs each")
    train_and_score = trained_and_scored(args, LOO_EPOCHS, "leave-one-out")
    for name, splitter in (("leave-one-out", metrics.LeaveOneOut()), (f"{FOLDS}-fold", FOLDS)):
        start = time.perf_counter()
        scores = metrics.cross_validate(train_and_score, x, y, k=splitter, random_state=args.seed)
        seconds = time.perf_counter() - start
        print(f"  {name:<14} {len(scores):3d} trainings in {seconds:5.1f} s: "
              f"accuracy {scores.mean():.3f}")
    # a leave-one-out model learns from n − 1 images, a fold's from (k − 1)/k of n: more work
    seconds_per_fit = seconds_per_fold * FOLDS / (FOLDS - 1)
    n = len(y_dev)
    print(f"leave-one-out trains n models for n images. On all {n:,} development images that "
          f"is {n:,} trainings × ~{seconds_per_fit:.2f} s ≈ {n * seconds_per_fit / 60:.0f} min, "
          f"against {FOLDS} trainings for {FOLDS}-fold. Each model is scored on one image "
          "(0 or 1), so only the mean means something; each learns from n − 1 images.")


def most_common_confusions(counts, top=5):
    """[(count, true digit, predicted digit)] of the largest off-diagonal cells."""
    off_diagonal = counts * (1 - np.eye(len(counts), dtype=counts.dtype))
    cells = np.argsort(-off_diagonal, axis=None, kind="stable")[:top]
    pairs = [np.unravel_index(cell, counts.shape) for cell in cells]
    return [(int(counts[i, j]), int(i), int(j)) for i, j in pairs if counts[i, j]]


def plot_mistakes(args, images, y_true, probs, wrong):
    columns = 8
    rows = max(1, -(-len(wrong) // columns))
    fig, axes = plt.subplots(rows, columns, figsize=(1.4 * columns, 1.7 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, index in zip(axes.flat, wrong):
        predicted = probs[index].argmax()
        ax.imshow(images[index, 0], cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"{y_true[index]} → {predicted}\np = {probs[index, predicted]:.2f}",
                     fontsize=9)
    fig.suptitle("test images the MLP gets wrong: true → predicted (its probability), "
                 "most confident first", fontsize=10)
    common.save_figure(fig, args, "03_mistakes.png")


def error_analysis(args, x_test, y_test, probs):
    common.heading("error analysis on the test set (seed 004 §4.2.1): the last step")
    y_pred, confidence = probs.argmax(axis=1), probs.max(axis=1)
    wrong = np.flatnonzero(y_pred != y_test)
    wrong = wrong[np.argsort(-confidence[wrong], kind="stable")]
    print(f"{len(wrong)} mistakes. The most common confusions (true → predicted):")
    counts = metrics.confusion_matrix(y_test, y_pred, num_classes=10)
    for count, true, predicted in most_common_confusions(counts):
        print(f"  {true} → {predicted}: {count}")
    confident_mistakes = int(np.sum(confidence[wrong] >= CONFIDENT))
    unsure_right = int(np.sum((y_pred == y_test) & (confidence < UNSURE)))
    print(f"confidence errors (§4.2.1.1): {confident_mistakes} of the {len(wrong)} mistakes "
          f"were made with p ≥ {CONFIDENT}; {unsure_right} correct answers had p < {UNSURE}")
    plot_mistakes(args, x_test, y_test, probs, wrong)


def main():
    args = common.parse_args(common.lesson_parser(__doc__, epochs=40, quick_epochs=12))
    (x_dev, y_dev), (x_test, y_test) = development_and_test()
    model = train_and_choose(args, x_dev, y_dev)
    accuracy, macro_f1, macro_auc, probs = evaluate_on_test(args, model, x_test, y_test)
    scores, seconds_per_fit = cross_validation(args, x_dev, y_dev)
    leave_one_out(args, x_dev, y_dev, seconds_per_fit)
    error_analysis(args, x_test, y_test, probs)
    common.print_result(
        f"test accuracy={accuracy:.4f} macro F1={macro_f1:.4f} AUC(macro)={macro_auc:.4f} "
        f"{FOLDS}-fold CV={scores.mean():.4f}±{scores.std():.4f}"
    )


if __name__ == "__main__":
    main()
