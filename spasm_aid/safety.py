"""The emergency hand-off as one pure decision, used by the SafetyPolicy inside the Rasa server.

Why a policy and not only rules: a running form has priority over rules in Rasa, and a form
asks its next question unless it rejects. The emergency reply must come next whatever the
dialogue state is, and must not wait on the action server, so this decision is taken in the
Rasa server itself before any form runs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

RED_FLAG_INTENT = "red_flag"
EMERGENCY_RESPONSE = "utter_emergency"
DEACTIVATE_LOOP = "action_deactivate_loop"
ACTION_LISTEN = "action_listen"
# Asking to hear the emergency message again right after it repeats it from here too, so
# that it never depends on the action server.
REPEAT_INTENTS = frozenset({"repeat", "slower"})


@dataclass(frozen=True)
class TurnState:
    """What the decision needs to know about the current turn."""

    intent: Optional[str]  # intent of the latest user message
    flag_this_turn: Optional[str]  # red-flag id set since the latest user message, if any
    actions_this_turn: Sequence[str]  # actions run since the latest user message
    active_loop: Optional[str]  # the running form, if any
    previous_response: Optional[str]  # the last response before the latest user message


def is_emergency_turn(state: TurnState) -> bool:
    if state.intent == RED_FLAG_INTENT or state.flag_this_turn:
        return True
    return state.intent in REPEAT_INTENTS and state.previous_response == EMERGENCY_RESPONSE


def next_action(state: TurnState) -> Optional[str]:
    """The action the emergency hand-off requires next, or None when it has nothing to say."""
    if not is_emergency_turn(state):
        return None
    if EMERGENCY_RESPONSE not in state.actions_this_turn:
        return EMERGENCY_RESPONSE
    if state.active_loop:
        return DEACTIVATE_LOOP
    return ACTION_LISTEN
