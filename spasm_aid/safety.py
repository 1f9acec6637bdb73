"""The emergency hand-off and the screening gate as pure decisions, used by the SafetyPolicy
inside the Rasa server.

Why a policy and not only rules: a running form has priority over rules in Rasa, and a form
asks its next question unless it rejects. The emergency reply must come next whatever the
dialogue state is, and must not wait on the action server, so this decision is taken in the
Rasa server itself before any form runs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence

from spasm_aid.contract import (
    CONFIRM_WITHDRAW_RESPONSE,
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
# A pack timer, walk reminder or follow-up check-in that fires after an emergency says nothing.
REMINDER_INTENTS = frozenset({"EXTERNAL_timer_done", "EXTERNAL_walk_reminder", "EXTERNAL_check_in"})
# Taking back a mistaken emergency (clinical-guidance section 2): "that's not what I meant", or
# "start over", after an emergency asks one question that names the sign; only a clear yes
# withdraws it. Every other answer keeps it.
WITHDRAW_INTENTS = frozenset({"withdraw_emergency", "start_over"})
CONFIRM_WITHDRAW = CONFIRM_WITHDRAW_RESPONSE
EMERGENCY_WITHDRAWN = "utter_emergency_withdrawn"
EMERGENCY_KEPT = "utter_emergency_kept"
AFFIRM_INTENT = "affirm"
# Answers that keep the emergency in so many words; any other message is answered as it would
# be after an emergency (the number first), which keeps it too.
KEEP_INTENTS = frozenset({DENY_INTENT, "unsure", "nlu_fallback"})


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
    intent_confidence: float = 1.0  # the classifier's confidence in `intent`
    text: str = ""  # the latest user message as typed or heard


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
    if withdrawal_pending(state):
        return answer_withdrawal(state)
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
    if state.intent in WITHDRAW_INTENTS:
        return CONFIRM_WITHDRAW if CONFIRM_WITHDRAW not in state.actions_this_turn else ACTION_LISTEN
    if state.intent in FIRST_AID_INTENTS and state.intent != WHILE_WAITING_INTENT:
        return EMERGENCY_REMINDER if EMERGENCY_REMINDER not in state.actions_this_turn else ACTION_LISTEN
    return None


def screen_first(state: TurnState) -> Optional[str]:
    """First aid asked before the emergency questions: they come first (the disclaimer too, if
    not yet said), and the question asked is answered after them."""
    steps = ([] if state.disclaimer_given else [DISCLAIMER]) + [SCREEN_FIRST, SCREENING_FORM]
    return next((step for step in steps if step not in state.actions_this_turn), None)


# A clear yes to "Is that wrong?": the classifier is sure of it, it says yes (or "wrong", "my
# mistake") in so many words, and it hedges nowhere. "Hmm" or "mhmm" can read as a yes to the
# classifier; they do not withdraw an emergency.
CLEAR_YES_CONFIDENCE = 0.8
YES_WORDS = frozenset({"yes", "yeah", "yea", "yep", "yup", "ya", "yah", "aye", "correct", "right", "true",
                       "wrong", "mistake", "mistaken", "sure", "definitely", "absolutely", "indeed"})
HEDGE_WORDS = frozenset({"no", "nope", "nah", "not", "don't", "dont", "maybe", "perhaps", "think", "unsure",
                         "dunno", "know", "might", "kind", "sort", "guess", "probably", "but", "hmm", "um", "er"})
WORD = re.compile(r"[a-z']+")


def withdrawal_pending(state: TurnState) -> bool:
    """The reply before this message asked whether the emergency was a mistake, and it has not
    been withdrawn yet, or is being withdrawn in this turn."""
    if state.previous_response != CONFIRM_WITHDRAW:
        return False
    return state.route == EMERGENCY_ROUTE or EMERGENCY_WITHDRAWN in state.actions_this_turn


def is_clear_yes(state: TurnState) -> bool:
    """A yes that may withdraw an emergency; restating the correction ("it was a mistake")
    counts too."""
    if state.intent not in (AFFIRM_INTENT, *WITHDRAW_INTENTS) or state.intent_confidence < CLEAR_YES_CONFIDENCE:
        return False
    words = set(WORD.findall(state.text.lower().replace("\u2019", "'")))
    if words & HEDGE_WORDS:
        return False
    return state.intent != AFFIRM_INTENT or bool(words & YES_WORDS)


def answer_withdrawal(state: TurnState) -> Optional[str]:
    """The answer to "You told me <sign>. Is that wrong?". A clear yes withdraws it (the policy
    resets the route and the answer that raised it) and goes back to the screening question it
    came from, or to where the conversation was; a no or a doubt keeps it; anything else is
    answered as after any emergency."""
    if EMERGENCY_WITHDRAWN in state.actions_this_turn or (state.route == EMERGENCY_ROUTE and is_clear_yes(state)):
        steps = [EMERGENCY_WITHDRAWN]
        if not state.emergency_questions_answered:
            steps += ([] if state.disclaimer_given else [DISCLAIMER]) + [SCREENING_FORM]
        return next((step for step in steps if step not in state.actions_this_turn), ACTION_LISTEN)
    if state.intent in KEEP_INTENTS or state.intent == AFFIRM_INTENT:
        return EMERGENCY_KEPT if EMERGENCY_KEPT not in state.actions_this_turn else ACTION_LISTEN
    return after_emergency(state)
