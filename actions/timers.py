"""Timers for the floor: ice or heat pack timers and gentle-walk reminders, as Rasa reminders.

A reminder fires an EXTERNAL_ intent in the Rasa server, whose rule says the message; it is
pushed through the channel the person used. Only channels that can push get one
(spasm_aid.contract.PUSH_CHANNELS); elsewhere the person is asked to set a timer on their phone
or speaker. Names carry the conversation id: Rasa keys scheduled jobs by name across all
conversations.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, ReminderCancelled, ReminderScheduled
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from spasm_aid import settings
from spasm_aid.contract import can_push

PACK_DONE_INTENT = "EXTERNAL_timer_done"
WALK_INTENT = "EXTERNAL_walk_reminder"


def spoken_minutes(minutes: float) -> str:
    return str(int(minutes)) if float(minutes).is_integer() else f"{minutes:g}"


def latest_intent(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


class ActionStartTimer(Action):
    def name(self) -> Text:
        return "action_start_timer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        kind = "heat" if latest_intent(tracker) == "timer_heat" else "ice"
        minutes = settings.pack_minutes()
        if not can_push(tracker.get_latest_input_channel()):  # it could never arrive: no promise
            dispatcher.utter_message(response=f"utter_timer_set_it_yourself_{kind}", minutes=spoken_minutes(minutes))
            return []
        dispatcher.utter_message(response=f"utter_timer_started_{kind}", minutes=spoken_minutes(minutes))
        return [
            ReminderScheduled(
                PACK_DONE_INTENT,
                trigger_date_time=datetime.now() + timedelta(minutes=minutes),
                name=f"pack-timer:{tracker.sender_id}",  # a new pack timer replaces the old one
                kill_on_user_message=False,
            )
        ]


class ActionScheduleWalkReminders(Action):
    def name(self) -> Text:
        return "action_schedule_walk_reminders"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        minutes = settings.walk_interval_minutes()
        if not can_push(tracker.get_latest_input_channel()):  # it could never arrive: no promise
            dispatcher.utter_message(response="utter_walk_reminders_set_them_yourself",
                                     hours=spoken_minutes(round(minutes / 60, 2)))
            return []
        if latest_intent(tracker) != WALK_INTENT:  # asked by the person, not the next reminder
            hours = minutes / 60
            dispatcher.utter_message(response="utter_walk_reminders_started", hours=spoken_minutes(round(hours, 2)))
        return [
            ReminderScheduled(
                WALK_INTENT,
                trigger_date_time=datetime.now() + timedelta(minutes=minutes),
                name=f"walk-reminder:{tracker.sender_id}",
                kill_on_user_message=False,
            )
        ]


class ActionCancelReminders(Action):
    def name(self) -> Text:
        return "action_cancel_reminders"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_reminders_cancelled")
        return [ReminderCancelled()]  # every timer and reminder of this conversation
