"""The course's Keras CNN (seed 001 §4.1), ported layer for layer, and the loop that trains it on
the handwritten digits. Lesson 04 teaches it; lessons 08 (pruning), 09 (distillation) and 10
(mixed precision) start from it.

    Keras (seed 001 §4.1)                          minigrad
    Conv2D(32, (3,3), activation='relu',           Conv2d(1, 32, 3, padding=p), ReLU()
           input_shape=(28,28,1))
    MaxPooling2D((2,2))                            MaxPool2d(2)
    Conv2D(64, (3,3), activation='relu')           Conv2d(32, 64, 3, padding=p), ReLU()
    MaxPooling2D((2,2))                            MaxPool2d(2)
    Flatten()                                      Flatten()
    Dense(128, activation='relu')                  Linear(64·s·s, 128), ReLU()
    Dense(10, activation='softmax')                Linear(128, 10)  -> logits

Keras puts the softmax in the last layer and pairs it with sparse categorical cross-entropy;
minigrad (like PyTorch) returns logits and lets F.cross_entropy apply a log-softmax inside,
which is the same function computed stably. Keras is channels-last (28, 28, 1), minigrad
channels-first (1, 28, 28).

The document's 28×28 MNIST images fit its unpadded 3×3 convolutions (28→26→13→11→5). The 8×8
digits that ship with minigrad would shrink to nothing (8→6→3→1→0), so on them every conv pads
by 1 (8→8→4→4→2).

Lesson 04's training recipe lives here too (`adam_with_cosine`, `fit`, `trained_digits_cnn`),
so the lessons that start from a trained CNN start from the same one.
"""

import numpy as np
from tqdm import trange

import minigrad as mg
import minigrad.nn.functional as F
from datasets.digits import digits_split
from minigrad import nn
from minigrad.data import DataLoader, TensorDataset
from minigrad.nn.utils import check_finite
from minigrad.optim import Adam
from minigrad.optim.lr_scheduler import CosineAnnealingLR

LEARNING_RATE = 2e-3  # Adam's starting step in lesson 04's recipe; the cosine takes it to 0
EPOCHS = 20  # lesson 04's recipe reaches ≥ 98.8% test accuracy with it (seeds 0..4)


class DigitsCNN(nn.Module):
    def __init__(self, image_size=8, padding=1, channels=(32, 64), hidden=128, classes=10):
        super().__init__()
        c1, c2 = channels
        side = image_size
        for _ in range(2):  # each block: 3×3 conv (shrinks by 2 - 2·padding), then 2×2 pool
            side = (side + 2 * padding - 2) // 2
        if side < 1:
            raise ValueError(f"DigitsCNN: {image_size}×{image_size} images need padding=1")
        self.features = nn.Sequential(
            nn.Conv2d(1, c1, 3, padding=padding), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(c1, c2, 3, padding=padding), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(c2 * side * side, hidden), nn.ReLU(), nn.Linear(hidden, classes)
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def digit_data(device="cpu"):
    """The fixed stratified split of the 1,797 digits as tensors: (x_train, y_train, x_test, y_test)."""
    (x_train, y_train), (x_test, y_test) = digits_split(test_fraction=0.2, seed=0)
    return tuple(mg.tensor(a, device=device) for a in (x_train, y_train, x_test, y_test))


def train_loader(x, y, batch_size=32, seed=0, device="cpu"):
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True, seed=seed, device=device)


def adam_with_cosine(model, epochs, lr=LEARNING_RATE):
    """Adam (Keras's optimizer='adam'), its lr falling along half a cosine to 0 over `epochs`:
    big steps while far from a minimum, small ones to settle into it."""
    optimizer = Adam(model.parameters(), lr=lr)
    return optimizer, CosineAnnealingLR(optimizer, T_max=epochs)


def fit(model, loader, optimizer, scheduler, epochs, evaluate_on=None, desc="epochs"):
    """Train `epochs` epochs, stepping the scheduler (if any) after each; returns the history:
    {"loss": mean training loss per epoch, name: accuracy per epoch for each name: (x, y)
    in `evaluate_on`}. The progress bar shows only on a terminal."""
    evaluate_on = evaluate_on or {}
    history = {"loss": [], **{name: [] for name in evaluate_on}}
    for epoch in trange(epochs, desc=desc, leave=False, disable=None):
        history["loss"].append(train_epoch(model, loader, optimizer, epoch=epoch))
        if scheduler is not None:
            scheduler.step()
        for name, (x, y) in evaluate_on.items():
            history[name].append(accuracy(model, x, y))
    return history


def trained_digits_cnn(data, epochs=EPOCHS, seed=0, device="cpu", lr=LEARNING_RATE, batch_size=32):
    """A DigitsCNN trained on `data` = digit_data(device) by lesson 04's recipe."""
    mg.manual_seed(seed)
    model = DigitsCNN().to(device)
    x_train, y_train, _, _ = data
    loader = train_loader(x_train, y_train, batch_size, seed=seed, device=device)
    fit(model, loader, *adam_with_cosine(model, epochs, lr), epochs, desc="training the CNN")
    return model


def train_epoch(model, loader, optimizer, loss_fn=None, epoch=0):
    """One pass over `loader`; returns the mean loss. A NaN/inf loss stops with a clear error."""
    loss_fn = loss_fn or (lambda logits, x, y: F.cross_entropy(logits, y))
    model.train()
    total, count = 0.0, 0
    for step, (x, y) in enumerate(loader):
        optimizer.zero_grad()
        loss = loss_fn(model(x), x, y)
        value = check_finite(loss, step=f"{epoch}.{step}")
        loss.backward()
        optimizer.step()
        total, count = total + value * len(y), count + len(y)
    return total / count


def predict_logits(model, x, batch_size=512):
    """The model's logits (numpy, one row per sample) in evaluation mode and without a graph."""
    model.eval()
    with mg.no_grad():
        logits = [model(x[i : i + batch_size]).numpy() for i in range(0, len(x), batch_size)]
    return np.concatenate(logits)


def predict(model, x, batch_size=512):
    """Class predictions (numpy int64): the argmax over the last axis, the classes (so per-step
    outputs (N, L, classes) work too)."""
    return predict_logits(model, x, batch_size).argmax(axis=-1)


def accuracy(model, x, y):
    return float((predict(model, x) == y.numpy()).mean())
