"""The training steps the CPU benchmark times, each written once for both frameworks.

minigrad copies PyTorch's API, so a model written against a framework's `nn` builds in
either: `mlp(torch.nn, ...)` and `mlp(minigrad.nn, ...)` have the same layers and the same
state-dict names. Each workload builds the PyTorch model first and loads its weights into the
minigrad one, and feeds both the same numpy batch, so the two time exactly the same
computation (`check_same_loss` verifies that before any timing).

A step is what a training loop repeats: zero the gradients, forward, loss, backward, Adam.
"""

from collections import OrderedDict
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as torch_F

import minigrad as mg
import minigrad.nn.functional as mg_F
from lessons.digits_cnn import DigitsCNN

TORCH = SimpleNamespace(name="PyTorch", nn=torch.nn, F=torch_F, Adam=torch.optim.Adam,
                        from_numpy=torch.from_numpy)
MINIGRAD = SimpleNamespace(name="minigrad", nn=mg.nn, F=mg_F, Adam=mg.optim.Adam,
                           from_numpy=mg.from_numpy)
PAD, CLS = 0, 1  # token ids of the BERT-style batch


# ---- models, written against either framework's nn -----------------------------------------
def torch_digits_cnn(channels=(32, 64), hidden=128, classes=10):
    """lessons/digits_cnn.py's DigitsCNN(image_size=28, padding=0) in PyTorch: the same
    `features` and `classifier` blocks, so the state dicts match name for name."""
    nn = torch.nn
    c1, c2 = channels
    return nn.Sequential(OrderedDict(
        features=nn.Sequential(
            nn.Conv2d(1, c1, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(c1, c2, 3), nn.ReLU(), nn.MaxPool2d(2),
        ),
        classifier=nn.Sequential(
            nn.Flatten(), nn.Linear(c2 * 5 * 5, hidden), nn.ReLU(), nn.Linear(hidden, classes)
        ),
    ))


def mlp(nn, sizes):
    """Linear layers of the given widths with ReLU between them."""
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def lstm_tagger(nn, hidden=64, classes=10):
    """The course's Keras LSTM: LSTM(64) -> LSTM(64) -> Dense(10) at every step."""

    class LSTMTagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(1, hidden, num_layers=2, batch_first=True)
            self.head = nn.Linear(hidden, classes)

        def forward(self, x):
            return self.head(self.lstm(x)[0])

    return LSTMTagger()


def bert_classifier(nn, vocab=1000, length=16, d_model=64, heads=4, layers=2, feedforward=128,
                    classes=2, dropout=0.1):
    """A BERT-style encoder: token + learned position embeddings, LayerNorm, post-norm
    encoder layers with a padding mask, and a classifier on the [CLS] token's output."""

    class BertClassifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.token = nn.Embedding(vocab, d_model, padding_idx=PAD)
            self.position = nn.Embedding(length, d_model)
            self.norm = nn.LayerNorm(d_model)
            self.dropout = nn.Dropout(dropout)
            layer = nn.TransformerEncoderLayer(d_model, heads, feedforward, dropout,
                                               activation="gelu", batch_first=True)
            self.encoder = nn.TransformerEncoder(layer, layers)
            self.head = nn.Linear(d_model, classes)

        def forward(self, ids):
            x = self.token(ids) + self.position.weight[: ids.shape[1]]
            x = self.encoder(self.dropout(self.norm(x)), src_key_padding_mask=ids == PAD)
            return self.head(x[:, 0])

    return BertClassifier()


# ---- data ----------------------------------------------------------------------------------
def images(rng, batch):
    return rng.standard_normal((batch, 1, 28, 28), dtype=np.float32), labels(rng, batch, 10)


def features(rng, batch, width):
    return rng.standard_normal((batch, width), dtype=np.float32), labels(rng, batch, 10)


def sequences(rng, batch=32, length=10):
    """A (batch, length, 1) series and a class per step."""
    return rng.standard_normal((batch, length, 1), dtype=np.float32), labels(rng, (batch, length), 10)


def token_batch(rng, batch=32, length=16, vocab=1000):
    """[CLS] then random tokens, padded to `length` after a random 4..length tokens."""
    ids = rng.integers(2, vocab, size=(batch, length))
    ids[:, 0] = CLS
    lengths = rng.integers(4, length + 1, size=batch)
    ids[np.arange(length) >= lengths[:, None]] = PAD
    return ids, labels(rng, batch, 2)


def labels(rng, shape, classes):
    return rng.integers(0, classes, size=shape)


# ---- steps ---------------------------------------------------------------------------------
@dataclass
class TrainingStep:
    """One framework's model, optimizer and batch; calling it runs one training step."""

    model: object
    optimizer: object
    inputs: object
    targets: object
    loss_fn: Callable

    def loss(self):
        return self.loss_fn(self.model(self.inputs), self.targets)

    def __call__(self):
        self.optimizer.zero_grad()
        loss = self.loss()
        loss.backward()
        self.optimizer.step()


def classification_loss(F):
    """Cross-entropy over the last dim, for logits (N, C) or (N, L, C)."""
    return lambda logits, y: F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


@dataclass
class Workload:
    name: str
    build: Callable  # framework -> model
    data: Callable  # rng -> (inputs, targets) as numpy arrays

    def steps(self, seed=0):
        """(minigrad step, PyTorch step) with the same weights and the same batch."""
        torch.manual_seed(seed)
        torch_model = self.build(TORCH)
        mg_model = self.build(MINIGRAD)
        mg_model.load_state_dict({k: v.detach().numpy() for k, v in torch_model.state_dict().items()})
        inputs, targets = self.data(np.random.default_rng(seed))
        return tuple(
            TrainingStep(model, fw.Adam(model.parameters(), lr=1e-3), fw.from_numpy(inputs),
                         fw.from_numpy(targets), classification_loss(fw.F))
            for fw, model in ((MINIGRAD, mg_model), (TORCH, torch_model))
        )


def digits_cnn(fw):
    """The lesson's own class for minigrad, its PyTorch twin for PyTorch."""
    return DigitsCNN(image_size=28, padding=0) if fw is MINIGRAD else torch_digits_cnn()


WORKLOADS = [
    Workload("CNN 28×28, batch 32", digits_cnn, lambda rng: images(rng, 32)),
    Workload("CNN 28×28, batch 128", digits_cnn, lambda rng: images(rng, 128)),
    Workload("MLP 784-256-128-10, batch 128", lambda fw: mlp(fw.nn, (784, 256, 128, 10)),
             lambda rng: features(rng, 128, 784)),
    Workload("MLP 64-128-64-10, batch 32", lambda fw: mlp(fw.nn, (64, 128, 64, 10)),
             lambda rng: features(rng, 32, 64)),
    Workload("LSTM 2×64, batch 32, length 10", lambda fw: lstm_tagger(fw.nn), sequences),
    Workload("BERT-style encoder, batch 32, length 16", lambda fw: bert_classifier(fw.nn),
             token_batch),
]


def check_same_loss(mg_step, torch_step):
    """Both frameworks' loss on the batch, in eval mode (no dropout): they must agree, or the
    two are not timing the same computation."""
    mg_step.model.eval()
    torch_step.model.eval()
    ours, theirs = float(mg_step.loss().item()), float(torch_step.loss().item())
    mg_step.model.train()
    torch_step.model.train()
    if not np.isclose(ours, theirs, rtol=1e-4, atol=1e-5):
        raise AssertionError(f"losses differ: minigrad {ours}, PyTorch {theirs}")
    return ours, theirs


# ---- per-op overhead -----------------------------------------------------------------------
CHAIN_LINKS, CHAIN_WIDTH = 32, 16
OPS_PER_CHAIN = 3 * CHAIN_LINKS + 1  # mul, add, tanh per link, then one sum


def elementwise_chain(fw, seed=0):
    """A step that is all overhead: tiny (16,) tensors through 97 elementwise ops and back.
    Its time divided by OPS_PER_CHAIN is the cost of one op, forward and backward."""
    rng = np.random.default_rng(seed)
    x, w, b = (fw.from_numpy(rng.standard_normal(CHAIN_WIDTH, dtype=np.float32)) for _ in range(3))
    for t in (x, w, b):
        t.requires_grad_(True)

    def step():
        y = x
        for _ in range(CHAIN_LINKS):
            y = (y * w + b).tanh()
        y.sum().backward()
        x.grad = w.grad = b.grad = None

    return step
