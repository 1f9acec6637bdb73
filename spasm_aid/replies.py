"""The one renderer of every reply given outside Rasa's normal path: a failure, the assistant
unreachable, a refused or over-long message, speech not heard, a non-text message, the web page's
and nginx's own texts. The words live in domain.yml with the other clinical wording (responses
named utter_system_* and utter_voice_*, never predicted), and the number is the configured one.

Nothing else in the project writes "call <number>" itself (tests/test_layout.py greps for it).
"""
from __future__ import annotations

import json
import threading
from typing import Any, Dict, List, Optional

import yaml

from spasm_aid import settings
from spasm_aid.paths import DOMAIN

# The responses this module renders (domain.yml).
FAILURE = "utter_system_failure"  # the assistant failed while answering
UNREACHABLE = "utter_system_unreachable"  # a client could not reach the assistant at all
REFUSED = "utter_system_refused"  # a request refused at the edge: {reason} and the number
TOO_LONG = "utter_system_too_long"  # the reason for an over-long message
TOO_LARGE = "utter_system_too_large"  # nginx's reason for a body over its limit ({max_body})
NOT_TEXT = "utter_system_not_text"  # a photo, sticker or voice note where only text is read
LOST_TRACK = "utter_system_lost_track"  # the web page's conversation id was lost
CALL_NOW = "utter_system_call_now"  # the label of a "call" button or header
STALE_BUTTON = "utter_system_stale_button"  # a button of a question already answered or passed
EDIT_NOT_READ = "utter_system_edit_not_read"  # an edited message: read for a red flag only
HOUSEHOLD_ALERT = "utter_system_household_alert"  # to the household's contact ({time}, {channel})
IN_AN_EMERGENCY = "utter_system_in_an_emergency"  # the web page's standing line
VOICE_NOT_HEARD = "utter_voice_not_heard"
VOICE_NOT_HEARD_YES_NO = "utter_voice_not_heard_yes_no"
VOICE_TOO_LONG = "utter_voice_too_long"
VOICE_CONFIRM_RED_FLAG = "utter_voice_confirm_red_flag"  # {heard}: the words that would be an emergency
VOICE_CHECK_SERIOUS = "utter_voice_check_serious"  # speech not made out, no question pending: "is it serious?"
VOICE_SAY_AGAIN = "utter_voice_say_again"  # "no" to that question: say it again
NAMES = (FAILURE, UNREACHABLE, REFUSED, TOO_LONG, TOO_LARGE, NOT_TEXT, LOST_TRACK, CALL_NOW, STALE_BUTTON, EDIT_NOT_READ,
         HOUSEHOLD_ALERT, IN_AN_EMERGENCY,
         VOICE_NOT_HEARD, VOICE_NOT_HEARD_YES_NO, VOICE_TOO_LONG, VOICE_CONFIRM_RED_FLAG,
         VOICE_CHECK_SERIOUS, VOICE_SAY_AGAIN)

# Only if domain.yml cannot be read at all: the one hard-coded fallback, so a refusal or a failure
# still gives the number.
LAST_RESORT = "{reason} If you need help now, call {emergency_number}."

_lock = threading.Lock()
_responses: Optional[Dict[str, Any]] = None


def _texts() -> Dict[str, Any]:
    global _responses
    with _lock:
        if _responses is None:
            with open(DOMAIN, encoding="utf-8") as handle:
                _responses = yaml.safe_load(handle)["responses"]
        return _responses


def number() -> str:
    """The configured number; the default if the setting is broken (a refusal must still give one)."""
    try:
        return settings.emergency_number()
    except settings.SettingsError:
        return settings.DEFAULT_EMERGENCY_NUMBER


def text(name: str, emergency_number: Optional[str] = None, **values: str) -> str:
    """The first wording of response `name`, with the number and any {placeholders} filled in."""
    values["emergency_number"] = emergency_number or number()
    try:
        wording = _texts()[name][0]["text"]
    except (OSError, KeyError, IndexError, TypeError, yaml.YAMLError):
        wording = LAST_RESORT
        values.setdefault("reason", "Sorry, something went wrong on my side.")
    return wording.format(**values)


def with_number(reason: str) -> str:
    """A refusal's reason followed by where to call."""
    return text(REFUSED, reason=reason.strip())


def failure(recipient_id: Optional[str]) -> List[Dict[str, Any]]:
    """The reply messages when the assistant failed while answering."""
    return [{"recipient_id": recipient_id, "text": text(FAILURE)}]


def nginx_json_string(name: str, emergency_number: str, **values: str) -> str:
    """A rendered text as the inside of a JSON string in nginx's single-quoted `return` (an
    apostrophe becomes \\u0027; nginx would read a dollar sign as a variable, so none may appear)."""
    rendered = text(name, emergency_number, **values)
    if "$" in rendered:
        raise ValueError(f"{name} in domain.yml contains '$', which nginx would read as a variable")
    return json.dumps(rendered)[1:-1].replace("'", "\\u0027")
