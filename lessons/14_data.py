"""Lesson 14: preparing data: cleaning, scaling, splitting and augmenting, in the right order.

    python -m lessons.14_data [--quick] [--device cpu|cuda] [--epochs N]

CLEANING (seed 004 §3.1.1, seed 001 §2.1). A made-up table of 600 patients (age, weight,
blood pressure, income) with 15% of the blood pressures missing and 10 wrong values planted in
income, one of them a typo a thousand times too large.
    missing values  drop the row (loses every row with any gap) or fill the gap with the
                    column's mean or median over the rows present. The mean is dragged by
                    outliers, the median is not.
    z-score         z = (x − mean)/std; an outlier when |z| > 3.
    IQR (Tukey)     Q1, Q3 the quartiles, IQR = Q3 − Q1; an outlier outside
                    [Q1 − 1.5·IQR, Q3 + 1.5·IQR].
MASKING: the outliers are part of the mean and std that judge them. One value 1000× too large
raises the std so much that every other outlier's |z| falls below 3. Quartiles hardly move,
so the IQR rule still finds them.
NORMALISATION: standardise, z = (x − μ)/σ (mean 0, std 1), or min-max, (x − min)/(max − min)
(into [0, 1]; one outlier squeezes everyone else near 0). Either way μ, σ, min, max (and the
fill values) are measured on the TRAINING rows and applied unchanged to validation and test:
they are part of the model, and a deployed model never sees the test set's statistics.

SPLITTING. Train (fit the weights), validation (choose hyper-parameters), test (report once),
stratified so each part keeps the class proportions. Split FIRST, then fit every statistic
and augment on the training part only. Augmenting before the split puts shifted copies of
one image on both sides, and the test score measures memory, not generalisation.

AUGMENTATION (seed 004 §3.1.2). Random changes that keep the label: shift (RandomCrop with
padding), small rotation, brightness/contrast (ColorJitter), noise. For digits a horizontal
flip does NOT keep the label: a mirrored 2, 3, 4, 7 or 9 is not that digit (nor any digit).
A small CNN trained on 150 digits (full run, 60 epochs): none 0.882, crop + rotation + jitter
+ noise 0.893 (+4 of 355 test images: a small gain, and only with enough epochs; with --quick
the augmented model is still behind), the same plus flips 0.715. The unaugmented CNN scores
0.363 on mirrored test digits: mirroring changes what the digit is.

WHAT THE COURSE GETS WRONG (run below):
  * seed 001 §2.1 lists the steps in the order 清洗 (clean), 转换 (normalise), 分割 (split, "之三",
    the third step), 增强 (augment). Cleaning and normalising before the split take their
    statistics from the test rows too: the min-max scaled test set then lies inside [0, 1]
    by construction, which new data will not. The split must come first.
  * seed 004 §3.1.2 "对图像进行随机旋转和翻转" (random rotation and flip) for every image, without
    limits: a flipped digit is another shape (trained with flips the CNN does worse) and a
    rotation by 180° turns a 6 into a 9. Augmentations must keep the label. Its promise
    that augmentation "提高模型的泛化能力" holds only modestly here (+0.011 on 150 digits).
  * seed 004 §3.1.1 "通过统计学方法（如Z-score、IQR等）检测并去除异常值" names the two rules as if
    interchangeable. With one huge outlier the z-score rule (|z| > 3) misses the others; IQR
    does not. And it files "数据转换" (normalisation) under "去除噪声和异常值" (removing noise and
    outliers), which scaling does not do.
  * Neither seed says that augmentation is for the training split only, nor that the fill
    value should be a median when the column has outliers (a mean fill with the typo
    present puts every missing value far from any real one).
WHAT IT GETS RIGHT: seed 004 §3.1.1's menu (drop or fill with mean/median, z-score or IQR,
normalise or standardise) and §3.1.2's crop, colour and noise are the standard tools, and
seed 001 §2.1 is right that a validation set belongs between training and test.
"""

import matplotlib.pyplot as plt
import numpy as np

import minigrad as mg
from datasets.digits import digits_split
from lessons import common
from lessons.digits_cnn import DigitsCNN, accuracy, adam_with_cosine, fit
from minigrad.data import (
    DataLoader,
    MinMaxScaler,
    StandardScaler,
    TensorDataset,
    TransformedDataset,
    fill_missing,
    iqr_outliers,
    split_indices,
    zscore_outliers,
)
from minigrad.data import transforms as T

ROWS, MISSING_SHARE, PLANTED, TYPO_FACTOR = 600, 0.15, 10, 1000
COLUMNS = ("age", "weight", "blood pressure", "income")
MEANS, STDS = np.array([45.0, 75.0, 125.0, 4000.0]), np.array([12.0, 12.0, 15.0, 900.0])
PER_DIGIT, BATCH_SIZE, LEARNING_RATE = 15, 16, 5e-3  # 150 training digits: few enough that augmentation matters
LEAK_POOL, LEAK_COPIES = 300, 4


# ---- part 1: cleaning a table ---------------------------------------------------------------


def make_table(seed):
    """(table with NaNs and planted outliers, mask of the planted outlier rows)."""
    rng = np.random.default_rng(seed)
    table = MEANS + STDS * rng.standard_normal((ROWS, len(COLUMNS)))
    table[rng.random(ROWS) < MISSING_SHARE, 2] = np.nan  # blood pressure not measured
    planted = rng.choice(ROWS, PLANTED, replace=False)
    signs = rng.choice([-1.0, 1.0], PLANTED)
    table[planted, 3] = MEANS[3] + signs * rng.uniform(5, 8, PLANTED) * STDS[3]
    table[planted[0], 3] = TYPO_FACTOR * MEANS[3]  # a typo: three zeros too many
    is_outlier = np.zeros(ROWS, bool)
    is_outlier[planted] = True
    return table, is_outlier


def precision_recall(flagged, truth):
    hits = int((flagged & truth).sum())
    return hits / max(int(flagged.sum()), 1), hits / int(truth.sum())


def outliers(table, is_outlier):
    common.heading("outliers in income: z-score (|z| > 3) against IQR (1.5·IQR fences)")
    income = table[:, 3]
    without_typo = ~(income == income.max())
    scores = {}
    for label, rows in (("with the 1000× typo", np.ones(ROWS, bool)),
                        ("typo removed", without_typo)):
        for rule, find in (("z-score", zscore_outliers), ("IQR", iqr_outliers)):
            flagged = find(income[rows])
            precision, recall = precision_recall(flagged, is_outlier[rows])
            scores[rule, label] = precision, recall
            print(f"  {label:<20} {rule:<8} flags {int(flagged.sum()):3d}   precision "
                  f"{precision:.2f}  recall {recall:.2f}")
    std_all, std_clean = income.std(), income[without_typo].std()
    iqr = lambda v: np.subtract(*np.percentile(v, [75, 25]))
    iqr_shift = abs(iqr(income) / iqr(income[without_typo]) - 1)
    print(f"  masking: the typo alone raises income's std from {std_clean:,.0f} to "
          f"{std_all:,.0f}, so a planted value 8σ away has |z| ≈ "
          f"{8 * STDS[3] / std_all:.2f} < 3; its IQR moves by {iqr_shift:.1%}")
    return scores


def missing_values(table, train, test):
    common.heading("missing blood pressures: drop or fill (statistics from the training rows)")
    pressure, income = table[:, 2], table[:, 3]
    rows_with_gap = np.isnan(table).any(axis=1)
    print(f"  dropping rows with a gap keeps {ROWS - rows_with_gap.sum()} of {ROWS} rows "
          f"({rows_with_gap.mean():.0%} of the data gone, for one missing column)")
    truth = MEANS[2]
    for strategy in ("mean", "median"):
        fill = fill_missing(pressure[train, None], strategy)  # the training rows' statistic
        value = np.nanmean(pressure[train]) if strategy == "mean" else np.nanmedian(pressure[train])
        assert np.allclose(fill[np.isnan(pressure[train]), 0], value)
        print(f"  blood pressure {strategy:<6} fill {value:7.2f}  (true centre {truth:.0f})")
    fills = {strategy: stat(income[train]) for strategy, stat in
             (("mean", np.mean), ("median", np.median))}
    print(f"  if income had gaps before its outliers were handled: mean fill "
          f"{fills['mean']:,.0f}, median fill {fills['median']:,.0f} (true centre "
          f"{MEANS[3]:,.0f}): the typo drags the mean {abs(fills['mean'] - MEANS[3]) / STDS[3]:.1f}σ"
          f" away, the median {abs(fills['median'] - MEANS[3]) / STDS[3]:.2f}σ")
    return fills


def scaling_and_leak(table, is_outlier, train, test):
    """Honest: fit on the training rows. Leaky (seed 001 §2.1's order): fit on all rows."""
    common.heading("normalisation, and the leak when it comes before the split (seed 001 §2.1)")
    kept_train, kept_test = train[~is_outlier[train]], test[~is_outlier[test]]
    filled = np.where(np.isnan(table), np.nanmedian(table[kept_train], axis=0), table)
    train_rows, test_rows = filled[kept_train], filled[kept_test]
    clean = np.concatenate([train_rows, test_rows])
    honest = MinMaxScaler().fit(train_rows).transform(test_rows)
    leaky = MinMaxScaler().fit(clean).transform(test_rows)
    outside = {"honest": float(np.mean((honest < 0) | (honest > 1))),
               "leaky": float(np.mean((leaky < 0) | (leaky > 1)))}
    print(f"  min-max fitted on the training rows: {outside['honest']:.1%} of test values "
          f"fall outside [0, 1], as new data will")
    print(f"  min-max fitted on all rows (clean, scale, then split): {outside['leaky']:.1%}: the "
          f"test set's extremes were used to scale it")
    standard = StandardScaler().fit(train_rows)
    z = standard.transform(test_rows)
    print(f"  standardised with training μ, σ: test means {np.round(z.mean(0), 2).tolist()}, "
          f"stds {np.round(z.std(0), 2).tolist()} (near, not exactly, 0 and 1: as it should be)")
    raw = table[:, 3]
    squeezed = MinMaxScaler().fit_transform(raw[~np.isnan(raw), None])
    print(f"  min-max with the typo left in: {np.mean(squeezed < 0.01):.0%} of incomes land "
          f"in [0, 0.01]; standardising is no cure either (σ is inflated too): clean first")
    return outside


# ---- part 2: digits, augmentation and the split ---------------------------------------------


def few_digits(x_dev, y_dev, seed, per_digit=PER_DIGIT):
    rng = np.random.default_rng(seed)
    picks = np.concatenate([rng.choice(np.flatnonzero(y_dev == c), per_digit, replace=False)
                            for c in range(10)])
    return x_dev[picks], y_dev[picks]


def augmentations():
    suitable = [T.RandomCrop(8, padding=1), T.RandomRotation(10),
                T.ColorJitter(brightness=0.2, contrast=0.2), T.GaussianNoise(sigma=0.05)]
    return {
        "none": None,
        "crop+rotate+jitter+noise": T.Compose(suitable),
        "the same + horizontal flip": T.Compose([T.RandomHorizontalFlip(0.5), *suitable]),
    }


def train_cnn(x, y, transform, args):
    """A small CNN trained on numpy images (x, y), each epoch through `transform` (or none)."""
    mg.manual_seed(args.seed)
    model = DigitsCNN(channels=(16, 32), hidden=64).to(args.device)
    dataset = TensorDataset(x, y)
    if transform is not None:
        dataset = TransformedDataset(dataset, T.Compose([transform, T.ToTensor()]))
    loader = DataLoader(dataset, batch_size=BATCH_SIZE, shuffle=True, seed=args.seed,
                        device=args.device)
    optimizer, scheduler = adam_with_cosine(model, args.epochs, LEARNING_RATE)
    fit(model, loader, optimizer, scheduler, args.epochs, desc="training")
    return model


def as_tensors(x, y, device):
    return mg.tensor(x, device=device), mg.tensor(y, device=device)


def augmentation(args, train, test):
    common.heading(f"augmenting {len(train[1])} training digits, {args.epochs} epochs, "
                   f"tested on {len(test[1])} (seed 004 §3.1.2)")
    test_t = as_tensors(*test, args.device)
    flipped_t = as_tensors(np.ascontiguousarray(test[0][..., ::-1]), test[1], args.device)
    accuracies, models = {}, {}
    for name, transform in augmentations().items():
        models[name] = train_cnn(*train, transform, args)
        accuracies[name] = accuracy(models[name], *test_t)
        print(f"  {name:<28} test accuracy {accuracies[name]:.3f}")
    plain = models["none"]
    mirrored = accuracy(plain, *flipped_t)
    print(f"  the unaugmented CNN on mirrored test digits: {mirrored:.3f} (on the originals "
          f"{accuracies['none']:.3f}): a mirrored digit is another shape")
    return accuracies, mirrored


def augment_before_split(args, x_dev, y_dev):
    """The leak of augmenting first: shifted copies of one image on both sides of the split."""
    common.heading(f"augment before or after the split ({LEAK_POOL} digits, {LEAK_COPIES} "
                   "shifted copies each)")
    x, y = few_digits(x_dev, y_dev, args.seed + 1, per_digit=LEAK_POOL // 10)
    shift = T.Compose([T.RandomCrop(8, padding=1), T.RandomRotation(10)])
    mg.manual_seed(args.seed)
    copies_x = np.stack([shift(image) for image in x for _ in range(LEAK_COPIES)])
    copies_y = np.repeat(y, LEAK_COPIES)
    leaky_train, leaky_test = split_indices(len(copies_y), [0.5, 0.5], generator=args.seed)
    model = train_cnn(copies_x[leaky_train], copies_y[leaky_train], None, args)
    leaky = accuracy(model, *as_tensors(copies_x[leaky_test], copies_y[leaky_test], args.device))
    train, test = split_indices(len(y), [0.5, 0.5], generator=args.seed, stratify=y)
    model = train_cnn(x[train], y[train], shift, args)
    test_copies = np.stack([shift(image) for image in x[test] for _ in range(LEAK_COPIES)])
    honest = accuracy(model, *as_tensors(test_copies, np.repeat(y[test], LEAK_COPIES),
                                        args.device))
    print(f"  augment, then split: test accuracy {leaky:.3f} (test copies of training images)")
    print(f"  split, then augment the training half: {honest:.3f} (images the model never saw)")
    return leaky, honest


def plot_augmented(args, x, y):
    names = ("original", "crop (pad 1)", "rotate ±10°", "jitter", "noise σ=0.05",
             "all four", "horizontal flip")
    ops = [None, T.RandomCrop(8, padding=1), T.RandomRotation(10),
           T.ColorJitter(brightness=0.3, contrast=0.3), T.GaussianNoise(sigma=0.05),
           augmentations()["crop+rotate+jitter+noise"], T.RandomHorizontalFlip(1.0)]
    digits = [x[np.flatnonzero(y == d)[0]] for d in (2, 3, 4, 5, 7, 9)]  # flips change these
    fig, axes = plt.subplots(len(digits), len(ops), figsize=(1.4 * len(ops), 1.5 * len(digits)))
    for row, image in enumerate(digits):
        for col, op in enumerate(ops):
            shown = image if op is None else op(image)
            axes[row, col].imshow(shown[0], cmap="gray_r", vmin=0, vmax=1)
            axes[row, col].set_xticks([]), axes[row, col].set_yticks([])
            if row == 0:
                axes[row, col].set_title(names[col], fontsize=8)
    fig.suptitle("augmented training digits (the last column changes the digit)")
    common.save_figure(fig, args, "14_augmented_digits.png")


def plot_outliers(args, table, is_outlier):
    income = table[:, 3]
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
    for ax, rows, title in ((axes[0], np.ones(ROWS, bool), "with the typo"),
                            (axes[1], income < income.max(), "typo removed")):
        values = income[rows]
        z_flags, iqr_flags = zscore_outliers(values), iqr_outliers(values)
        shown = values < 1e5
        ax.scatter(np.flatnonzero(shown), values[shown], s=6, c="grey", label="rows")
        for flags, marker, label in ((z_flags, "o", "z-score flags"), (iqr_flags, "x", "IQR flags")):
            pick = flags & shown
            ax.scatter(np.flatnonzero(pick), values[pick], s=40, marker=marker,
                       facecolors="none" if marker == "o" else None,
                       edgecolors="C0" if marker == "o" else None,
                       c=None if marker == "o" else "C3", label=label)
        ax.set(title=f"income, {title}", xlabel="row", ylabel="income")
        ax.legend(fontsize=7)
    fig.suptitle("masking: one huge value inflates the std, so z-score misses the others")
    common.save_figure(fig, args, "14_outliers.png")


def main():
    args = common.parse_args(common.lesson_parser(__doc__, epochs=60, quick_epochs=25))
    table, is_outlier = make_table(args.seed)
    train, test = split_indices(ROWS, [0.8, 0.2], generator=args.seed)
    scores = outliers(table, is_outlier)
    fills = missing_values(table, train, test)
    outside = scaling_and_leak(table, is_outlier, train, test)
    plot_outliers(args, table, is_outlier)

    (x_dev, y_dev), (x_test, y_test) = digits_split(test_fraction=0.2, seed=0)
    small = few_digits(x_dev, y_dev, args.seed)
    plot_augmented(args, *small)
    accuracies, mirrored = augmentation(args, small, (x_test, y_test))
    leaky, honest = augment_before_split(args, x_dev, y_dev)

    errors = [
        outside["leaky"] < outside["honest"],  # seed 001 §2.1: normalise before the split
        accuracies["the same + horizontal flip"] < accuracies["crop+rotate+jitter+noise"],
        scores["z-score", "with the 1000× typo"][1] < scores["IQR", "with the 1000× typo"][1],
    ]
    common.print_result(
        f"z_recall={scores['z-score', 'with the 1000× typo'][1]:.2f}"
        f" iqr_recall={scores['IQR', 'with the 1000× typo'][1]:.2f}"
        f" iqr_precision={scores['IQR', 'with the 1000× typo'][0]:.2f}"
        f" z_recall_no_typo={scores['z-score', 'typo removed'][1]:.2f}"
        f" mean_fill_shift={abs(fills['mean'] - MEANS[3]) / STDS[3]:.1f}"
        f" minmax_outside_honest={outside['honest']:.3f} minmax_outside_leaky={outside['leaky']:.3f}"
        f" acc_none={accuracies['none']:.3f} acc_aug={accuracies['crop+rotate+jitter+noise']:.3f}"
        f" acc_flip={accuracies['the same + horizontal flip']:.3f} mirrored={mirrored:.3f}"
        f" leak_acc={leaky:.3f} honest_acc={honest:.3f}"
        f" course_errors={sum(errors)}"
    )


if __name__ == "__main__":
    main()
