"""Lesson 07: the course's "BERT" classifier is a bag of words; a tiny real BERT reads the order.

    python -m lessons.07_bert_classifier [--quick] [--device cpu|cuda] [--epochs N] [--seed S]

TEXT TO TENSORS (seed 000 §5.2, seed 002 §4). A tokenizer fitted on the training texts gives
each word an id, most frequent first; every sentence becomes `[CLS] w1 w2 ... [SEP]`, padded
with [PAD] = 0 to a fixed length. The attention mask is `input_ids != 0` (seed 002 §4.5): 1 at
real tokens, 0 at padding, so that padding changes nothing.

THE COURSE'S MODEL (seed 000 §5.2), built here as the baseline:

    Embedding(vocab, 128) → GlobalAveragePooling1D → Dense(2, softmax);  Adam, 10 epochs, batch 1

The sentence vector is the MEAN of its word vectors, h = (1/n) Σᵢ E[wᵢ]. A mean does not
change when the words are reordered, so "the plot was gripping, not dull" and "the plot was
dull, not gripping" get the same h and the same answer: one of the two is always wrong.

A BERT-STYLE ENCODER (seed 002 §3.2-3.3, §4) knows where each word stands and lets words
look at each other:

    x₀ = LayerNorm(E_token[wᵢ] + E_position[i])               i = 0 is the [CLS] token
    x_{l+1} = EncoderLayer(x_l)   (multi-head self-attention with the padding mask, then a
                                   feed-forward net, each with a residual and a LayerNorm)
    logits = Linear(x_L[0])                                   read the [CLS] position

Attention lets "not" change the vector of the word after it, and the position embedding
tells "gripping, not dull" from "dull, not gripping". The classifier reads [CLS], which has
attended to the whole sentence.

THE DATA (datasets/sentiment_order.tsv, made for this lesson): 3,000 train and 1,000 test
review sentences in which order decides. 40 % are minimal pairs (same words, opposite labels),
40 % negation quadruples ("really dull" 0, "not dull at all" 1, ...), 20 % plain sentences.
A bag of words is right on at most half of each pair and three of each quadruple, so it cannot
pass 0.4·0.5 + 0.4·0.75 + 0.2 = 70 % on the test set; the encoder has no such limit.

WHERE THE COURSE IS WRONG:
  * seed 000 §5.2 calls its model "基于BERT的文本分类模型" (a BERT-based text classifier). It
    has no attention, no positions and no [CLS]: it is a bag of embeddings, blind to order.
  * seed 000 §5.2 compiles with `loss='categorical_crossentropy'`, which expects one-hot
    label rows of shape (N, 2), but gives integer labels `[0, 1]`; integer labels go with
    sparse categorical cross-entropy, which is what F.cross_entropy computes from class ids.
  * seed 000 §5.2 pads with Keras' default (in front) and its Embedding has no mask, so
    GlobalAveragePooling1D averages the [PAD] vectors in with the words: a sentence's vector
    depends on how much padding it got. The baseline here takes the mean over real tokens.
  * seed 002 §4.4 stacks the ids of two texts of different lengths into one tensor without
    padding (tf.constant cannot hold ragged rows; the lesson prints the two lengths); §4.5
    calls `outputs[0][0]`, the first text's hidden states, "attention_weights"; and the §4.6
    loop uses the model's output (hidden states) as the loss: there are no labels and no
    classifier. Here: padding, the mask, a classifier on [CLS] and cross-entropy on labels.

--epochs sets the encoder's epochs; the baseline trains the course's 10 (2 with --quick), with
the course's batch of 1: 3,000 Adam steps an epoch, affordable because the model is so small.
"""

import sys

import matplotlib.pyplot as plt
import numpy as np
from tqdm import tqdm

import minigrad as mg
from datasets.sentiment_order import load_sentiment_order
from lessons import common
from lessons.digits_cnn import predict_logits, train_epoch, train_loader
from minigrad import nn, optim
from minigrad.text import PAD, Tokenizer

MAX_LENGTH = 16  # the longest sentence is 14 tokens (words, commas); with [CLS] and [SEP], 16
COURSE_EMBEDDING_DIM, COURSE_EPOCHS, COURSE_QUICK_EPOCHS, COURSE_BATCH = 128, 10, 2, 1
COURSE_LEARNING_RATE = 1e-3  # Keras' Adam default: the course sets none
ENCODER_BATCH, ENCODER_LEARNING_RATE = 32, 1e-3
KINDS = ("contrast", "negation", "plain")
ATTENTION_EXAMPLE = ("the film was good, not bad", "the film was bad, not good")
HAND_WRITTEN = (
    ("the film was not good", 0),
    ("the film was not bad at all", 1),
    ("i expected the film to be boring, but it was great", 1),
    ("i expected the film to be great, but it was boring", 0),
    ("the film was good, not great", 1),
    ("the film was bad, not terrible", 0),
)


class BagOfEmbeddings(nn.Module):
    """Seed 000 §5.2's model: the mean of the word vectors (over real tokens), then a Linear.
    (Keras' Dense(2, softmax) is Linear(128, 2) here; the softmax is inside cross-entropy.)"""

    def __init__(self, vocab_size, embedding_dim=COURSE_EMBEDDING_DIM):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.classifier = nn.Linear(embedding_dim, 2)

    def forward(self, input_ids):
        attention_mask = (input_ids != PAD).float().unsqueeze(-1)  # seed 002 §4.5
        total = (self.embedding(input_ids) * attention_mask).sum(1)
        return self.classifier(total / attention_mask.sum(1))


class TinyBert(nn.Module):
    """Token + position embeddings, LayerNorm, a Transformer encoder, a classifier on [CLS].
    BERT-base is the same with d_model 768, 12 heads, 12 layers (and a pooler on [CLS])."""

    def __init__(self, vocab_size, max_length, d_model=64, nhead=4, num_layers=2, dropout=0.1):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, d_model, padding_idx=PAD)
        self.position_embedding = nn.LearnedPositionalEmbedding(max_length, d_model)
        self.embedding_norm = nn.LayerNorm(d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=4 * d_model,
                                           dropout=dropout, activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers)
        self.classifier = nn.Linear(d_model, 2)

    def embed(self, input_ids):
        return self.embedding_norm(self.position_embedding(self.token_embedding(input_ids)))

    def forward(self, input_ids):
        # PyTorch's key-padding mask says True = ignore: the complement of attention_mask
        hidden = self.encoder(self.embed(input_ids), src_key_padding_mask=input_ids == PAD)
        return self.classifier(hidden[:, 0])  # the [CLS] position

    def attention_maps(self, input_ids):
        """Each layer's attention weights, (N, heads, L, L), as the layers compute them."""
        padding, maps = input_ids == PAD, []
        with mg.no_grad():
            x = self.embed(input_ids)
            for layer in self.encoder.layers:
                source = layer.norm1(x) if layer.norm_first else x
                _, weights = layer.self_attn(source, source, source, key_padding_mask=padding,
                                             average_attn_weights=False)
                maps.append(weights.numpy())
                x = layer(x, src_key_padding_mask=padding)
        return maps


def show_tokenizer(tokenizer):
    common.heading("text to ids (seed 000 §5.2, seed 002 §4)")
    print(f"vocabulary: {tokenizer.vocab_size} tokens, ids 0-4 the specials "
          f"{list(tokenizer.word_index)[:5]}")
    ids, mask = tokenizer.encode([ATTENTION_EXAMPLE[0]], MAX_LENGTH)
    print(f"{ATTENTION_EXAMPLE[0]!r}\n  input_ids      {ids[0].tolist()}\n  "
          f"attention_mask {mask[0].tolist()}   (input_ids != 0)")
    course_texts = ["Hello, world!", "This is an example sentence."]
    lengths = [len(ids) + 2 for ids in tokenizer.texts_to_sequences(course_texts)]
    print(f"seed 002 §4.4's two texts with [CLS] and [SEP] are {lengths[0]} and {lengths[1]} "
          "tokens long: without padding they do not stack into one tensor")


def encode(tokenizer, examples, device, add_special_tokens=True):
    ids, _ = tokenizer.encode([e.text for e in examples], MAX_LENGTH, add_special_tokens)
    labels = np.array([e.label for e in examples])
    return mg.tensor(ids, device=device), mg.tensor(labels, device=device)


def train(model, data, epochs, batch_size, learning_rate, args, name):
    """Adam on cross-entropy; (train loss, test accuracy) after each epoch."""
    x_train, y_train, x_test, y_test = data
    loader = train_loader(x_train, y_train, batch_size, args.seed, args.device)
    optimizer = optim.Adam(model.parameters(), lr=learning_rate)
    history = []
    quiet = not sys.stderr.isatty()
    for epoch in tqdm(range(epochs), desc=name, leave=False, disable=quiet):
        loss = train_epoch(model, loader, optimizer, epoch=epoch)
        accuracy = float((predict_logits(model, x_test).argmax(1) == y_test.numpy()).mean())
        history.append((loss, accuracy))
        print(f"  {name} epoch {epoch + 1:2d}: train loss {loss:.4f}, test accuracy {accuracy:.3f}")
    return history


def positive_probability(model, input_ids):
    """P(positive) for each sentence: the softmax of the logits, column 1 (numpy)."""
    logits = predict_logits(model, input_ids)
    exps = np.exp(logits - logits.max(1, keepdims=True))
    return exps[:, 1] / exps.sum(1)


def pair_gap(positive, kinds, groups):
    """The largest difference of P(positive) between the two sentences of a minimal pair."""
    contrast = kinds == "contrast"
    by_group = np.argsort(groups[contrast], kind="stable")  # the two of a pair side by side
    pairs = positive[contrast][by_group].reshape(-1, 2)
    return float(np.abs(pairs[:, 0] - pairs[:, 1]).max())


def compare(models, y_test, test_set):
    """Test accuracy on each kind of sentence; how differently a model answers a minimal pair."""
    kinds = np.array([e.kind for e in test_set])
    groups = np.array([e.group for e in test_set])
    common.heading("test accuracy by kind of sentence")
    print(f"  {'model':<36}" + "".join(f"{kind:>10}" for kind in KINDS) + f"{'all':>8}"
          + "   max |ΔP(pos)| in a minimal pair")
    for name, (model, x, _) in models.items():
        positive = positive_probability(model, x)
        right = (positive > 0.5) == (y_test.numpy() == 1)
        print(f"  {name:<36}" + "".join(f"{right[kinds == k].mean():>10.3f}" for k in KINDS)
              + f"{right.mean():>8.3f}   {pair_gap(positive, kinds, groups):.2e}")
    print("  a bag of words is capped at 0.500 / 0.750 / 1.000 per kind, 0.700 overall")


def show_hand_written(models, tokenizer, device):
    common.heading("hand-written sentences: P(positive)")
    texts = [text for text, _ in HAND_WRITTEN]
    print(f"  {'sentence':<54} label " + " ".join(f"{n.split()[0]:>12}" for n in models))
    columns = []
    for model, _, special_tokens in models.values():
        ids, _ = tokenizer.encode(texts, MAX_LENGTH, add_special_tokens=special_tokens)
        columns.append(positive_probability(model, mg.tensor(ids, device=device)))
    for row, (text, label) in enumerate(HAND_WRITTEN):
        print(f"  {text:<54} {label:>5} " + " ".join(f"{c[row]:>12.3f}" for c in columns))


def plot_curves(args, histories):
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    for name, history in histories.items():
        epochs = np.arange(1, len(history) + 1)
        loss, accuracy = np.array(history).T
        left.plot(epochs, loss, marker="o", label=name)
        right.plot(epochs, accuracy, marker="o", label=name)
    right.axhline(0.7, color="gray", linestyle=":", label="bag-of-words ceiling 0.70")
    left.set(xlabel="epoch", ylabel="mean train loss", yscale="log", title="training loss")
    right.set(xlabel="epoch", ylabel="test accuracy", ylim=(0.4, 1.02), title="test accuracy")
    for ax in (left, right):
        ax.legend(fontsize=8)
    common.save_figure(fig, args, "07_training_curves.png")


def plot_attention(args, model, tokenizer):
    """Head-averaged attention of each layer on a minimal pair."""
    ids, _ = tokenizer.encode(list(ATTENTION_EXAMPLE), MAX_LENGTH)
    model.eval()  # no dropout: the weights the trained model uses to predict
    maps = model.attention_maps(mg.tensor(ids, device=args.device))
    fig, axes = plt.subplots(len(ATTENTION_EXAMPLE), len(maps), figsize=(5 * len(maps), 9))
    for row, text in enumerate(ATTENTION_EXAMPLE):
        length = int((ids[row] != PAD).sum())
        tokens = tokenizer.sequences_to_texts([ids[row, :length]])[0].split()
        for layer, weights in enumerate(maps):
            ax = axes[row, layer]
            ax.imshow(weights[row].mean(0)[:length, :length], cmap="viridis", vmin=0)
            ax.set_xticks(range(length), tokens, rotation=90, fontsize=8)
            ax.set_yticks(range(length), tokens, fontsize=8)
            ax.set_title(f"layer {layer + 1}: {text!r}", fontsize=9)
    fig.suptitle("trained encoder: each row is one query's attention over the keys")
    common.save_figure(fig, args, "07_attention.png")


def main():
    args = common.parse_args(common.lesson_parser(__doc__, epochs=8, quick_epochs=3))
    train_set, test_set = load_sentiment_order(details=True)
    tokenizer = Tokenizer().fit_on_texts(e.text for e in train_set)
    show_tokenizer(tokenizer)

    course_epochs = COURSE_QUICK_EPOCHS if args.quick else COURSE_EPOCHS
    common.heading(f"the course's \"BERT\": a bag of embeddings, Adam, {course_epochs} epochs, "
                   f"batch {COURSE_BATCH}")
    words_only = (*encode(tokenizer, train_set, args.device, add_special_tokens=False),
                  *encode(tokenizer, test_set, args.device, add_special_tokens=False))
    bag = BagOfEmbeddings(tokenizer.vocab_size).to(args.device)
    bag_history = train(bag, words_only, course_epochs, COURSE_BATCH, COURSE_LEARNING_RATE,
                        args, "bag of embeddings")

    common.heading(f"a BERT-style encoder: 2 layers, 4 heads, d_model 64, {args.epochs} epochs, "
                   f"batch {ENCODER_BATCH}")
    with_specials = (*encode(tokenizer, train_set, args.device),
                     *encode(tokenizer, test_set, args.device))
    encoder = TinyBert(tokenizer.vocab_size, MAX_LENGTH).to(args.device)
    print(f"  {sum(p.numel() for p in encoder.parameters())} parameters "
          f"(the bag of embeddings: {sum(p.numel() for p in bag.parameters())})")
    encoder_history = train(encoder, with_specials, args.epochs, ENCODER_BATCH,
                            ENCODER_LEARNING_RATE, args, "encoder")

    y_test = with_specials[3]
    # name: (model, test ids, whether its ids carry [CLS] and [SEP])
    models = {"bag of embeddings (the course's BERT)": (bag, words_only[2], False),
              "encoder (BERT-style)": (encoder, with_specials[2], True)}
    compare(models, y_test, test_set)
    show_hand_written(models, tokenizer, args.device)
    plot_curves(args, {"bag of embeddings": bag_history, "encoder": encoder_history})
    plot_attention(args, encoder, tokenizer)
    common.print_result(f"encoder test acc={encoder_history[-1][1]:.3f} vs bag-of-embeddings "
                        f"(document's \"BERT\") test acc={bag_history[-1][1]:.3f}")


if __name__ == "__main__":
    main()
