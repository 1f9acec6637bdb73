"""The response generator fills the emergency number and the triage payload."""
import asyncio

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from spasm_aid.rasa_components.nlg import SpasmAidNaturalLanguageGenerator, complete_triage_payload
from spasm_aid.settings import SettingsError
from tests.conftest import ROOT

DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def generate(action, slots=None, **kwargs):
    nlg = SpasmAidNaturalLanguageGenerator(domain=DOMAIN)
    tracker = DialogueStateTracker.from_events("t", [SlotSet(k, v) for k, v in (slots or {}).items()], DOMAIN.slots)
    return asyncio.run(nlg.generate(action, tracker, "rest", **kwargs))


def test_emergency_message_uses_the_configured_number(monkeypatch):
    monkeypatch.setenv("SPASM_AID_EMERGENCY_NUMBER", "112")
    response = generate("utter_emergency", {"red_flag": "chest"})
    assert "Call 112 now" in response["text"]
    assert response["custom"] == {"triage": "emergency", "reason": "chest", "call": "112"}


def test_emergency_message_reads_back_the_flag_and_keeps_the_order(monkeypatch):
    monkeypatch.delenv("SPASM_AID_EMERGENCY_NUMBER", raising=False)
    text = generate("utter_emergency", {"red_flag": "leg_weakness"})["text"]
    assert text.startswith("Weak or numb legs")
    order = [text.index(p) for p in ("Call 911 now", "Don't drive", "keep still", "unlock the door", "repeat")]
    assert order == sorted(order)
    assert "aspirin" not in text.lower() and "ibuprofen" not in text.lower()


def test_emergency_without_a_flag_has_a_null_reason():
    assert generate("utter_emergency")["custom"]["reason"] is None


def test_urgent_reason_comes_from_the_urgent_flag():
    response = generate("utter_urgent", {"urgent_flag": "fever"})
    assert response["custom"] == {"triage": "urgent", "reason": "fever", "call": "911"}


def test_pregnancy_gets_the_midwife():
    assert "midwife" in generate("utter_urgent", {"urgent_flag": "pregnancy"})["text"]


def test_self_care_payload():
    assert generate("utter_all_clear")["custom"] == {"triage": "self_care", "reason": None, "call": "911"}


def test_responses_without_triage_are_untouched():
    assert "custom" not in generate("utter_ice_heat")
    assert complete_triage_payload({"text": "x", "custom": {"other": 1}}, {}, "911") == {"text": "x", "custom": {"other": 1}}


@pytest.mark.parametrize("bad", ["", "9-1-1", "call 911", "1234567"])
def test_a_bad_emergency_number_stops_start_up_with_a_clear_message(monkeypatch, bad):
    monkeypatch.setenv("SPASM_AID_EMERGENCY_NUMBER", bad)
    with pytest.raises(SettingsError, match="SPASM_AID_EMERGENCY_NUMBER"):
        SpasmAidNaturalLanguageGenerator(domain=DOMAIN)


# Placeholders a response may use: the number (from the generator) and what the timer actions pass.
KNOWN_PLACEHOLDERS = ("{emergency_number}", "{minutes}", "{hours}")


def test_every_text_in_the_domain_fills_without_leftover_placeholders():
    for name in DOMAIN.responses:
        for variation in DOMAIN.responses[name]:
            leftover = variation.get("text", "")
            for placeholder in KNOWN_PLACEHOLDERS:
                leftover = leftover.replace(placeholder, "")
            assert "{" not in leftover, f"{name} has an unknown placeholder"


def test_timer_responses_get_the_minutes_the_action_passes():
    assert "when 20 minutes are up" in generate("utter_timer_started_heat", minutes="20")["text"]


def test_yes_no_questions_get_quick_replies_and_other_responses_do_not():
    from spasm_aid.rasa_components.nlg import add_quick_replies

    question = add_quick_replies("utter_ask_screen_chest", {"text": "Any chest pain?"})
    assert [b["payload"] for b in question["buttons"]] == ["yes", "no", "not sure"]
    caution = add_quick_replies("utter_ask_caution_alcohol", {"text": "3 or more drinks a day?"})
    assert caution["buttons"]
    assert "buttons" not in add_quick_replies("utter_emergency", {"text": "Call now"})
    own = add_quick_replies("utter_ask_screen_chest", {"text": "?", "buttons": [{"title": "A", "payload": "a"}]})
    assert own["buttons"] == [{"title": "A", "payload": "a"}]
    assert add_quick_replies("utter_ask_screen_chest", None) is None
