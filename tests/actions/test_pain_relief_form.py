"""validate_pain_relief_form: caution questions before an anti-inflammatory."""
import asyncio

from actions.pain_relief_form import ValidatePainReliefForm
from spasm_aid.triage import load_table

from .conftest import make_tracker

CAUTIONS = list(load_table().caution_slots)
FORM = "pain_relief_form"


def run(tracker, dispatcher, domain):
    events = asyncio.run(ValidatePainReliefForm().run(dispatcher, tracker, domain))
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_activation_introduces_the_checks_and_asks_the_first(dispatcher, domain):
    tracker = make_tracker(intent="ask_pain_relief", latest_action="pain_relief_form")
    sets = run(tracker, dispatcher, domain)
    assert dispatcher.messages[0]["response"] == "utter_pain_relief_intro"
    assert sets.get("requested_slot", CAUTIONS[0]) == CAUTIONS[0] and "pain_relief_advice" not in sets


def test_all_no_allows_an_anti_inflammatory(dispatcher, domain):
    slots = {slot: "no" for slot in CAUTIONS[:-1]}
    tracker = make_tracker(slots={**slots, "requested_slot": CAUTIONS[-1]}, new_slots={CAUTIONS[-1]: "no"}, active_loop=FORM)
    assert run(tracker, dispatcher, domain)["pain_relief_advice"] == "otc_ok"


def test_one_yes_stops_the_questions_and_sends_to_a_pharmacist(dispatcher, domain):
    tracker = make_tracker(slots={"requested_slot": CAUTIONS[0]}, intent="affirm", new_slots={CAUTIONS[0]: "yes"}, active_loop=FORM)
    sets = run(tracker, dispatcher, domain)
    assert sets["pain_relief_advice"] == "ask_first" and sets["requested_slot"] is None


def test_pregnancy_told_earlier_skips_the_questions(dispatcher, domain):
    tracker = make_tracker(slots={"urgent_flag": "pregnancy"}, intent="ask_pain_relief", latest_action="pain_relief_form")
    sets = run(tracker, dispatcher, domain)
    assert sets["pain_relief_advice"] == "ask_first" and dispatcher.messages == []


def test_yes_to_the_urgent_question_in_screening_counts(dispatcher, domain):
    tracker = make_tracker(slots={"screen_steroids": "yes"}, intent="ask_pain_relief", latest_action="pain_relief_form")
    assert run(tracker, dispatcher, domain)["pain_relief_advice"] == "ask_first"
