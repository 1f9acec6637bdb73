"""Word error rate as the voice evaluation counts it."""
from spasm_aid.voice.evaluate import PHRASES, wer


def test_word_error_rate():
    assert wer("i can't feel my legs", "i can't feel my legs") == (0, 5)
    assert wer("i can't feel my legs", "i can feel my legs") == (1, 5)
    assert wer("help", "") == (1, 1)
    assert wer("yes", "yes no") == (1, 1)


def test_the_phrase_set_is_big_enough_and_covers_every_emergency_flag():
    assert len(PHRASES) >= 40
    said = " ".join(p for p, _ in PHRASES)
    for words in ("feel my legs", "wet myself", "groin", "fell", "chest pain", "drooping", "help"):
        assert words in said
