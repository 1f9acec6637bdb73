"""Negations and one-auxiliary flips, shared by the voice layer and the reader."""
from spasm_aid.red_flags.polarity import flipped, negated_variants, negations


def test_flips_turn_one_auxiliary_into_its_negation_or_back():
    assert flipped("i can pee") == ["i can't pee"]
    assert flipped("my legs aren't weak") == ["my legs are weak"]
    assert flipped("my back hurts") == []


def test_negations_read_texting_without_apostrophes():
    assert negations("i cant feel my legs") == ["cant"]
    assert negations("I don\u2019t know") == ["don't"]
    assert negations("i want to pee") == []


def test_only_a_sentence_that_negates_nothing_is_said_the_other_way_round():
    assert negated_variants("I can feel my legs.") == ["i can't feel my legs."]
    assert negated_variants("I CAN'T feel my legs") == []
    assert negated_variants("i cant feel my legs") == []
    assert negated_variants("no numbness at all") == []
    assert negated_variants("my back hurts") == []
