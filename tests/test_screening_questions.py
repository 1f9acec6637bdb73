"""The screening questions as spoken (clinical-guidance sections 2 and 3): each condition of a
question is still there when it is asked again in simpler words after "not sure", and for a
helper; the urgent questions ask at most two things."""
import pytest
import yaml

from tests.conftest import ROOT

RESPONSES = yaml.safe_load(open(ROOT / "domain.yml", encoding="utf-8"))["responses"]

# For each question, one word (or alternatives) per condition, found in every wording.
CONDITIONS = {
    "screen_bladder_bowel": [("peeing",), ("leaked", "accident")],
    "screen_saddle_numbness": [("numb",), ("tingl",), ("bottom",), ("genitals", "groin"), ("inner thigh",)],
    "screen_leg_weakness": [("weak",), ("numb",), ("tingly",), ("getting weaker",)],
    "screen_trauma": [("fall",), ("accident",), ("knock", "hit hard")],
    "screen_chest": [("chest",), ("breath",), ("sweaty",), ("faint",)],
    "screen_stroke": [("face",), ("weak",), ("numb",), ("speech",)],
    "screen_fever": [("fever", "temperature"), ("hot and shivery",)],
    "screen_cancer": [("cancer",), ("weight", "thinner")],
    "screen_steroids": [("steroid",), ("thin bones",)],
    "screen_immune": [("immune",), ("inject drugs",)],
    "screen_pregnancy": [("pregnant",)],
    "screen_first_episode": [("50",), ("first",)],
}


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


def test_urgent_questions_ask_at_most_two_things():
    for slot in ("screen_fever", "screen_cancer", "screen_steroids", "screen_immune", "screen_pregnancy",
                 "screen_first_episode"):
        assert len(CONDITIONS[slot]) <= 2
