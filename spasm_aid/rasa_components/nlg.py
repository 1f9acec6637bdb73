"""Response generation with the emergency number and the triage payload filled in.

Responses stay in domain.yml. This generator runs inside the Rasa server (not the action
server), so the emergency message is complete even when the action server is down:
- `{emergency_number}` in any response text is the configured number
  (SPASM_AID_EMERGENCY_NUMBER, default 911);
- a response whose custom payload has a `triage` key gets `reason` (the red-flag or urgent
  flag id from the tracker, or null) and `call` (the number) added;
- a reply made of several responses (the emergency message, the safety net after a closing
  reply, the number first after an emergency) is joined here, as spasm_aid.emergency_message
  says, so every channel gets it as one message.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Text

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from spasm_aid import settings
from spasm_aid.contract import EXPECTS_KEY, YES_NO, is_yes_no_question
from spasm_aid.emergency_message import helper_version, regional_version, reply_parts
from spasm_aid.triage import EMERGENCY, URGENT

REASON_SLOTS = {EMERGENCY: "red_flag", URGENT: "urgent_flag"}
# The questions of the yes/no forms (screening, pain-relief cautions) get quick-reply buttons,
# which channels show natively (web page buttons, Telegram keyboard, Slack buttons), and the
# contract's "expects yes/no" marker, which the voice layer and Alexa read. The buttons'
# payloads are plain words, so a tap goes through the same understanding as typing.
YES_NO_BUTTONS = [
    {"title": "Yes", "payload": "yes"},
    {"title": "No", "payload": "no"},
    {"title": "Not sure", "payload": "not sure"},
]


def add_quick_replies(utter_action: Text, response: Optional[Dict[Text, Any]]) -> Optional[Dict[Text, Any]]:
    """On a yes/no question: Yes / No / Not sure buttons (unless it has its own) and the
    "expects yes/no" marker in its custom payload (pure; returns the response)."""
    if response and is_yes_no_question(utter_action):
        if not response.get("buttons"):
            response["buttons"] = [dict(button) for button in YES_NO_BUTTONS]
        custom = response.get("custom")
        response["custom"] = {**(custom if isinstance(custom, dict) else {}), EXPECTS_KEY: YES_NO}
    return response


def complete_triage_payload(
    response: Optional[Dict[Text, Any]], slots: Mapping[str, Any], number: str
) -> Optional[Dict[Text, Any]]:
    """Add reason and call to a response's triage payload (pure; returns the response)."""
    if not response:
        return response
    custom = response.get("custom")
    if isinstance(custom, dict) and "triage" in custom:
        level = custom["triage"]
        reason_slot = REASON_SLOTS.get(level)
        custom["reason"] = slots.get(reason_slot) if reason_slot else None
        custom["call"] = number
    return response


class SpasmAidNaturalLanguageGenerator(TemplatedNaturalLanguageGenerator):
    def __init__(self, endpoint_config: Any = None, domain: Optional[Domain] = None) -> None:
        domain = domain or Domain.empty()
        super().__init__(domain.responses)
        # every setting checked at start-up: a bad value stops the server with its name, not a turn later
        configured = settings.Settings.from_env()
        self.emergency_number = configured.emergency_number
        self.region = configured.region

    async def generate(
        self,
        utter_action: Text,
        tracker: DialogueStateTracker,
        output_channel: Text,
        **kwargs: Any,
    ) -> Optional[Dict[Text, Any]]:
        kwargs.setdefault("emergency_number", self.emergency_number)
        slots = tracker.current_slot_values()
        response = None
        for part in reply_parts(utter_action, slots):
            said = regional_version(helper_version(part, slots, self.responses), self.region, self.responses)
            generated = await super().generate(said, tracker, output_channel, **kwargs)
            response = join_responses(response, generated, main=part == utter_action)
        response = add_quick_replies(utter_action, response)
        return complete_triage_payload(response, slots, self.emergency_number)


def join_responses(
    joined: Optional[Dict[Text, Any]], part: Optional[Dict[Text, Any]], main: bool
) -> Optional[Dict[Text, Any]]:
    """One message from several responses: texts on separate lines; buttons and the custom
    payload from the predicted response (`main`), so quick replies and triage stay with it."""
    if not part:
        return joined
    if joined is None:
        return dict(part)
    texts = [t for t in (joined.get("text"), part.get("text")) if t]
    merged = dict(joined)
    merged["text"] = "\n".join(texts)
    if main:
        for key, value in part.items():
            if key != "text" and value:
                merged[key] = value
    return merged
