"""validate_screening_form: re-asking after "not sure", routing, skipping, nudges."""
import asyncio

from actions.screening_form import ValidateScreeningForm
from spasm_aid.triage import load_table

from .conftest import make_tracker

TABLE = load_table()
SLOTS = TABLE.screening_slots
FORM = "screening_form"


def run(tracker, dispatcher, domain):
    events = asyncio.run(ValidateScreeningForm().run(dispatcher, tracker, domain))
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def answered(upto):
    return {slot: "no" for slot in SLOTS[:upto]}


def test_first_not_sure_asks_the_same_question_again_in_simpler_words(dispatcher, domain):
    tracker = make_tracker(
        slots={"requested_slot": SLOTS[0]}, intent="unsure", new_slots={SLOTS[0]: "unsure"}, active_loop=FORM
    )
    sets = run(tracker, dispatcher, domain)
    assert sets[SLOTS[0]] is None and sets["reasked_slot"] == SLOTS[0]
    # the form goes on with the first unanswered question: this one again
    assert sets.get("requested_slot", SLOTS[0]) == SLOTS[0] and "triage" not in sets


def test_second_not_sure_on_an_emergency_question_routes_up(dispatcher, domain):
    tracker = make_tracker(
        slots={"requested_slot": SLOTS[0], "reasked_slot": SLOTS[0]},
        intent="unsure",
        new_slots={SLOTS[0]: "unsure"},
        active_loop=FORM,
    )
    sets = run(tracker, dispatcher, domain)
    assert sets[SLOTS[0]] == "unsure" and sets["red_flag"] == TABLE.questions[0].reason
    assert sets["triage"] == "emergency" and sets["requested_slot"] is None


def test_all_no_ends_the_form_as_self_care(dispatcher, domain):
    last = SLOTS[-1]
    tracker = make_tracker(
        slots={**answered(len(SLOTS) - 1), "requested_slot": last}, new_slots={last: "no"}, active_loop=FORM
    )
    sets = run(tracker, dispatcher, domain)
    assert sets["triage"] == "self_care" and sets["requested_slot"] is None


def test_yes_to_the_urgent_question_ends_as_urgent(dispatcher, domain):
    index = SLOTS.index("screen_fever")
    tracker = make_tracker(
        slots={**answered(index), "requested_slot": SLOTS[index]}, intent="affirm",
        new_slots={SLOTS[index]: "yes"}, active_loop=FORM,
    )
    sets = run(tracker, dispatcher, domain)
    assert sets["triage"] == "urgent" and sets["requested_slot"] is None
    assert sets["urgent_flag"] == "fever"  # one question, one flag: the reason is known


def test_yes_to_a_two_condition_question_names_no_flag(dispatcher, domain):
    index = SLOTS.index("screen_cancer")
    tracker = make_tracker(
        slots={**answered(index), "requested_slot": SLOTS[index]}, intent="affirm",
        new_slots={SLOTS[index]: "yes"}, active_loop=FORM,
    )
    sets = run(tracker, dispatcher, domain)
    assert sets["triage"] == "urgent" and "urgent_flag" not in sets


def test_the_last_emergency_no_brings_first_aid_before_the_urgent_questions(dispatcher, domain):
    emergency = [q.slot for q in TABLE.questions if q.level == "emergency"]
    last = emergency[-1]
    tracker = make_tracker(
        slots={**answered(len(emergency) - 1), "requested_slot": last}, new_slots={last: "no"}, active_loop=FORM
    )
    sets = run(tracker, dispatcher, domain)
    said = [m["response"] for m in dispatcher.messages]
    assert said == ["utter_first_aid_now", "utter_urgent_questions_intro"]
    assert sets.get("requested_slot", TABLE.first_aid_before) == TABLE.first_aid_before and "triage" not in sets


def test_no_first_aid_break_at_other_questions(dispatcher, domain):
    tracker = make_tracker(slots={"requested_slot": SLOTS[0]}, new_slots={SLOTS[0]: "no"}, active_loop=FORM)
    run(tracker, dispatcher, domain)
    assert dispatcher.messages == []


def test_over_fifty_first_episode_yes_stays_self_care(dispatcher, domain):
    last = SLOTS[-1]
    assert last == "screen_first_episode"
    tracker = make_tracker(
        slots={**answered(len(SLOTS) - 1), "requested_slot": last}, intent="affirm",
        new_slots={last: "yes"}, active_loop=FORM,
    )
    sets = run(tracker, dispatcher, domain)
    assert sets["triage"] == "self_care" and "urgent_flag" not in sets


def test_an_urgent_flag_told_at_the_start_skips_the_urgent_questions(dispatcher, domain):
    emergency = [q.slot for q in TABLE.questions if q.level == "emergency"]
    last = emergency[-1]
    tracker = make_tracker(
        slots={**answered(len(emergency) - 1), "urgent_flag": "pregnancy", "requested_slot": last},
        new_slots={last: "no"}, active_loop=FORM,
    )
    sets = run(tracker, dispatcher, domain)
    assert sets["triage"] == "urgent" and sets["requested_slot"] is None


def test_an_off_topic_answer_gets_a_nudge_and_the_question_again(dispatcher, domain):
    tracker = make_tracker(slots={"requested_slot": SLOTS[2]}, intent="thank", active_loop=FORM)
    sets = run(tracker, dispatcher, domain)
    assert dispatcher.messages[0]["response"] == "utter_screening_need_answer"
    assert sets == {"screening_nudges": 1.0}


def test_a_topic_question_mid_screening_is_promised_for_later(dispatcher, domain):
    tracker = make_tracker(slots={"requested_slot": SLOTS[1]}, intent="ask_ice_heat", active_loop=FORM)
    run(tracker, dispatcher, domain)
    assert dispatcher.messages[0]["response"] == "utter_screening_topic_later"


def test_an_urgent_flag_told_mid_screening_is_noted_and_screening_goes_on(dispatcher, domain):
    tracker = make_tracker(
        slots={"requested_slot": SLOTS[1], "urgent_flag": "fever"}, intent="urgent_flag", active_loop=FORM
    )
    sets = run(tracker, dispatcher, domain)
    assert dispatcher.messages[0]["response"] == "utter_noted_urgent"
    assert "requested_slot" not in sets or sets["requested_slot"] == SLOTS[1]


def test_intents_the_rules_handle_are_rejected(dispatcher, domain):
    for intent in ("repeat", "stop", "start_over", "withdraw_emergency", "slower", "red_flag"):
        tracker = make_tracker(slots={"requested_slot": SLOTS[3]}, intent=intent, active_loop=FORM)
        assert run(tracker, dispatcher, domain) == {}
    assert dispatcher.messages == []


LEGS_FINE = ["legs_pain", "legs_numb", "legs_weak", "legs_giving_way", "leg_weaker"]


def test_a_no_with_legs_said_to_be_fine_skips_both_leg_questions(dispatcher, domain):
    # "no, and my legs are fine" to the saddle question: the next question is about a fall
    index = SLOTS.index("screen_saddle_numbness")
    tracker = make_tracker(
        slots={**answered(index), "requested_slot": SLOTS[index], "denied_conditions": LEGS_FINE},
        intent="deny", new_slots={SLOTS[index]: "no"}, active_loop=FORM,
    )
    sets = run(tracker, dispatcher, domain)
    assert sets["requested_slot"] == "screen_trauma"
    assert sets.get("screen_both_legs") is None and sets.get("screen_leg_weakness") is None


def test_legs_said_to_be_fine_to_a_leg_question_answer_it_without_a_nudge(dispatcher, domain):
    index = SLOTS.index("screen_both_legs")
    tracker = make_tracker(
        slots={**answered(index), "requested_slot": SLOTS[index], "denied_conditions": LEGS_FINE},
        intent="inform", active_loop=FORM,
    )
    sets = run(tracker, dispatcher, domain)
    assert sets["requested_slot"] == "screen_trauma"
    assert "utter_screening_need_answer" not in [m.get("response") for m in dispatcher.messages]


def test_a_partial_denial_still_asks_the_question(dispatcher, domain):
    index = SLOTS.index("screen_chest")
    tracker = make_tracker(
        slots={**answered(index), "requested_slot": SLOTS[index], "denied_conditions": ["chest_pain"]},
        intent="inform", active_loop=FORM,
    )
    run(tracker, dispatcher, domain)
    assert "utter_screening_need_answer" in [m.get("response") for m in dispatcher.messages]
