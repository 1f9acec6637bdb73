"""The NLU component rewrites intent and entities from the guard."""
import pytest
from rasa.shared.nlu.training_data.message import Message

from spasm_aid.rasa_components.red_flag_guard import RedFlagGuardComponent


@pytest.fixture(scope="module")
def component(guard):
    return RedFlagGuardComponent({"spacy_model": "unused", "ml_red_flag_threshold": 0.3}, guard=guard)


def message(text, intent="report_spasm", ranking=None):
    ranking = ranking or [{"name": intent, "confidence": 0.9}, {"name": "deny", "confidence": 0.05}]
    return Message(data={"text": text, "intent": {"name": intent, "confidence": 0.9}, "intent_ranking": ranking})


def test_red_flag_overrides_the_classifier(component):
    [m] = component.process([message("yes and I can't feel my legs", intent="affirm")])
    assert m.get("intent") == {"name": "red_flag", "confidence": 1.0}
    assert [(e["entity"], e["value"]) for e in m.get("entities")] == [("red_flag", "leg_weakness")]


def test_help_is_a_red_flag_without_a_reason(component):
    [m] = component.process([message("help")])
    assert m.get("intent")["name"] == "red_flag" and m.get("entities") == []


def test_urgent_flag(component):
    [m] = component.process([message("im pregnant")])
    assert m.get("intent")["name"] == "urgent_flag"
    assert m.get("entities")[0]["value"] == "pregnancy"


def test_a_weak_ml_red_flag_guess_still_routes_up(component):
    ranking = [{"name": "report_spasm", "confidence": 0.6}, {"name": "red_flag", "confidence": 0.35}]
    [m] = component.process([message("my back is weird and wobbly", ranking=ranking)])
    assert m.get("intent")["name"] == "red_flag"


def test_a_negation_read_by_rule_beats_an_ml_red_flag_guess(component):
    ranking = [{"name": "red_flag", "confidence": 0.7}, {"name": "deny", "confidence": 0.25}]
    [m] = component.process([message("no numbness in my groin", intent="red_flag", ranking=ranking)])
    assert m.get("intent") == {"name": "deny", "confidence": 0.25}


def test_ordinary_messages_keep_their_intent(component):
    [m] = component.process([message("should I use ice or heat", intent="ask_ice_heat")])
    assert m.get("intent")["name"] == "ask_ice_heat" and m.get("entities") == []


def test_messages_without_text_pass_through(component):
    [m] = component.process([Message(data={"intent": {"name": "greet", "confidence": 1.0}})])
    assert m.get("intent")["name"] == "greet"
