import numpy as np
import pytest

from minigrad.text import CLS, PAD, SEP, UNK, Tokenizer, pad_sequences, split_words


def test_split_words_separates_punctuation_and_lowercases():
    assert split_words("Good, NOT great!") == ["good", ",", "not", "great", "!"]


def test_vocabulary_is_ordered_by_frequency_after_the_special_tokens():
    tok = Tokenizer().fit_on_texts(["a b b c c c", "c"])
    assert tok.word_index["[PAD]"] == PAD and tok.word_index["[MASK]"] == 4
    assert [tok.word_index[w] for w in ("c", "b", "a")] == [5, 6, 7]


def test_num_words_caps_the_vocabulary_and_unknown_words_map_to_unk():
    tok = Tokenizer(num_words=7).fit_on_texts(["a b b c c c"])
    assert tok.vocab_size == 7
    assert tok.texts_to_sequences(["c b a zebra"]) == [[5, 6, UNK, UNK]]


def test_encode_adds_cls_sep_pads_and_masks():
    tok = Tokenizer().fit_on_texts(["not good", "good"])
    ids, mask = tok.encode(["good", "not good at all"], max_length=5)
    good, not_ = tok.word_index["good"], tok.word_index["not"]
    assert ids.tolist() == [[CLS, good, SEP, PAD, PAD], [CLS, not_, good, UNK, SEP]]
    assert mask.tolist() == [[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]]
    assert ids.dtype == np.int64


@pytest.mark.parametrize(
    "padding, truncating, expected",
    [("pre", "pre", [[0, 1, 2], [3, 4, 5]]), ("post", "post", [[1, 2, 0], [2, 3, 4]])],
)
def test_pad_sequences_follows_keras_sides(padding, truncating, expected):
    out = pad_sequences([[1, 2], [2, 3, 4, 5]], maxlen=3, padding=padding, truncating=truncating)
    assert out.tolist() == expected


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="num_words"):
        Tokenizer(num_words=3)
    with pytest.raises(ValueError, match="padding"):
        pad_sequences([[1]], padding="middle")
    with pytest.raises(ValueError, match="max_length"):
        Tokenizer().fit_on_texts(["a"]).encode(["a"], max_length=1)
