"""The reader: sentences, and what each says about red flags."""
import numpy as np
import pytest

from spasm_aid.reader.reader import MAX_SENTENCES, Reader, ReaderModelError, split_sentences


def test_a_message_is_read_sentence_by_sentence():
    assert split_sentences("My back went this morning. Now I can't pee! Should I use ice?") == [
        "My back went this morning.",
        "Now I can't pee!",
        "Should I use ice?",
    ]


def test_lines_are_sentences_too():
    assert split_sentences("back went\nlegs weak") == ["back went", "legs weak"]


def test_a_long_run_on_sentence_is_read_in_clauses():
    text = (
        "so i was hoovering the stairs and my back just went, i crawled to the sofa and lay there for "
        "ages, but now i realise i cant feel anything when i wipe and i am a bit worried about it all"
    )
    pieces = split_sentences(text)
    assert len(pieces) > 1
    assert any("wipe" in p and "hoovering" not in p for p in pieces)


def test_short_clauses_join_their_neighbour():
    pieces = split_sentences(
        "well, since then, i have not been able to pee at all even though i have been trying for a very long "
        "time this afternoon, and also, ok"
    )
    assert all(len(p.split()) >= 4 for p in pieces)


def test_a_very_long_message_is_read_in_a_bounded_number_of_pieces():
    text = " ".join(f"Sentence number {i} is here." for i in range(100)) + " I can't feel my legs."
    pieces = split_sentences(text)
    assert len(pieces) == MAX_SENTENCES
    assert pieces[-1].endswith("I can't feel my legs.")


def test_empty_text_has_no_sentences():
    assert split_sentences("   ") == []


def test_reports_questions_and_everyday_words_are_told_apart(reader):
    report, question, other = reader.read_sentences(
        ["my legs have gone like jelly and won't hold me", "what are the signs i need an ambulance", "please turn up the heating"]
    )
    assert report.report > 0.5 and report.flag == "leg_weakness"
    assert question.question > 0.5
    assert other.other > 0.5


def test_probabilities_sum_to_one(reader):
    (reading,) = reader.read_sentences(["i fell off the ladder"])
    assert sum(reading.probabilities.values()) == pytest.approx(1.0, abs=1e-5)


def test_weights_that_do_not_fit_the_labels_are_refused(encoder):
    with pytest.raises(ReaderModelError):
        Reader(encoder, np.zeros((3, 384)), np.zeros(2), ["a", "b"])


def test_missing_weights_say_how_to_make_them(tmp_path, encoder):
    with pytest.raises(ReaderModelError, match="make setup"):
        Reader.load(tmp_path, encoder)


def test_saved_weights_load_back(tmp_path, reader):
    reader.save(tmp_path)
    again = Reader.load(tmp_path, reader.encoder)
    assert again.labels == reader.labels and np.array_equal(again.weights, reader.weights)


def test_a_sentence_that_says_the_sign_is_absent_does_not_alarm_on_the_reader_alone(reader, guard):
    # a sentence embedding hardly tells "i can feel my leg" from "i can't feel my leg": read the
    # other way round, the negation reads as the stronger report, so at most the question is asked
    from spasm_aid.reader.decision import EMERGENCY
    from spasm_aid.reader.message import read_message

    for text in ("i can feel my leg", "i can feel my legs"):
        assert read_message(guard, reader, text).action != EMERGENCY, text
    assert read_message(guard, reader, "i can't feel my legs").action == EMERGENCY
