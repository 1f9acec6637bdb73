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
                  "60 or older", "allergic", "3 or more alcoholic drinks", "stroke", "heart attack"):
        assert words in spoken, words


def test_each_caution_question_is_one_question():
    for slot in CAUTIONS:
        assert slot.startswith("caution_")


# --- the medicine asked about (clinical-guidance section 4) ----------------------------------
def ask(text, slots=None, events=None):
    return make_tracker(slots=slots, intent="ask_pain_relief", latest_action="pain_relief_form", text=text, events=events)


def test_the_key_caution_of_the_medicine_asked_about_comes_before_the_questions(dispatcher, domain):
    sets = run(ask("can I take aspirin"), dispatcher, domain)
    assert dispatcher.messages[0]["response"] == "utter_pain_relief_intro_aspirin"
    assert "under 16" in domain["responses"]["utter_pain_relief_intro_aspirin"][0]["text"]
    assert sets.get("requested_slot", CAUTIONS[0]) == CAUTIONS[0]


def test_a_medicine_without_its_own_intro_gets_the_general_one(dispatcher, domain):
    run(ask("what can I take for it"), dispatcher, domain)
    assert dispatcher.messages[0]["response"] == "utter_pain_relief_intro"


def test_the_answer_names_the_medicine_asked_about(dispatcher, domain):
    answers = {slot: "no" for slot in CAUTIONS[:-1]}
    tracker = make_tracker(slots={**answers, "requested_slot": CAUTIONS[-1]}, new_slots={CAUTIONS[-1]: "no"},
                           active_loop=FORM, events=[{"event": "user", "text": "is tylenol ok",
                                                      "parse_data": {"intent": {"name": "ask_pain_relief"}}}])
    sets = run(tracker, dispatcher, domain)
    assert sets["pain_relief_advice"] == "otc_ok" and sets["pain_relief_variant"] == "paracetamol"


def test_a_muscle_relaxant_is_answered_at_once_with_the_drowsiness_warning(dispatcher, domain):
    sets = run(ask("are muscle relaxants any good"), dispatcher, domain)
    assert dispatcher.messages == []  # no caution questions: they need a prescription anyway
    assert sets["pain_relief_advice"] == "ask_first" and sets["pain_relief_variant"] == "muscle_relaxant"


def test_a_childs_medicine_goes_to_the_pharmacist_without_the_adult_questions(dispatcher, domain):
    sets = run(ask("can my 12 year old take aspirin"), dispatcher, domain)
    assert sets["pain_relief_advice"] == "ask_first" and sets["pain_relief_variant"] == "child"


def test_pregnancy_answered_in_the_cautions_gives_the_pregnancy_answer(dispatcher, domain):
    slot = "caution_pregnancy"
    tracker = make_tracker(slots={"requested_slot": slot}, intent="affirm", new_slots={slot: "yes"}, active_loop=FORM,
                           events=[{"event": "user", "text": "can i take ibuprofen",
                                    "parse_data": {"intent": {"name": "ask_pain_relief"}}}])
    sets = run(tracker, dispatcher, domain)
    assert sets["pain_relief_advice"] == "ask_first" and sets["pain_relief_variant"] == "pregnancy"


def test_the_question_waiting_through_the_screening_still_decides(dispatcher, domain):
    from actions.pain_relief_form import pain_relief_question

    events = [{"event": "user", "text": "can I take naproxen", "parse_data": {"intent": {"name": "ask_pain_relief"}}},
              {"event": "user", "text": "no", "parse_data": {"intent": {"name": "deny"}}}]
    assert pain_relief_question(events) == "can I take naproxen"
