"""The names the parts of the assistant agree on (issue 15): intents, slots and forms the code
refers to, and the triage payload every reply may carry. domain.yml, the training data and the
rules are checked against this module by tests/spasm_aid/test_contract.py, so renaming one side
without the other fails a test instead of a conversation.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

# --- intents --------------------------------------------------------------------------------
RED_FLAG_INTENT = "red_flag"
URGENT_FLAG_INTENT = "urgent_flag"
NOT_UNDERSTOOD_INTENT = "nlu_fallback"  # Rasa's own name; answered by utter_default
# sent by the voice layer, as "/voice_unclear", for speech it could not make out
VOICE_UNCLEAR_INTENT = "voice_unclear"
VOICE_UNCLEAR_MESSAGE = "/" + VOICE_UNCLEAR_INTENT
# set by the reader beside the rules (spasm_aid/reader), never trained: a red flag that cannot be
# told from a mention (one safety question), and a question about a sign (a short answer)
RED_FLAG_CHECK_INTENT = "red_flag_check"
RED_FLAG_QUESTION_INTENT = "red_flag_question"
DENY_INTENT = "deny"

# --- slots and entities (the flag entities fill the slots of the same name) -------------------
RED_FLAG_SLOT = "red_flag"
URGENT_FLAG_SLOT = "urgent_flag"
RED_FLAG_CHECK_SLOT = "red_flag_check"  # the sign the safety question is about
SIGN_ASKED_SLOT = "sign_asked"  # the sign a question was about, or "general"
GENERAL_SIGN = "general"
TRIAGE_SLOT = "triage"
SPEAKER_SLOT = "speaker"
FALL_REPORTED_SLOT = "fall_reported"
# the screening-question conditions the person clearly denied in their own words ("my legs are
# fine"), kept for the conversation: a question whose every condition is denied is not asked
DENIED_CONDITIONS_SLOT = "denied_conditions"

# --- forms ----------------------------------------------------------------------------------
SCREENING_FORM = "screening_form"
PAIN_RELIEF_FORM = "pain_relief_form"
CHECK_IN_FORM = "check_in_form"  # the follow-up check-in's three questions (clinical-guidance section 7)
CHECK_IN_OFFER_RESPONSE = "utter_offer_check_in"

# --- replies that expect a yes/no answer -------------------------------------------------------
# The response generator marks the questions of the yes/no forms (screening, pain-relief
# cautions) with {"custom": {"expects": "yes_no"}} beside their Yes / No / Not sure buttons;
# every reader (voice recogniser grammar, Alexa's reprompt, the voice connector) asks
# expects_yes_no() instead of matching response names or texts.
SAFETY_CHECK_RESPONSE = "utter_safety_check"
CONFIRM_WITHDRAW_RESPONSE = "utter_confirm_withdraw"  # "You told me <sign>. Is that wrong?"
YES_NO_QUESTION_PREFIXES = ("utter_ask_screen_", "utter_ask_caution_", "utter_ask_check_in_", SAFETY_CHECK_RESPONSE,
                            CONFIRM_WITHDRAW_RESPONSE, CHECK_IN_OFFER_RESPONSE)
EXPECTS_KEY = "expects"
YES_NO = "yes_no"

# --- what a channel can do -------------------------------------------------------------------
# Channels that can send a message later, unasked (a pack timer that is up, a walk reminder):
# they keep a connection open or post through the platform. The others (REST, used by the
# terminal chat and Home Assistant Assist, and Alexa) only answer what was said; there no timer
# or reminder is promised: the person is asked to set one on their phone or speaker. Each
# channel class declares CAN_PUSH; a test checks it agrees with this set.
PUSH_CHANNELS = frozenset({"socketio", "voice", "telegram", "slack"})


def can_push(channel: Optional[str]) -> bool:
    return channel in PUSH_CHANNELS


# --- triage levels (the triage slot's values and the payload's "triage") ----------------------
EMERGENCY = "emergency"
URGENT = "urgent"
SELF_CARE = "self_care"


@dataclass(frozen=True)
class TriagePayload:
    """A reply's custom payload {"triage": level, "reason": flag id or None, "call": number},
    as the response generator writes it (spasm_aid.rasa_components.nlg)."""

    level: str
    reason: Optional[str] = None
    call: Optional[str] = None

    @classmethod
    def of(cls, message: Any) -> Optional["TriagePayload"]:
        """The payload of one reply message ({"custom": {...}} or a bare custom dict), or None."""
        if not isinstance(message, Mapping):
            return None
        custom = message.get("custom", message)
        if not isinstance(custom, Mapping) or not isinstance(custom.get("triage"), str):
            return None
        return cls(custom["triage"], custom.get("reason"), custom.get("call"))

    @classmethod
    def first(cls, messages: Iterable[Any]) -> Optional["TriagePayload"]:
        """The first triage payload among reply messages, or None."""
        return next((p for p in map(cls.of, messages or []) if p is not None), None)

    def is_emergency(self) -> bool:
        return self.level == EMERGENCY


def routes_to_emergency(messages: Iterable[Any]) -> bool:
    """Do these reply messages carry the emergency message?"""
    return any(p is not None and p.is_emergency() for p in map(TriagePayload.of, messages or []))


def is_yes_no_question(response_name: str) -> bool:
    """Does this response (by its name in domain.yml) ask a yes/no form question?"""
    return response_name.startswith(YES_NO_QUESTION_PREFIXES)


def expects_yes_no(messages: Iterable[Any]) -> bool:
    """Does this reply end on a question that expects yes or no (the generator's marker)?"""
    return any(
        isinstance(m, Mapping) and isinstance(m.get("custom"), Mapping) and m["custom"].get(EXPECTS_KEY) == YES_NO
        for m in messages or []
    )
