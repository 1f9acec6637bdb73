"""The emergency hand-off and the screening gate as pure decisions, used by the SafetyPolicy
inside the Rasa server.

Why a policy and not only rules: a running form has priority over rules in Rasa, and a form
asks its next question unless it rejects. The emergency reply must come next whatever the
dialogue state is, and must not wait on the action server, so this decision is taken in the
Rasa server itself before any form runs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from spasm_aid.contract import (
    DENY_INTENT,
    RED_FLAG_CHECK_INTENT,
    RED_FLAG_INTENT,
    RED_FLAG_QUESTION_INTENT,
    SAFETY_CHECK_RESPONSE,
    SCREENING_FORM,
)
from spasm_aid.triage import load_table

EMERGENCY_RESPONSE = "utter_emergency"
EMERGENCY_REMINDER = "utter_emergency_reminder"
DISCLAIMER = "utter_disclaimer"
SCREEN_FIRST = "utter_screen_first"
CHECK_CLEARED = "utter_check_cleared"
SIGN_ANSWER = "utter_sign_answer"
DEACTIVATE_LOOP = "action_deactivate_loop"
ACTION_LISTEN = "action_listen"
EMERGENCY_ROUTE = "emergency"
# Asking to hear the emergency message again right after it repeats it from here too, so
# that it never depends on the action server.
REPEAT_INTENTS = frozenset({"repeat", "slower"})
# Everything that gives first aid: topics, progress reports, pain relief, pack timers and walk
# reminders. None of it is given before the emergency questions are answered, nor after an
# emergency (clinical-guidance section 2).
FIRST_AID_INTENTS = frozenset(
    {topic.intent for topic in load_table().topics if topic.first_aid}
    | {"ask_pain_relief", "ask_while_waiting", "timer_ice", "timer_heat", "remind_walk", "more"}
)
# What to do while waiting for the ambulance is answered after an emergency (utter_while_waiting).
WHILE_WAITING_INTENT = "ask_while_waiting"
# A pack timer or walk reminder that fires after an emergency says nothing.
REMINDER_INTENTS = frozenset({"EXTERNAL_timer_done", "EXTERNAL_walk_reminder"})


@dataclass(frozen=True)
class TurnState:
    """What the decision needs to know about the current turn."""

    intent: Optional[str]  # intent of the latest user message
    flag_this_turn: Optional[str]  # red-flag id set since the latest user message, if any
    actions_this_turn: Sequence[str]  # actions run since the latest user message
    active_loop: Optional[str]  # the running form, if any
    previous_response: Optional[str]  # the last response before the latest user message
    route: Optional[str] = None  # the triage slot: emergency, urgent, self_care or None
    emergency_questions_answered: bool = False  # all six, or the route decided
    disclaimer_given: bool = False  # said at any point of the conversation
    checked_flag: Optional[str] = None  # the sign the last safety question was about


def safety_check_pending(state: TurnState) -> bool:
    """The reply before this message was the one safety question (clinical-guidance section 0)."""
    return state.previous_response == SAFETY_CHECK_RESPONSE


def is_emergency_turn(state: TurnState) -> bool:
    if state.intent == RED_FLAG_INTENT or state.flag_this_turn:
        return True
    if safety_check_pending(state) and state.intent != DENY_INTENT:
        return True  # a yes, or an unclear answer, to the safety question: route up
    if state.route == EMERGENCY_ROUTE and state.intent == RED_FLAG_CHECK_INTENT:
        return True  # after an emergency a doubtful sign is not asked about: the message again
    return state.intent in REPEAT_INTENTS and state.previous_response == EMERGENCY_RESPONSE


def emergency_flag(state: TurnState) -> Optional[str]:
    """The flag the emergency message of this turn is about."""
    if state.flag_this_turn:
        return state.flag_this_turn
    if safety_check_pending(state) and state.checked_flag not in (None, "help_request"):
        return state.checked_flag
    return None


def next_action(state: TurnState) -> Optional[str]:
    """The action safety requires next, or None when it has nothing to say (rules and forms
    decide)."""
    if is_emergency_turn(state):
        if EMERGENCY_RESPONSE not in state.actions_this_turn:
            return EMERGENCY_RESPONSE
        if state.active_loop:
            return DEACTIVATE_LOOP
        return ACTION_LISTEN
    if state.intent == RED_FLAG_CHECK_INTENT:
        return ask_safety_check(state)
    if safety_check_pending(state):  # a clear no to the safety question
        return check_cleared(state)
    if state.intent == RED_FLAG_QUESTION_INTENT:
        if SIGN_ANSWER not in state.actions_this_turn:
            return SIGN_ANSWER
        return None if state.active_loop else ACTION_LISTEN  # a running form asks its question again
    if state.route == EMERGENCY_ROUTE:
        return after_emergency(state)
    if state.intent in FIRST_AID_INTENTS and not state.emergency_questions_answered and not state.active_loop:
        return screen_first(state)
    return None


def ask_safety_check(state: TurnState) -> Optional[str]:
    """One question that names the sign and the number. A running form is stopped first, so
    that the answer to this question is not taken as the answer to the form's question."""
    steps = [SAFETY_CHECK_RESPONSE] + ([DEACTIVATE_LOOP] if state.active_loop else [])
    return next((step for step in steps if step not in state.actions_this_turn), ACTION_LISTEN)


def check_cleared(state: TurnState) -> Optional[str]:
    """A clear no: say so with the number, then go on where the conversation was (the screening
    questions resume if they were not all answered)."""
    steps = [CHECK_CLEARED]
    if not state.emergency_questions_answered:
        steps += ([] if state.disclaimer_given else [DISCLAIMER]) + [SCREENING_FORM]
    return next((step for step in steps if step not in state.actions_this_turn), ACTION_LISTEN)


def after_emergency(state: TurnState) -> Optional[str]:
    """After an emergency the conversation stays on it: no first aid and no reminders."""
    if state.intent in REMINDER_INTENTS:
        return ACTION_LISTEN
    if state.intent in FIRST_AID_INTENTS and state.intent != WHILE_WAITING_INTENT:
        return EMERGENCY_REMINDER if EMERGENCY_REMINDER not in state.actions_this_turn else ACTION_LISTEN
    return None


def screen_first(state: TurnState) -> Optional[str]:
    """First aid asked before the emergency questions: they come first (the disclaimer too, if
    not yet said), and the question asked is answered after them."""
    steps = ([] if state.disclaimer_given else [DISCLAIMER]) + [SCREEN_FIRST, SCREENING_FORM]
    return next((step for step in steps if step not in state.actions_this_turn), None)
