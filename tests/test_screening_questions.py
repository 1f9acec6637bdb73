"""The screening questions as spoken (clinical-guidance sections 2 and 3, third version): each
condition of a question is still there when it is asked again in simpler words after "not sure",
and for a helper; every question, emergency ones included, asks at most two things, read aloud
as the voice would say it (spasm_aid.voice.speakable)."""
import re

import pytest
import yaml

from spasm_aid.triage import EMERGENCY, load_table
from spasm_aid.voice.speakable import speakable
from tests.conftest import ROOT

RESPONSES = yaml.safe_load(open(ROOT / "domain.yml", encoding="utf-8"))["responses"]

# For each question, one word (or alternatives) per sign it names, found in every wording.
CONDITIONS = {
    "screen_bladder_bowel": [("pee",), ("leaked", "accident")],
    "screen_saddle_numbness": [("numb",), ("tingl",), ("bottom",), ("genitals", "groin")],
    "screen_both_legs": [("both",), ("pain", "hurt"), ("numb",), ("weak",)],
    "screen_leg_weakness": [("giving way", "give way"), ("getting weaker",)],
    "screen_trauma": [("fall",), ("accident",), ("blow", "hit hard")],
    "screen_chest": [("chest",), ("breath",)],
    "screen_aortic": [("tummy",), ("tearing", "ripping"), ("shoulder blades",)],
    "screen_stroke": [("face",), ("weak",), ("numb",), ("one side", "one arm")],
    "screen_confusion": [("speech", "words"), ("confused", "muddled"), ("drowsy", "sleepy")],
    "screen_fever": [("fever", "temperature"), ("hot and shivery",)],
    "screen_cancer": [("cancer",), ("weight", "thinner")],
    "screen_steroids": [("steroid",), ("thin bones",)],
    "screen_immune": [("immune",), ("inject drugs",)],
    "screen_pregnancy": [("pregnant",)],
    "screen_night_pain": [("night",), ("lying still", "rest")],
    "screen_over_50": [("50",)],
    "screen_first_episode": [("first",)],  # the age is its own question before it
}
# The parts a person answers, as heard: the stretches between commas ("is it hard to pee, or have
# you leaked ...?"); words joined by "or" without a comma share one verb ("numbness or tingling
# around your bottom"). People answer the last part they heard, so two at most. A leading "Since
# this started," frames the question and asks nothing.
PART_BREAK = re.compile(r",\s*")
FRAME = re.compile(r"^since [^,]+,\s*", re.IGNORECASE)


def test_every_question_of_the_table_is_checked_here():
    assert set(CONDITIONS) == set(load_table().screening_slots)


def wordings(slot):
    for name in (f"utter_ask_{slot}", f"utter_ask_{slot}_helper"):
        for variation in RESPONSES[name]:
            yield name, variation["text"].lower()


@pytest.mark.parametrize("slot", CONDITIONS)
def test_every_wording_keeps_every_condition(slot):
    for name, text in wordings(slot):
        for alternatives in CONDITIONS[slot]:
            assert any(a in text for a in alternatives), f"{name}: {alternatives} missing from {text!r}"


@pytest.mark.parametrize("slot", CONDITIONS)
def test_the_helper_wording_asks_about_them(slot):
    for variation in RESPONSES[f"utter_ask_{slot}_helper"]:
        words = variation["text"].lower().replace("?", " ").replace(",", " ").replace(".", " ").split()
        assert "you" not in words and "your" not in words, variation["text"]


@pytest.mark.parametrize("slot", CONDITIONS)
def test_every_question_read_aloud_asks_at_most_two_things(slot):
    for name, _ in wordings(slot):
        for variation in RESPONSES[name]:
            spoken = speakable(variation["text"])
            question = spoken.replace("Let me put it simply.", "").replace("Yes or no.", "").strip()
            assert question.count("?") == 1, f"{name}: one question per turn: {spoken!r}"
            clauses = PART_BREAK.split(FRAME.sub("", question))
            assert len(clauses) <= 2, f"{name}: {len(clauses)} things asked in {spoken!r}"


def test_the_emergency_questions_are_the_nine_of_the_guidance_in_its_order():
    emergency = [q.slot for q in load_table().questions if q.level == EMERGENCY]
    assert emergency == [
        "screen_bladder_bowel", "screen_saddle_numbness", "screen_both_legs", "screen_leg_weakness",
        "screen_trauma", "screen_chest", "screen_aortic", "screen_stroke", "screen_confusion",
    ]
