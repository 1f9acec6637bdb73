"""Which domain responses make up a reply, as pure functions of the conversation's slots.

The response generator (spasm_aid.rasa_components.nlg) runs these inside the Rasa server, so the
emergency message never depends on the action server. The words stay in domain.yml; this module
only says which parts are said, and when (clinical-guidance sections 1 and 2):

- The emergency message: what you told me, call now (ambulance, not a lift), keep still only
  after a fall or accident, the door only if it can be done safely, the offer to repeat. A
  helper hears "call for them, stay with them, if they fell don't move them" instead of the
  lines meant for someone alone on the floor.
- The safety net: every reply that closes a route below emergency ends with when to call.
- After an emergency, every other reply says the number first.
"""
from __future__ import annotations

from typing import Any, Collection, List, Mapping, Optional

EMERGENCY = "utter_emergency"
EMERGENCY_CALL = "utter_emergency_call"
EMERGENCY_KEEP_STILL = "utter_emergency_keep_still"
EMERGENCY_DOOR = "utter_emergency_door"
EMERGENCY_REPEAT = "utter_emergency_repeat"
SAFETY_NET = "utter_safety_net"
CALL_FIRST = "utter_call_first"

HELPER = "helper"
HELPER_SUFFIX = "_helper"  # a response's version for a helper: "them", not "you"
TRAUMA_FLAG = "trauma"

# Replies that close a route below emergency and end with the safety net (clinical-guidance
# section 1): "I feel better" and the end of a conversation. The all-clear and the urgent route
# say utter_safety_net as the last step of their rules (data/rules/screening.yml), after any
# answer to a question asked during the screening.
# "Thanks", often the last word said to a speaker, closes a conversation too (third version).
# The end of a follow-up check-in with no sign, and stopping the check-ins, close one too.
CLOSING_RESPONSES = frozenset({"utter_feel_better", "utter_goodbye", "utter_thank", "utter_check_in_clear",
                               "utter_check_ins_stopped"})
SEE_DOCTOR_TODAY = "utter_see_doctor_today"
# Replies that also say when to see a doctor the same day (clinical-guidance section 1); the
# see-a-doctor answer says it in its own words, before its "say more".
SEE_DOCTOR_TODAY_AFTER = frozenset({"utter_feel_worse", "utter_self_care_plan"})
# Replies that already begin with the number, said after an emergency as they are.
NUMBER_FIRST_RESPONSES = frozenset(
    {EMERGENCY, "utter_emergency_reminder", "utter_emergency_kept", "utter_while_waiting", "utter_voice_unclear", "utter_default",
     "utter_out_of_scope"}
)


def is_helper(slots: Mapping[str, Any]) -> bool:
    return slots.get("speaker") == HELPER


def fall_reported(slots: Mapping[str, Any]) -> bool:
    """A fall or accident was told, or answered yes (the emergency's reason is trauma)."""
    return slots.get("red_flag") == TRAUMA_FLAG or bool(slots.get("fall_reported"))


def after_emergency(slots: Mapping[str, Any]) -> bool:
    return slots.get("triage") == "emergency"


def emergency_parts(slots: Mapping[str, Any]) -> List[str]:
    parts = [EMERGENCY, EMERGENCY_CALL]
    if not is_helper(slots):
        if fall_reported(slots):
            parts.append(EMERGENCY_KEEP_STILL)
        parts.append(EMERGENCY_DOOR)
    parts.append(EMERGENCY_REPEAT)
    return parts


def reply_parts(response: str, slots: Mapping[str, Any]) -> List[str]:
    """The responses said, in order, when `response` is predicted (before helper versions)."""
    if response == EMERGENCY:
        return emergency_parts(slots)
    if after_emergency(slots):
        return [response] if response in NUMBER_FIRST_RESPONSES else [CALL_FIRST, response]
    if response in CLOSING_RESPONSES:
        return [response, SAFETY_NET]
    if response in SEE_DOCTOR_TODAY_AFTER:
        return [response, SEE_DOCTOR_TODAY]
    return [response]


def regional_version(response: str, region: Optional[str], available: Collection[str]) -> str:
    """`<response>_<region>` where the domain has one: the services of the person's country
    (clinical-guidance section 1: NHS 111 or a GP where the number is 999)."""
    if region and f"{response}_{region}" in available:
        return f"{response}_{region}"
    return response


def helper_version(response: str, slots: Mapping[str, Any], available: Collection[str]) -> str:
    """A helper hears `<response>_helper` where the domain has one (clinical-guidance section 0)."""
    if is_helper(slots) and response + HELPER_SUFFIX in available:
        return response + HELPER_SUFFIX
    return response
