"""Sentiment where word order decides: 4,000 short review sentences, shipped with minigrad.

"the plot was gripping, not dull" is positive, "the plot was dull, not gripping" negative: the
same words, the opposite label. Most sentences come in such minimal pairs, or in negation
quadruples ("really dull" / "not dull at all"), so a model that averages word vectors and
ignores their order cannot pass 70 %, while a model that reads the order can approach 100 %.
How and why it was generated: datasets/make_sentiment_order.py (the generator, deterministic).
Made by the minigrad authors; MIT licence like the repository (or CC0, at your choice).

    train, test = load_sentiment_order()      # lists of (text, label); label 1 = positive
    train, test = load_sentiment_order(details=True)   # Example(text, label, kind, group)

3,000 train and 1,000 test sentences; `kind` is "contrast" (minimal pairs), "negation"
(quadruples) or "plain" (pairs a bag of words can tell apart); `group` numbers the pair or
quadruple a sentence belongs to, and no group is split between train and test.
"""

from pathlib import Path
from typing import NamedTuple

from datasets.checksum import verify_file

SENTIMENT_ORDER_PATH = Path(__file__).with_name("sentiment_order.tsv")
SENTIMENT_ORDER_SHA256 = "bf5f52df12ec95f0858e0b699abe00f0f252f4a04e253fd9c3b0b94dfe6f717a"
_RESTORE = ("Restore it with `git checkout datasets/sentiment_order.tsv` or rebuild it with "
            "`python3 datasets/make_sentiment_order.py`.")


class Example(NamedTuple):
    text: str
    label: int
    kind: str
    group: int


def load_sentiment_order(details=False, path=None):
    """(train, test) after checking the file's sha256: lists of (text, label), or of `Example`
    with `details=True`. `path` reads another copy of sentiment_order.tsv (same bytes)."""
    path = Path(path) if path is not None else SENTIMENT_ORDER_PATH
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: it ships with minigrad. {_RESTORE}")
    verify_file(path, SENTIMENT_ORDER_SHA256, remedy=_RESTORE)
    splits = {"train": [], "test": []}
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:  # the first line is the header
        split, label, group, kind, text = line.split("\t")
        example = Example(text, int(label), kind, int(group))
        splits[split].append(example if details else (example.text, example.label))
    return splits["train"], splits["test"]
