"""action_repeat: say the last reply again ("repeat", "say that again", "slower")."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict


def last_bot_turn(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The bot messages sent between the last two user messages (before the latest one)."""
    user_indices = [i for i, e in enumerate(events) if e.get("event") == "user"]
    if not user_indices:
        return []
    end = user_indices[-1]
    start = user_indices[-2] if len(user_indices) > 1 else -1
    return [e for e in events[start + 1 : end] if e.get("event") == "bot"]


class ActionRepeat(Action):
    def name(self) -> Text:
        return "action_repeat"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        messages = last_bot_turn(tracker.events)
        if not messages:
            dispatcher.utter_message(response="utter_nothing_to_repeat")
            return []
        for message in messages:
            data = message.get("data") or {}
            dispatcher.utter_message(
                text=message.get("text"),
                buttons=data.get("buttons") or [],
                json_message=data.get("custom"),
            )
        return []
