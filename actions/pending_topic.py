"""action_answer_pending_topic: after screening, answer what was asked before or during it.

Someone who opens with "ice or heat?" is screened first and was told the answer would follow;
this keeps that promise (the latest topic asked is answered). With nothing pending, the
all-clear is followed by the self-care plan.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.intents import PAIN_RELIEF_INTENT, TOPIC_INTENTS, TOPIC_RESPONSES
from spasm_aid.contract import SCREENING_FORM


def pending_topic(events: List[Dict[str, Any]]) -> Optional[str]:
    """The last topic intent from the message that started screening or any message since."""
    starts = [
        i
        for i, e in enumerate(events)
        if e.get("event") == "active_loop" and e.get("name") == SCREENING_FORM
    ]
    if not starts:
        return None
    opening = max((i for i, e in enumerate(events[: starts[-1]]) if e.get("event") == "user"), default=starts[-1])
    topic = None
    for event in events[opening:]:
        if event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent in TOPIC_INTENTS:
                topic = intent
    return topic


class ActionAnswerPendingTopic(Action):
    def name(self) -> Text:
        return "action_answer_pending_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        topic = pending_topic(tracker.events)
        if topic == PAIN_RELIEF_INTENT:
            return [FollowupAction("pain_relief_form")]
        if topic:
            dispatcher.utter_message(response=TOPIC_RESPONSES[topic])
        elif tracker.get_slot("triage") == "self_care":
            dispatcher.utter_message(response="utter_self_care_plan")
        return []
