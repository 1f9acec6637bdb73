"""The names in spasm_aid.contract exist where the assistant defines them: domain.yml, the
training data and the rules (issue 15). A rename on one side only fails here."""
import pytest
import yaml

from spasm_aid import contract
from spasm_aid.contract import TriagePayload, routes_to_emergency
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def domain():
    return yaml.safe_load((ROOT / "domain.yml").read_text())


def test_the_intents_the_code_names_are_in_the_domain(domain):
    for intent in (contract.RED_FLAG_INTENT, contract.URGENT_FLAG_INTENT, contract.VOICE_UNCLEAR_INTENT):
        assert intent in domain["intents"]


def test_the_slots_and_forms_the_code_names_are_in_the_domain(domain):
    for slot in (contract.RED_FLAG_SLOT, contract.URGENT_FLAG_SLOT, contract.TRIAGE_SLOT, contract.SPEAKER_SLOT,
                 contract.FALL_REPORTED_SLOT):
        assert slot in domain["slots"], slot
    assert {contract.RED_FLAG_SLOT, contract.URGENT_FLAG_SLOT} <= set(domain["entities"])
    for form in (contract.SCREENING_FORM, contract.PAIN_RELIEF_FORM):
        assert form in domain["forms"], form


def test_the_triage_levels_are_the_triage_slots_values(domain):
    values = set(domain["slots"][contract.TRIAGE_SLOT]["values"])
    assert {contract.EMERGENCY, contract.URGENT, contract.SELF_CARE} <= values


def test_the_not_understood_intent_is_answered_by_a_rule():
    rules = [yaml.safe_load(path.read_text()) for path in (ROOT / "data" / "rules").glob("*.yml")]
    steps = [step for doc in rules for rule in doc.get("rules", []) for step in rule.get("steps", [])]
    assert {"intent": contract.NOT_UNDERSTOOD_INTENT} in steps


def test_a_triage_payload_is_read_from_a_reply_or_a_bare_custom_payload():
    reply = {"custom": {"triage": "emergency", "reason": "chest", "call": "999"}}
    assert TriagePayload.of(reply) == TriagePayload("emergency", "chest", "999")
    assert TriagePayload.of(reply["custom"]).is_emergency()
    assert TriagePayload.of({"text": "hello"}) is None and TriagePayload.of("text") is None
    assert TriagePayload.of({"custom": {"triage": 5}}) is None
    assert TriagePayload.first([{"text": "x"}, {"custom": {"triage": "urgent"}}]).level == "urgent"
    assert routes_to_emergency([{"text": "x"}, reply]) and not routes_to_emergency([{"custom": {"triage": "urgent"}}])
    assert not routes_to_emergency(None)


def test_every_question_of_the_yes_no_forms_is_marked_and_nothing_else_is(domain):
    from spasm_aid.contract import (
        CHECK_IN_FORM,
        CHECK_IN_OFFER_RESPONSE,
        CONFIRM_WITHDRAW_RESPONSE,
        PAIN_RELIEF_FORM,
        SAFETY_CHECK_RESPONSE,
        SCREENING_FORM,
        is_yes_no_question,
    )

    # the forms' questions, the one safety question, "You told me <sign>. Is that wrong?" and the
    # offer of a follow-up check-in
    asked = {f"utter_ask_{slot}" for form in (SCREENING_FORM, PAIN_RELIEF_FORM, CHECK_IN_FORM)
             for slot in domain["forms"][form]["required_slots"]} | {
                 SAFETY_CHECK_RESPONSE, CONFIRM_WITHDRAW_RESPONSE, CHECK_IN_OFFER_RESPONSE}
    assert asked and all(is_yes_no_question(name) for name in asked)
    marked = {name for name in domain["responses"] if is_yes_no_question(name) and not name.endswith("_helper")}
    assert marked == asked


def test_the_generated_reply_carries_the_marker_through_every_reader():
    from spasm_aid.contract import expects_yes_no

    question = [{"text": "Any chest pain?", "buttons": [{"title": "Yes", "payload": "yes"}]}, {"custom": {"expects": "yes_no"}}]
    assert expects_yes_no(question)
    assert not expects_yes_no([{"text": "Any chest pain?"}])
    assert not expects_yes_no([{"custom": "yes_no"}, None, "text"])
