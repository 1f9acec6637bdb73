"""The emergency hand-off decision."""
from spasm_aid.safety import ACTION_LISTEN, DEACTIVATE_LOOP, EMERGENCY_RESPONSE, TurnState, next_action


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
