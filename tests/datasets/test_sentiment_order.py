import shutil
from collections import Counter, defaultdict

import pytest

from datasets import ChecksumError, load_sentiment_order
from datasets.make_sentiment_order import NEGATIVE, POSITIVE, build_rows, tsv_text
from datasets.sentiment_order import SENTIMENT_ORDER_PATH
from minigrad.text import split_words

NEGATORS = {"not", "never", "hardly"}


def groups_of(examples):
    groups = defaultdict(list)
    for example in examples:
        groups[example.group].append(example)
    return groups


def test_3000_train_and_1000_test_pairs_of_text_and_label():
    train, test = load_sentiment_order()
    assert len(train) == 3000 and len(test) == 1000
    text, label = train[0]
    assert isinstance(text, str) and label in (0, 1)


def test_labels_are_balanced_in_each_split_and_each_kind():
    for split in load_sentiment_order(details=True):
        for kind in ("contrast", "negation", "plain"):
            labels = Counter(e.label for e in split if e.kind == kind)
            assert labels[0] == labels[1] > 0


def test_shares_of_the_kinds_are_40_40_20_percent():
    for split in load_sentiment_order(details=True):
        shares = Counter(e.kind for e in split)
        assert {kind: count / len(split) for kind, count in shares.items()} == {
            "contrast": 0.4, "negation": 0.4, "plain": 0.2
        }


def test_every_contrast_group_is_a_minimal_pair_same_words_opposite_labels():
    for split in load_sentiment_order(details=True):
        contrasts = {g: m for g, m in groups_of(split).items() if m[0].kind == "contrast"}
        assert len(contrasts) == len(split) * 0.4 / 2
        for first, second in contrasts.values():
            assert Counter(split_words(first.text)) == Counter(split_words(second.text))
            assert first.text != second.text and first.label != second.label


def test_negation_quadruples_flip_the_label_of_each_word_when_negated():
    for split in load_sentiment_order(details=True):
        for members in groups_of(split).values():
            if members[0].kind != "negation":
                continue
            assert len(members) == 4
            for example in members:
                words = set(split_words(example.text))
                polarity = 1 if words & set(POSITIVE) else 0
                assert len(words & (set(POSITIVE) | set(NEGATIVE))) == 1
                negated = bool(words & NEGATORS)
                assert example.label == (1 - polarity if negated else polarity)


def test_no_sentence_repeats_and_no_group_is_split_between_train_and_test():
    train, test = load_sentiment_order(details=True)
    texts = [e.text for e in train + test]
    assert len(set(texts)) == len(texts)
    assert not {e.group for e in train} & {e.group for e in test}


def test_the_committed_generator_writes_the_shipped_bytes():
    assert tsv_text(build_rows()) == SENTIMENT_ORDER_PATH.read_text(encoding="utf-8")


def test_a_damaged_copy_is_refused_with_a_clear_error(tmp_path):
    copy = tmp_path / "sentiment_order.tsv"
    shutil.copy(SENTIMENT_ORDER_PATH, copy)
    assert len(load_sentiment_order(path=copy)[0]) == 3000  # an intact copy loads
    copy.write_text(copy.read_text(encoding="utf-8").replace("gripping", "dull", 1))
    damaged = r"sentiment_order.tsv is damaged.*sha256.*git checkout"
    with pytest.raises(ChecksumError, match=damaged):
        load_sentiment_order(path=copy)


def test_a_missing_file_says_how_to_restore_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="make_sentiment_order.py"):
        load_sentiment_order(path=tmp_path / "sentiment_order.tsv")
