"""The recogniser's language model built from the training data."""
import math

from tools import asr_model as lm


def test_words_are_normalised_like_the_dictionary():
    assert lm.words_of("I cant feel my legs, call 911!") == ["i", "can't", "feel", "my", "legs", "call", "nine", "one", "one"]


def test_the_model_is_a_valid_backoff_bigram_model():
    dictionary = {w: ["X"] for w in "yes no i can't feel my legs".split()}
    arpa, dict_text, skipped = lm.build([["yes"], ["no"], ["i", "can't", "feel", "my", "legs"], ["i", "zzz"]], dictionary)
    assert skipped == {"zzz": 1}
    lines = arpa.splitlines()
    assert lines[0] == "\\data\\" and lines[-1] == "\\end\\"
    start = lines.index("\\1-grams:") + 1
    unigrams = {line.split()[1]: float(line.split()[0]) for line in lines[start : lines.index("", start)]}
    total = sum(10 ** p for w, p in unigrams.items() if w != "<s>")
    assert math.isclose(total, 1.0, rel_tol=1e-3)
    bigrams = [line for line in lines[lines.index("\\2-grams:") + 1 :] if line and not line.startswith("\\")]
    assert "can't feel" in " ".join(bigrams)
    assert "yes X" in dict_text and "zzz" not in dict_text


def test_the_training_data_covers_the_red_flag_words():
    words = {w for s in lm.training_sentences() for w in s}
    for word in ("can't", "feel", "legs", "numb", "chest", "pain", "fell", "help", "ambulance", "pee"):
        assert word in words
