"""Lesson 04: the course's convolutional network, from one output pixel to 99% of the digits.

    python -m lessons.04_cnn [--quick] [--device cpu|cuda] [--epochs N] [--augment]
                             [--dataset digits|mnist]

CONVOLUTION (seed 001 §5.1). A 3×3 kernel w slides over the image x; each output pixel is
the weighted sum of the patch under it, plus a bias:

    y_ij = Σ_{m=1..M} Σ_{n=1..N} x_{m+i−1, n+j−1} · w_mn + b

(indices from 1, as in the document). The kernel is not flipped, so strictly this is a
cross-correlation; deep learning calls it convolution anyway, and so do Keras, PyTorch and
minigrad. Each y_ij needs the whole M×N patch inside the image, so an H×W image gives a
"valid" output of (H − M + 1) × (W − N + 1); padding the image with a border of p zeros
first gives (H + 2p − M + 1) × (W + 2p − N + 1), the same size as the input for 3×3 and p = 1.

MAX POOLING (seed 001 §5.1) keeps the largest value of each 2×2 window. The windows must
step by 2 (the stride s) for the pooling to halve the picture, as the text says it does:

    y_ij = max_{m, n ∈ {1, 2}} x_{s(i−1)+m, s(j−1)+n},   s = 2.

THE MODEL is seed 001 §4.1's Keras Sequential, ported layer for layer in
lessons/digits_cnn.py: conv 32 → pool → conv 64 → pool → flatten → dense 128 → dense 10.
Keras ends it with softmax and trains with sparse categorical cross-entropy, −log p_y where
p = softmax(z) and y is the class as an integer ("sparse": not a one-hot vector). minigrad
(like PyTorch) returns the logits z and lets F.cross_entropy(z, y) compute the same
−log softmax(z)_y in one fused step, as logsumexp(z) − z_y: no probability is rounded to 0,
so the loss stays finite at confident mistakes (shown below). Optimiser Adam, batch 32, as in
the document.

THE DATA. The document trains on 28×28 MNIST images; minigrad ships 1,797 real 8×8 digits
(1,437 to train, 355 to test). On them each conv pads by 1, since unpadded 3×3 convs and 2×2
pools would shrink 8 → 6 → 3 → 1 → 0. `--dataset mnist` runs the document's exact shapes
(28 → 26 → 13 → 11 → 5) when the MNIST files are in the cache (see datasets/mnist.py).

THE RECIPE that makes 97.5% reliable. The lesson trains two copies from the same starting
weights on the same batches: the document's recipe (Adam at Keras's default lr 1e-3, held
constant) and this lesson's (Adam from lr 2e-3, which a cosine takes to 0 over the run: seed
004 §3.2.2's "余弦学习率衰减", cosine decay; big steps while far from a minimum, ever smaller
ones to settle into it). Measured with --seed 0 … 4 on the 355 test digits (one image is 0.28
points):

    epochs   constant lr 1e-3          cosine from 2e-3
    10       96.3 – 98.3% (3 of 5      97.7 – 98.6%
             below 97.5%)
    20       98.6 – 98.9%              98.9 – 99.4%   (the default)

so the larger lever is the epochs (the document's 10 are too few for 1,437 small images),
and the cosine adds a few tenths and an end without hopping (the last epochs' test accuracy
stops moving). Augmentation (seed 004 §3.1.2) is `--augment`: every training image turned by
a random angle up to ±10° each epoch. It gave 98.9 – 99.4% too, a difference from plain
training smaller than the spread from seed to seed, so it is off by default.

WHERE THE COURSE IS WRONG:
  * seed 004 §2.2.1's conv2d pseudo-code allocates `output = np.zeros_like(input)` and loops
    i, j over the whole input: the output has the input's shape instead of
    (H − k + 1) × (W − k + 1), and near the right and bottom edges the slice
    input[i:i+k, j:j+k] runs off the image, is smaller than the kernel, and numpy refuses to
    multiply them. Run as written below, it stops with that error.
  * seed 001 §5.1's pooling formula y_ij = max(x_{m+i−1, n+j−1}) gives no window and no
    stride. Read like the convolution (i steps by 1), it is a sliding 2×2 maximum that turns
    8×8 into 7×7: it does not down-sample. MaxPooling2D((2, 2)) steps by 2.
"""

import matplotlib.pyplot as plt
import numpy as np

import minigrad as mg
import minigrad.nn.functional as F
from datasets.mnist import load_mnist
from lessons import common
from lessons.digits_cnn import (
    EPOCHS,
    LEARNING_RATE,
    DigitsCNN,
    accuracy,
    adam_with_cosine,
    digit_data,
    fit,
    predict,
    train_loader,
)
from minigrad.data import DataLoader
from minigrad.data.dataset import TensorDataset, TransformedDataset
from minigrad.data.transforms import RandomRotation
from minigrad.metrics import confusion_matrix
from minigrad.optim import Adam

QUICK_EPOCHS = 4
TARGET = 0.975
KERAS_LR = 1e-3  # what optimizer='adam' means in Keras: Adam(learning_rate=0.001)
CONSTANT, COSINE = f"constant lr {KERAS_LR}", f"cosine from lr {LEARNING_RATE}"
AUGMENT_DEGREES = 10  # a 6 turned much further starts to look like something else

# A kernel that answers "does the ink get darker from left to right?", and a bias.
EDGE_KERNEL = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]], dtype=np.float32)
EDGE_BIAS = 0.1
WORKED_OUTPUT = (3, 4)  # the (i, j) computed by hand, counted from 1 as in the document


def conv2d_by_formula(x, w, b):
    """Seed 001 §5.1's y_ij = Σ_m Σ_n x_{m+i−1, n+j−1}·w_mn + b for every valid (i, j), in
    plain loops; indices from 0 here, so x_{m+i−1, n+j−1} is x[i + m, j + n]. This is also
    seed 004 §2.2.1's pseudo-code corrected: the output is (H − M + 1) × (W − N + 1)."""
    (height, width), (rows, cols) = x.shape, w.shape
    y = np.zeros((height - rows + 1, width - cols + 1), dtype=x.dtype)
    for i in range(y.shape[0]):
        for j in range(y.shape[1]):
            y[i, j] = sum(x[i + m, j + n] * w[m, n] for m in range(rows) for n in range(cols)) + b
    return y


def course_conv2d(input, weights, bias):
    """Seed 004 §2.2.1's pseudo-code, line for line."""
    output = np.zeros_like(input)
    for i in range(input.shape[0]):
        for j in range(input.shape[1]):
            output[i, j] = bias + np.sum(weights * input[i:i+weights.shape[0], j:j+weights.shape[1]])
    return output


def max_pool_by_formula(x, size, stride):
    """y_ij = max over the size×size window whose corner is at (stride·i, stride·j)."""
    out_h = (x.shape[0] - size) // stride + 1
    out_w = (x.shape[1] - size) // stride + 1
    y = np.zeros((out_h, out_w), dtype=x.dtype)
    for i in range(out_h):
        for j in range(out_w):
            y[i, j] = x[stride * i : stride * i + size, stride * j : stride * j + size].max()
    return y


def as_batch(image):
    """A (H, W) numpy image as a (1, 1, H, W) CPU tensor, the layout F.conv2d expects."""
    return mg.tensor(image[None, None], device="cpu")


def convolution_by_hand(image):
    common.heading("the convolution formula of seed 001 §5.1, by hand")
    i, j = WORKED_OUTPUT
    patch = image[i - 1 : i + 2, j - 1 : j + 2]
    terms = " + ".join(f"{x:.2f}·({w:g})" for x, w in zip(patch.ravel(), EDGE_KERNEL.ravel()))
    by_hand = float((patch * EDGE_KERNEL).sum()) + EDGE_BIAS
    print(f"a test digit ({image.shape[0]}×{image.shape[1]}), the edge kernel w = "
          f"{EDGE_KERNEL.astype(int).tolist()}, b = {EDGE_BIAS}")
    print(f"y_{i}{j} = Σ_m Σ_n x(m+{i}−1, n+{j}−1)·w_mn + b\n     = {terms} + {EDGE_BIAS}"
          f"\n     = {by_hand:.4f}")
    weight, bias = mg.tensor(EDGE_KERNEL[None, None]), mg.tensor([EDGE_BIAS])
    valid = F.conv2d(as_batch(image), weight, bias).numpy()[0, 0]
    common.check(f"F.conv2d's y_{i}{j}", valid[i - 1, j - 1], by_hand)
    common.check(f"every y_ij by the formula, {valid.shape[0]}×{valid.shape[1]}, = F.conv2d",
                 conv2d_by_formula(image, EDGE_KERNEL, EDGE_BIAS), valid)
    padded = F.conv2d(as_batch(image), weight, bias, padding=1).numpy()[0, 0]
    common.check(f"padding=1: the formula on the zero-padded image, {padded.shape[0]}×"
                 f"{padded.shape[1]}", conv2d_by_formula(np.pad(image, 1), EDGE_KERNEL, EDGE_BIAS),
                 padded)
    return padded


def course_conv2d_as_written(image):
    common.heading("seed 004 §2.2.1's conv2d pseudo-code, as written")
    k = EDGE_KERNEL.shape[0]
    height, width = image.shape
    print(f"output = np.zeros_like(input) allocates {np.zeros_like(image).shape}; a valid "
          f"{k}×{k} convolution of a {height}×{width} image is {height - k + 1}×{width - k + 1}")
    try:
        course_conv2d(image, EDGE_KERNEL, EDGE_BIAS)
    except ValueError as error:
        print(f"running it: ValueError: {error}")
        print(f"  at i = 0, j = {width - k + 1} the slice input[0:{k}, {width - k + 1}:"
              f"{width + 1}] is only {k}×{k - 1}: the loop runs off the edge of the image")
    fixed = conv2d_by_formula(image, EDGE_KERNEL, EDGE_BIAS)
    reference = F.conv2d(as_batch(image), mg.tensor(EDGE_KERNEL[None, None]), mg.tensor([EDGE_BIAS]))
    common.check(f"corrected: output (H−k+1)×(W−k+1) = {fixed.shape}, against F.conv2d",
                 fixed, reference.numpy()[0, 0])


def max_pooling_by_hand(feature_map):
    common.heading("max pooling (seed 001 §5.1), by hand")
    relu = np.maximum(feature_map, 0)
    height, width = relu.shape
    window = relu[0:2, 2:4]
    print(f"the ReLU of the padded convolution above ({height}×{width}); its window rows 1-2, "
          f"columns 3-4:\n  {[[f'{v:.4f}' for v in row] for row in window]}  → max {window.max():.4f}")
    pooled = F.max_pool2d(as_batch(relu), 2).numpy()[0, 0]
    common.check("F.max_pool2d(x, 2)'s y_12", pooled[0, 1], window.max())
    common.check(f"every y_ij with stride 2: {pooled.shape[0]}×{pooled.shape[1]}, = F.max_pool2d",
                 max_pool_by_formula(relu, 2, stride=2), pooled)
    sliding = max_pool_by_formula(relu, 2, stride=1)
    print(f"the formula as written, i stepping by 1: {sliding.shape[0]}×{sliding.shape[1]}, "
          f"not {pooled.shape[0]}×{pooled.shape[1]}: a sliding maximum, no down-sampling")
    common.check("that is F.max_pool2d(x, 2, stride=1)", sliding,
                 F.max_pool2d(as_batch(relu), 2, stride=1).numpy()[0, 0])


def why_logits():
    common.heading("Keras's softmax + sparse categorical cross-entropy = logits + F.cross_entropy")
    logits = mg.tensor([[2.0, -1.0, 0.5], [0.1, 0.2, 3.0]])
    labels = mg.tensor([0, 1], dtype=mg.int64)
    two_steps = -logits.softmax(dim=1)[np.arange(2), labels.numpy()].log().mean()
    common.check("ordinary logits: −mean(log softmax(z)_y) = F.cross_entropy(z, y)",
                 two_steps.item(), F.cross_entropy(logits, labels).item())
    confident = mg.tensor([[1e4, -1e4]])
    wrong = mg.tensor([1], dtype=mg.int64)
    with np.errstate(divide="ignore"):  # log(0) = −inf is the point being made
        softmax_then_log = -confident.softmax(dim=1)[0, 1].log().item()
    print(f"a confident mistake, z = [1e4, −1e4], y = 1: softmax then −log gives "
          f"{softmax_then_log} (p_1 rounds to 0); F.cross_entropy gives "
          f"{F.cross_entropy(confident, wrong).item():.1f}, the true loss z_0 − z_1")


def show_shapes(model, image_size, title):
    """Run one blank image through the layers and print each output shape and parameter count."""
    print(title)
    x = mg.zeros(1, 1, image_size, image_size)
    with mg.no_grad():
        for layer in [*model.features, *model.classifier]:
            x = layer(x)
            count = sum(p.data.size for p in layer.parameters())
            print(f"  {type(layer).__name__:<10} → {str(tuple(x.shape[1:])):<14} {count:>8,} parameters")
    print(f"  {'total':<27} {sum(p.data.size for p in model.parameters()):>8,} parameters")


def the_model(model, image_size, padding):
    common.heading("seed 001 §4.1's Keras model, layer by layer (channels first: (C, H, W))")
    if image_size != 28:
        show_shapes(DigitsCNN(28, padding=0), 28, "the document's 28×28 input, no padding:")
    show_shapes(model, image_size, f"this run's {image_size}×{image_size} input, padding {padding}:")


def mnist_data(parser, device):
    """(x_train, y_train, x_test, y_test) of MNIST, or a usage error saying how to get it."""
    try:
        (x_train, y_train), (x_test, y_test) = load_mnist(train=True), load_mnist(train=False)
    except FileNotFoundError as error:
        parser.error(f"--dataset mnist needs the MNIST files. {error}")
    return tuple(mg.tensor(a, device=device) for a in (x_train, y_train, x_test, y_test))


def training_loader(x_train, y_train, args):
    """Batches of 32; with --augment every image is turned by a fresh random angle each epoch."""
    if not args.augment:
        return train_loader(x_train, y_train, seed=args.seed, device=args.device)
    turned = TransformedDataset(TensorDataset(x_train.numpy(), y_train.numpy()),
                                transform=RandomRotation(AUGMENT_DEGREES))
    return DataLoader(turned, batch_size=32, shuffle=True, seed=args.seed, device=args.device)


def train_both(model, document_model, data, args):
    """Train `document_model` by the document's recipe and `model` by this lesson's (give them
    the same starting weights); the two histories."""
    x_train, y_train, x_test, y_test = data
    augment = f", random turns ±{AUGMENT_DEGREES}°" if args.augment else ""
    common.heading(f"training two copies, Adam, batch 32, {args.epochs} epochs{augment}, on "
                   f"{args.device}: the document's {CONSTANT} and this lesson's {COSINE} to 0")
    watch = {"train": (x_train, y_train), "test": (x_test, y_test)}
    constant = Adam(document_model.parameters(), lr=KERAS_LR)
    document = fit(document_model, training_loader(x_train, y_train, args), constant, None,
                   args.epochs, evaluate_on=watch, desc="constant lr")
    cosine = fit(model, training_loader(x_train, y_train, args),
                 *adam_with_cosine(model, args.epochs), args.epochs, evaluate_on=watch,
                 desc="cosine lr")
    print(f"       {CONSTANT:<22}{COSINE}")
    print("epoch  loss    test acc      loss    train acc  test acc")
    for epoch in range(args.epochs):
        print(f"{epoch + 1:>5}  {document['loss'][epoch]:.4f}  {document['test'][epoch]:.4f}"
              f"        {cosine['loss'][epoch]:.4f}  {cosine['train'][epoch]:.4f}     "
              f"{cosine['test'][epoch]:.4f}")
    return {CONSTANT: document, COSINE: cosine}


def plot_curves(histories, args):
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for (label, history), color in zip(histories.items(), ("tab:gray", "tab:blue")):
        epochs = np.arange(1, len(history["loss"]) + 1)
        left.plot(epochs, history["loss"], marker=".", color=color, label=label)
        right.plot(epochs, history["test"], marker=".", color=color, label=f"{label}, test")
        right.plot(epochs, history["train"], linestyle="--", color=color, label=f"{label}, train")
    left.set(xlabel="epoch", ylabel="cross-entropy", title="training loss", yscale="log")
    left.legend()
    right.axhline(TARGET, color="black", linestyle=":", label=f"target {TARGET}")
    right.set(xlabel="epoch", ylabel="accuracy", title="accuracy", ylim=(0.8, 1.0))
    right.legend(fontsize=8)
    common.save_figure(fig, args, f"04_curves_{args.dataset}.png")


def error_analysis(model, x_test, y_test, args):
    common.heading("the test images it gets wrong (rows: true digit, columns: predicted)")
    matrix = confusion_matrix(y_test.numpy(), predict(model, x_test), num_classes=10)
    print("      " + " ".join(f"{d:>3}" for d in range(10)))
    for digit, row in enumerate(matrix):
        print(f"  {digit:>3} " + " ".join(f"{n:>3}" if n else "  ." for n in row))
    errors = matrix - np.diag(np.diag(matrix))
    true, guess = np.unravel_index(errors.argmax(), errors.shape)
    print(f"{errors.sum()} of {matrix.sum()} wrong; the most frequent mistake: a {true} taken for "
          f"a {guess}, {errors[true, guess]}×")
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.imshow(np.log1p(matrix), cmap="Blues")
    for (true, guess), n in np.ndenumerate(matrix):
        if n:
            ax.text(guess, true, n, ha="center", va="center", fontsize=8,
                    color="white" if true == guess else "black")
    ax.set(xlabel="predicted", ylabel="true", xticks=range(10), yticks=range(10),
           title="confusion matrix (test set)")
    common.save_figure(fig, args, f"04_confusion_{args.dataset}.png")


def main():
    parser = common.lesson_parser(__doc__, epochs=EPOCHS, quick_epochs=QUICK_EPOCHS)
    parser.add_argument("--dataset", choices=("digits", "mnist"), default="digits",
                        help="the 8×8 digits that ship (default), or MNIST's 28×28 from the "
                             "cache (the document trains it 10 epochs: add --epochs 10)")
    parser.add_argument("--augment", action="store_true",
                        help=f"train on randomly turned digits (±{AUGMENT_DEGREES}°)")
    args = common.parse_args(parser)
    if args.dataset == "mnist":
        data, image_size, padding = mnist_data(parser, args.device), 28, 0
    else:
        data, image_size, padding = digit_data(args.device), 8, 1
    model, document_model = DigitsCNN(image_size, padding), DigitsCNN(image_size, padding)
    document_model.load_state_dict(model.state_dict())  # both recipes start from the same weights
    image = data[2][0, 0].numpy()  # the first test image, on the CPU for the hand calculations

    feature_map = convolution_by_hand(image)
    course_conv2d_as_written(image)
    max_pooling_by_hand(feature_map)
    why_logits()
    the_model(model, image_size, padding)
    histories = train_both(model.to(args.device), document_model.to(args.device), data, args)
    plot_curves(histories, args)
    error_analysis(model, data[2], data[3], args)

    test_accuracy = accuracy(model, data[2], data[3])
    images = "28×28 MNIST" if args.dataset == "mnist" else f"8×8 digits (target ≥ {TARGET})"
    common.print_result(f"test accuracy={test_accuracy:.4f} on {images} in {args.epochs} epochs "
                        f"({CONSTANT}: {histories[CONSTANT]['test'][-1]:.4f})")


if __name__ == "__main__":
    main()
