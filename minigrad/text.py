"""Text to integer tensors: a word tokenizer in the spirit of Keras' `Tokenizer` +
`pad_sequences` (what the course's "BERT" example uses), with BERT's special tokens.

    tokenizer = Tokenizer(num_words=20000)
    tokenizer.fit_on_texts(train_texts)          # vocabulary, most frequent words first
    ids, mask = tokenizer.encode(texts, max_length=12)   # [CLS] w1 w2 ... [SEP] [PAD] ...

Ids 0-4 are reserved for the special tokens: [PAD] = 0 (so `input_ids != 0` is the attention
mask, as in the course's seed 002 §4), [UNK] for words outside the vocabulary, [CLS] whose
final vector a BERT-style classifier reads, [SEP] ending a sentence, [MASK] for masked-language
-model pre-training.
"""

import re
from collections import Counter

import numpy as np

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
PAD, UNK, CLS, SEP, MASK = range(len(SPECIAL_TOKENS))

_WORD = re.compile(r"[\w']+|[^\w\s]")


def split_words(text, lower=True):
    """Words and punctuation marks as separate tokens ("good, not great" -> good , not great)."""
    return _WORD.findall(text.lower() if lower else text)


class Tokenizer:
    """Maps words to ids by frequency; `num_words` caps the vocabulary (specials included)."""

    def __init__(self, num_words=None, lower=True):
        if num_words is not None and num_words <= len(SPECIAL_TOKENS):
            raise ValueError(
                f"Tokenizer: num_words={num_words} leaves no room beside the "
                f"{len(SPECIAL_TOKENS)} special tokens"
            )
        self.num_words, self.lower = num_words, lower
        self.word_index = {token: i for i, token in enumerate(SPECIAL_TOKENS)}
        self.word_counts = Counter()

    def fit_on_texts(self, texts):
        for text in texts:
            self.word_counts.update(split_words(text, self.lower))
        # most frequent first; ties broken alphabetically so the vocabulary is deterministic
        ranked = sorted(self.word_counts, key=lambda w: (-self.word_counts[w], w))
        room = None if self.num_words is None else self.num_words - len(SPECIAL_TOKENS)
        self.word_index = {token: i for i, token in enumerate(SPECIAL_TOKENS)}
        for word in ranked[:room]:
            self.word_index[word] = len(self.word_index)
        self.index_word = {i: w for w, i in self.word_index.items()}
        return self

    @property
    def vocab_size(self):
        return len(self.word_index)

    def texts_to_sequences(self, texts):
        """Each text as a list of ids; unknown words become [UNK]."""
        return [
            [self.word_index.get(w, UNK) for w in split_words(text, self.lower)] for text in texts
        ]

    def sequences_to_texts(self, sequences):
        return [" ".join(self.index_word.get(int(i), "[UNK]") for i in seq) for seq in sequences]

    def encode(self, texts, max_length, add_special_tokens=True):
        """(input_ids, attention_mask) as int64 arrays of shape (len(texts), max_length).

        With special tokens each row is [CLS] words... [SEP], truncated to fit, then padded with
        [PAD]; the mask is 1 at real tokens and 0 at padding.
        """
        sequences = self.texts_to_sequences(texts)
        if add_special_tokens:
            if max_length < 2:
                raise ValueError(f"encode: max_length={max_length} cannot hold [CLS] and [SEP]")
            sequences = [[CLS] + seq[: max_length - 2] + [SEP] for seq in sequences]
        ids = pad_sequences(sequences, maxlen=max_length, padding="post", truncating="post")
        return ids, (ids != PAD).astype(np.int64)


def pad_sequences(sequences, maxlen=None, padding="pre", truncating="pre", value=PAD):
    """Lists of ids as one int64 array, cut or padded to `maxlen` (Keras' defaults: 'pre')."""
    for name, side in (("padding", padding), ("truncating", truncating)):
        if side not in ("pre", "post"):
            raise ValueError(f"pad_sequences: {name} must be 'pre' or 'post', got {side!r}")
    maxlen = max((len(s) for s in sequences), default=0) if maxlen is None else maxlen
    out = np.full((len(sequences), maxlen), value, dtype=np.int64)
    for row, seq in enumerate(sequences):
        seq = list(seq)
        seq = seq[max(len(seq) - maxlen, 0) :] if truncating == "pre" else seq[:maxlen]
        if not seq:
            continue
        if padding == "post":
            out[row, : len(seq)] = seq
        else:
            out[row, maxlen - len(seq) :] = seq
    return out
