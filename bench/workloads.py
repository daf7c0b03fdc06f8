"""The training steps the CPU benchmark times: the lessons' own models, and PyTorch twins.

For minigrad each workload builds the lesson's model class (lessons/digits_cnn.py, 03, 05,
07); for PyTorch, a twin below with the same layers under the same names, so the PyTorch
state dict loads into the minigrad model as it is. Both then get the same numpy batch, so
the two time exactly the same computation (`check_same_loss` verifies that before timing).
The 784-256-128-10 MLP is no lesson's: it is written once against either framework's `nn`.

A step is what a training loop repeats: zero the gradients, forward, loss, backward, Adam.
"""

import importlib
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
from minigrad.text import PAD, SPECIAL_TOKENS

mlp_lesson = importlib.import_module("lessons.03_mlp_evaluation")
lstm_lesson = importlib.import_module("lessons.05_lstm")
bert_lesson = importlib.import_module("lessons.07_bert_classifier")

TORCH = SimpleNamespace(name="PyTorch", nn=torch.nn, F=torch_F, Adam=torch.optim.Adam,
                        from_numpy=torch.from_numpy)
MINIGRAD = SimpleNamespace(name="minigrad", nn=mg.nn, F=mg_F, Adam=mg.optim.Adam,
                           from_numpy=mg.from_numpy)
CLS = SPECIAL_TOKENS.index("[CLS]")
VOCAB = 1000  # a representative vocabulary (lesson 07's own corpus has fewer words)


# ---- PyTorch twins of the lessons' models ----------------------------------------------------
def torch_digits_cnn(channels=(32, 64), hidden=128, classes=10):
    """DigitsCNN(image_size=28, padding=0): the same `features` and `classifier` blocks."""
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


def torch_lesson_mlp():
    """Lesson 03's mlp(): Flatten, then Linear, ReLU, Dropout per hidden layer, then Linear."""
    nn, sizes = torch.nn, (64, *mlp_lesson.HIDDEN)
    layers = [nn.Flatten()]
    for n_in, n_out in zip(sizes, sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU(), nn.Dropout(mlp_lesson.DROPOUT)]
    return nn.Sequential(*layers, nn.Linear(sizes[-1], 10))


class TorchSequenceTagger(torch.nn.Module):
    """Lesson 05's SequenceTagger(two_stacked_layers()): LSTM(64) ×2, a Linear at every step."""

    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(1, lstm_lesson.HIDDEN, lstm_lesson.LAYERS, batch_first=True)
        self.out = torch.nn.Linear(lstm_lesson.HIDDEN, lstm_lesson.DIGITS)

    def forward(self, x):
        return self.out(self.lstm(x)[0])


class TorchLearnedPositions(torch.nn.Module):
    """minigrad's nn.LearnedPositionalEmbedding: adds embedding(position) to (N, L, d)."""

    def __init__(self, max_len, d_model):
        super().__init__()
        self.embedding = torch.nn.Embedding(max_len, d_model)

    def forward(self, x):
        return x + self.embedding.weight[: x.shape[1]]


class TorchTinyBert(torch.nn.Module):
    """Lesson 07's TinyBert: token + position embeddings, LayerNorm, two post-norm encoder
    layers (d 64, 4 heads, feed-forward 256, GELU, dropout 0.1) with a padding mask, and a
    classifier on the [CLS] position."""

    def __init__(self, vocab_size, max_length, d_model=64, nhead=4, num_layers=2, dropout=0.1):
        super().__init__()
        nn = torch.nn
        self.token_embedding = nn.Embedding(vocab_size, d_model, padding_idx=PAD)
        self.position_embedding = TorchLearnedPositions(max_length, d_model)
        self.embedding_norm = nn.LayerNorm(d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=4 * d_model,
                                           dropout=dropout, activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)
        self.classifier = nn.Linear(d_model, 2)

    def forward(self, input_ids):
        x = self.embedding_norm(self.position_embedding(self.token_embedding(input_ids)))
        hidden = self.encoder(x, src_key_padding_mask=input_ids == PAD)
        return self.classifier(hidden[:, 0])


def mlp(nn, sizes):
    """Linear layers of the given widths with ReLU between them, in either framework."""
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def lesson_model(minigrad_model, torch_model):
    """framework -> model: the lesson's class for minigrad, its twin for PyTorch."""
    return lambda fw: minigrad_model() if fw is MINIGRAD else torch_model()


# ---- data ----------------------------------------------------------------------------------
def images(rng, batch):
    return rng.standard_normal((batch, 1, 28, 28), dtype=np.float32), labels(rng, batch, 10)


def features(rng, batch, width):
    return rng.standard_normal((batch, width), dtype=np.float32), labels(rng, batch, 10)


def sequences(rng, batch=32, length=10):
    """A (batch, length, 1) series and a class per step."""
    return rng.standard_normal((batch, length, 1), dtype=np.float32), labels(rng, (batch, length), 10)


def token_batch(rng, batch=32, length=bert_lesson.MAX_LENGTH, vocab=VOCAB):
    """[CLS] then random tokens, padded with [PAD] after a random 4..length tokens."""
    ids = rng.integers(len(SPECIAL_TOKENS), vocab, size=(batch, length))
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


WORKLOADS = [
    Workload("CNN 28×28, batch 32 (digits_cnn)",
             lesson_model(lambda: DigitsCNN(image_size=28, padding=0), torch_digits_cnn),
             lambda rng: images(rng, 32)),
    Workload("CNN 28×28, batch 128 (digits_cnn)",
             lesson_model(lambda: DigitsCNN(image_size=28, padding=0), torch_digits_cnn),
             lambda rng: images(rng, 128)),
    Workload("MLP 784-256-128-10, batch 128", lambda fw: mlp(fw.nn, (784, 256, 128, 10)),
             lambda rng: features(rng, 128, 784)),
    Workload("MLP 64-128-64-10, batch 32 (lesson 03)",
             lesson_model(mlp_lesson.mlp, torch_lesson_mlp), lambda rng: features(rng, 32, 64)),
    Workload("LSTM 2×64, batch 32, length 10 (lesson 05)",
             lesson_model(lambda: lstm_lesson.SequenceTagger(lstm_lesson.two_stacked_layers()),
                          TorchSequenceTagger),
             sequences),
    Workload("BERT-style encoder, batch 32, length 16 (lesson 07)",
             lesson_model(lambda: bert_lesson.TinyBert(VOCAB, bert_lesson.MAX_LENGTH),
                          lambda: TorchTinyBert(VOCAB, bert_lesson.MAX_LENGTH)),
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
