"""action_say_more: "say more" continues the last answer (clinical-guidance section 6).

A reply the assistant speaks fits in about 40 words; longer first aid comes as a short answer
plus "say more", its continuations being the domain responses <response>_more_1, _more_2, ...
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.repeat import last_bot_turn

CONTINUATION = re.compile(r"^(?P<base>.+)_more_(?P<part>\d+)$")


def next_part(response: str) -> str:
    """The response that continues `response`: utter_x -> utter_x_more_1 -> utter_x_more_2."""
    match = CONTINUATION.match(response)
    if match:
        return f"{match['base']}_more_{int(match['part']) + 1}"
    return f"{response}_more_1"


def continuation(events: List[Dict[str, Any]], responses: Dict[str, Any]) -> Optional[str]:
    """The next part of the last answer that has one, or None."""
    for event in reversed(last_bot_turn(events)):
        said = (event.get("metadata") or {}).get("utter_action")
        if said and next_part(said) in responses:
            return next_part(said)
    return None


class ActionSayMore(Action):
    def name(self) -> Text:
        return "action_say_more"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        following = continuation(tracker.events, domain.get("responses") or {})
        dispatcher.utter_message(response=following or "utter_nothing_more")
        return []
