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


def test_an_urgent_flag_told_earlier_leaves_medicines_to_the_doctor(dispatcher, domain):
    # clinical-guidance section 4: on the urgent route, leave medicines to the doctor
    tracker = make_tracker(slots={"urgent_flag": "pregnancy"}, intent="ask_pain_relief", latest_action="pain_relief_form")
    sets = run(tracker, dispatcher, domain)
    assert sets["pain_relief_advice"] == "doctor" and dispatcher.messages == []


def test_the_urgent_route_asks_no_cautions(dispatcher, domain):
    tracker = make_tracker(slots={"triage": "urgent"}, intent="ask_pain_relief", latest_action="pain_relief_form")
    assert run(tracker, dispatcher, domain)["pain_relief_advice"] == "doctor"


def test_a_flag_that_matters_for_pain_relievers_counts_as_a_caution(dispatcher, domain):
    # steroids answered yes in screening (with a self-care route overruled elsewhere) or a
    # kidney flag: ask a pharmacist first
    from actions.pain_relief_form import relevant_flags
    from spasm_aid import triage

    tracker = make_tracker(slots={"screen_steroids": "yes"}, intent="ask_pain_relief", latest_action="pain_relief_form")
    assert triage.needs_pharmacist({}, relevant_flags(tracker))


def test_the_cautions_cover_the_label(domain):
    # clinical-guidance section 4: the US Drug Facts label's cautions, age 60 and a daily aspirin
    spoken = " ".join(domain["responses"][f"utter_ask_{slot}"][0]["text"] for slot in CAUTIONS).lower()
    for words in ("ulcer", "bleeding", "heartburn", "blood thinner", "steroids", "daily aspirin", "water tablets",
                  "kidney", "liver", "heart disease", "blood pressure", "asthma", "pregnant", "breastfeeding",
                  "60 or older", "allergic", "3 or more alcoholic drinks"):
        assert words in spoken, words


def test_each_caution_question_is_one_question():
    for slot in CAUTIONS:
        assert slot.startswith("caution_")
