"""The emergency hand-off decision."""
import dataclasses

import pytest

from spasm_aid.safety import (
    ACTION_LISTEN,
    CONFIRM_WITHDRAW,
    DEACTIVATE_LOOP,
    DISCLAIMER,
    EMERGENCY_KEPT,
    EMERGENCY_REMINDER,
    EMERGENCY_RESPONSE,
    EMERGENCY_WITHDRAWN,
    SCREENING_FORM,
    TurnState,
    next_action,
)


def state(**overrides):
    values = dict(intent="deny", flag_this_turn=None, actions_this_turn=[], active_loop=None, previous_response=None)
    values.update(overrides)
    return TurnState(**values)


def test_nothing_to_say_without_a_red_flag():
    assert next_action(state()) is None
    assert next_action(state(intent="ask_ice_heat", active_loop="screening_form")) is None


def test_red_flag_intent_gets_the_emergency_message_first():
    assert next_action(state(intent="red_flag")) == EMERGENCY_RESPONSE


def test_flag_set_this_turn_counts_whatever_the_intent():
    assert next_action(state(intent="affirm", flag_this_turn="chest")) == EMERGENCY_RESPONSE


def test_inside_a_form_the_form_is_stopped_after_the_message():
    s = state(intent="red_flag", active_loop="screening_form", actions_this_turn=["action_extract_slots", EMERGENCY_RESPONSE])
    assert next_action(s) == DEACTIVATE_LOOP


def test_then_it_listens():
    s = state(intent="red_flag", actions_this_turn=[EMERGENCY_RESPONSE, DEACTIVATE_LOOP])
    assert next_action(s) == ACTION_LISTEN


def test_repeat_right_after_the_emergency_message_repeats_it():
    assert next_action(state(intent="repeat", previous_response=EMERGENCY_RESPONSE)) == EMERGENCY_RESPONSE
    assert next_action(state(intent="slower", previous_response=EMERGENCY_RESPONSE)) == EMERGENCY_RESPONSE


def test_repeat_after_other_replies_is_left_to_the_rules():
    assert next_action(state(intent="repeat", previous_response="utter_ice_heat")) is None


# --- the screening gate and after an emergency (issue 13, clinical-guidance section 2) --------
from spasm_aid.safety import FIRST_AID_INTENTS, SCREEN_FIRST  # noqa: E402


@pytest.mark.parametrize("intent", sorted(FIRST_AID_INTENTS))
def test_first_aid_before_the_emergency_questions_screens_first(intent):
    s = state(intent=intent)
    assert next_action(s) == DISCLAIMER
    s = state(intent=intent, actions_this_turn=[DISCLAIMER])
    assert next_action(s) == SCREEN_FIRST
    s = state(intent=intent, actions_this_turn=[DISCLAIMER, SCREEN_FIRST])
    assert next_action(s) == SCREENING_FORM
    s = state(intent=intent, actions_this_turn=[DISCLAIMER, SCREEN_FIRST, SCREENING_FORM])
    assert next_action(s) is None  # the form asks its question; the rules take over


def test_the_disclaimer_is_said_once():
    assert next_action(state(intent="ask_rest", disclaimer_given=True)) == SCREEN_FIRST


def test_first_aid_is_left_to_the_rules_once_screened():
    assert next_action(state(intent="ask_ice_heat", emergency_questions_answered=True, route="self_care")) is None
    assert next_action(state(intent="ask_pain_relief", emergency_questions_answered=True)) is None


def test_a_running_form_handles_a_topic_itself():
    assert next_action(state(intent="ask_ice_heat", active_loop="screening_form")) is None


@pytest.mark.parametrize("intent", sorted(FIRST_AID_INTENTS - {"ask_while_waiting"}))
def test_after_an_emergency_first_aid_gets_the_reminder_to_call(intent):
    s = state(intent=intent, route="emergency", emergency_questions_answered=True)
    assert next_action(s) == EMERGENCY_REMINDER
    s = state(intent=intent, route="emergency", actions_this_turn=[EMERGENCY_REMINDER])
    assert next_action(s) == ACTION_LISTEN


@pytest.mark.parametrize("intent", ["EXTERNAL_timer_done", "EXTERNAL_walk_reminder"])
def test_after_an_emergency_a_timer_or_walk_reminder_says_nothing(intent):
    assert next_action(state(intent=intent, route="emergency")) == ACTION_LISTEN


def test_after_an_emergency_what_to_do_while_waiting_and_control_intents_go_to_the_rules():
    for intent in ("ask_while_waiting", "stop", "thank", "repeat"):
        assert next_action(state(intent=intent, route="emergency", previous_response="utter_thank")) is None


# --- taking back a mistaken emergency (clinical-guidance section 2) ---------------------------
@pytest.mark.parametrize("intent", ["withdraw_emergency", "start_over"])
def test_after_an_emergency_a_correction_or_start_over_asks_before_withdrawing(intent):
    s = state(intent=intent, route="emergency", previous_response=EMERGENCY_RESPONSE)
    assert next_action(s) == CONFIRM_WITHDRAW  # never a silent restart
    assert next_action(state(intent=intent, route="emergency", actions_this_turn=[CONFIRM_WITHDRAW])) == ACTION_LISTEN


def test_a_correction_with_no_emergency_is_left_to_the_rules():
    assert next_action(state(intent="withdraw_emergency", route=None)) is None
    assert next_action(state(intent="start_over", route="self_care", emergency_questions_answered=True)) is None


def confirming(**overrides):
    values = dict(route="emergency", previous_response=CONFIRM_WITHDRAW, emergency_questions_answered=True, text="yes")
    values.update(overrides)
    return state(**values)


def test_a_clear_yes_withdraws_it_then_the_screening_goes_on_where_it_was():
    assert next_action(confirming(intent="affirm")) == EMERGENCY_WITHDRAWN
    # the policy's events have put the route back: the questions are not all answered any more
    after = confirming(intent="affirm", route=None, emergency_questions_answered=False, disclaimer_given=True,
                       actions_this_turn=[EMERGENCY_WITHDRAWN])
    assert next_action(after) == SCREENING_FORM
    after = dataclasses.replace(after, actions_this_turn=[EMERGENCY_WITHDRAWN, SCREENING_FORM])
    assert next_action(after) == ACTION_LISTEN


def test_withdrawn_before_any_screening_the_disclaimer_comes_first():
    after = confirming(intent="affirm", route=None, emergency_questions_answered=False,
                       actions_this_turn=[EMERGENCY_WITHDRAWN])
    assert next_action(after) == DISCLAIMER


def test_withdrawn_after_the_screening_it_listens():
    after = confirming(intent="affirm", route="self_care", actions_this_turn=[EMERGENCY_WITHDRAWN])
    assert next_action(after) == ACTION_LISTEN


@pytest.mark.parametrize("intent", ["deny", "unsure", "nlu_fallback"])
def test_a_no_or_a_doubt_keeps_it(intent):
    assert next_action(confirming(intent=intent)) == EMERGENCY_KEPT
    assert next_action(confirming(intent=intent, actions_this_turn=[EMERGENCY_KEPT])) == ACTION_LISTEN


def test_an_unsure_yes_keeps_it():
    assert next_action(confirming(intent="affirm", intent_confidence=0.6)) == EMERGENCY_KEPT


@pytest.mark.parametrize("text", ["yes", "Yeah it's wrong", "yep, my mistake", "correct", "yes that’s wrong"])
def test_a_clear_yes_in_so_many_words_withdraws(text):
    assert next_action(confirming(intent="affirm", text=text)) == EMERGENCY_WITHDRAWN


@pytest.mark.parametrize("text", ["hmm", "mhmm", "yes I think so", "yeah but my legs are weird", "ok", "uh huh"])
def test_a_yes_that_hedges_or_is_only_a_sound_keeps_it(text):
    # the classifier may read these as a confident yes: they are not a clear one
    assert next_action(confirming(intent="affirm", text=text, intent_confidence=0.96)) == EMERGENCY_KEPT


def test_restating_the_correction_is_a_clear_yes_but_not_with_a_no_in_it():
    assert next_action(confirming(intent="withdraw_emergency", text="it was a mistake")) == EMERGENCY_WITHDRAWN
    # "no, I said I can feel them" to "Is that wrong?" is not clear: the question is asked again
    assert next_action(confirming(intent="withdraw_emergency", text="no I said I can feel them")) == CONFIRM_WITHDRAW


def test_a_red_flag_in_the_answer_is_an_emergency_again():
    assert next_action(confirming(intent="affirm", flag_this_turn="chest")) == EMERGENCY_RESPONSE


def test_other_answers_are_answered_as_after_any_emergency():
    assert next_action(confirming(intent="ask_rest")) == EMERGENCY_REMINDER
    assert next_action(confirming(intent="ask_while_waiting")) is None


def test_a_red_flag_after_an_emergency_still_gets_the_message():
    assert next_action(state(intent="red_flag", route="emergency")) == EMERGENCY_RESPONSE


def test_reminders_before_any_emergency_are_left_to_the_rules():
    assert next_action(state(intent="EXTERNAL_walk_reminder", route="self_care", emergency_questions_answered=True)) is None


def test_every_action_the_decision_can_name_is_an_action_of_the_domain():
    # the SafetyPolicy ignores an action the domain does not know: a misspelt name here would
    # silently switch the emergency hand-off off
    import yaml

    from spasm_aid import safety
    from tests.conftest import ROOT

    domain = yaml.safe_load(open(ROOT / "domain.yml", encoding="utf-8"))
    known = set(domain["responses"]) | set(domain["actions"]) | set(domain["forms"]) | {
        "action_listen", "action_deactivate_loop"}
    named = {safety.EMERGENCY_RESPONSE, safety.EMERGENCY_REMINDER, safety.DISCLAIMER, safety.SCREEN_FIRST,
             safety.SCREENING_FORM, safety.DEACTIVATE_LOOP, safety.ACTION_LISTEN}
    assert named <= known
    assert safety.FIRST_AID_INTENTS | safety.REMINDER_INTENTS | {safety.RED_FLAG_INTENT} <= set(domain["intents"])


def test_every_red_flag_state_gets_exactly_one_emergency_message_then_listens():
    # the full sequence for a red flag inside a form: message, stop the form, listen
    done = []
    for _ in range(4):
        action = next_action(state(intent="red_flag", active_loop=None if DEACTIVATE_LOOP in done else "screening_form",
                                   actions_this_turn=list(done)))
        done.append(action)
        if action == ACTION_LISTEN:
            break
    assert done == [EMERGENCY_RESPONSE, DEACTIVATE_LOOP, ACTION_LISTEN]


# --- the one safety question and the answer to a question about a sign (clinical-guidance 0) ---
from spasm_aid.contract import SAFETY_CHECK_RESPONSE  # noqa: E402
from spasm_aid.safety import CHECK_CLEARED, SIGN_ANSWER, emergency_flag  # noqa: E402


def test_a_doubtful_sign_gets_the_safety_question_and_a_running_form_stops():
    s = state(intent="red_flag_check", active_loop="screening_form")
    assert next_action(s) == SAFETY_CHECK_RESPONSE
    s = state(intent="red_flag_check", active_loop="screening_form", actions_this_turn=[SAFETY_CHECK_RESPONSE])
    assert next_action(s) == DEACTIVATE_LOOP
    s = state(intent="red_flag_check", actions_this_turn=[SAFETY_CHECK_RESPONSE, DEACTIVATE_LOOP])
    assert next_action(s) == ACTION_LISTEN


@pytest.mark.parametrize("answer", ["affirm", "unsure", "ask_ice_heat", "nlu_fallback", "greet"])
def test_anything_but_a_clear_no_to_the_safety_question_gives_the_emergency_message(answer):
    s = state(intent=answer, previous_response=SAFETY_CHECK_RESPONSE, checked_flag="saddle_numbness")
    assert next_action(s) == EMERGENCY_RESPONSE
    assert emergency_flag(s) == "saddle_numbness"


def test_a_plain_call_for_help_checked_gives_the_message_without_a_flag():
    s = state(intent="affirm", previous_response=SAFETY_CHECK_RESPONSE, checked_flag="help_request")
    assert next_action(s) == EMERGENCY_RESPONSE and emergency_flag(s) is None


def test_a_clear_no_says_so_with_the_number_and_the_screening_resumes():
    s = state(intent="deny", previous_response=SAFETY_CHECK_RESPONSE, disclaimer_given=True)
    assert next_action(s) == CHECK_CLEARED
    s = state(intent="deny", previous_response=SAFETY_CHECK_RESPONSE, disclaimer_given=True, actions_this_turn=[CHECK_CLEARED])
    assert next_action(s) == SCREENING_FORM
    s = state(intent="deny", previous_response=SAFETY_CHECK_RESPONSE, actions_this_turn=[CHECK_CLEARED])
    assert next_action(s) == DISCLAIMER


def test_a_clear_no_after_the_screening_just_listens():
    s = state(intent="deny", previous_response=SAFETY_CHECK_RESPONSE, emergency_questions_answered=True,
              actions_this_turn=[CHECK_CLEARED])
    assert next_action(s) == ACTION_LISTEN


def test_a_question_about_a_sign_is_answered_and_a_running_form_asks_again():
    assert next_action(state(intent="red_flag_question")) == SIGN_ANSWER
    assert next_action(state(intent="red_flag_question", actions_this_turn=[SIGN_ANSWER])) == ACTION_LISTEN
    s = state(intent="red_flag_question", active_loop="screening_form", actions_this_turn=[SIGN_ANSWER])
    assert next_action(s) is None


def test_after_an_emergency_a_doubtful_sign_gets_the_message_again():
    s = state(intent="red_flag_check", route="emergency")
    assert next_action(s) == EMERGENCY_RESPONSE
