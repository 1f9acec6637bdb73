"""The follow-up check-in (clinical-guidance section 7): offered at the end of the all-clear and
urgent routes, set on a yes, stopped on "stop checking"; its three questions are a form whose
yes is an emergency (the SafetyPolicy answers it in the Rasa server, as in the screening).

Only channels that can reach the person later, unasked, are offered it
(spasm_aid.contract.PUSH_CHANNELS: the web page, Telegram, Slack, the voice connector);
elsewhere the person is told when to check the signs themselves. The due check-ins are rows in
the session log's database (spasm_aid.check_ins.store), sent by whichever Rasa server is up.
"""
from __future__ import annotations

import functools
import logging
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.engine import Engine

from actions.yes_no_form import YesNoFormValidation
from spasm_aid import settings, triage
from spasm_aid.check_ins import schedule, store
from spasm_aid.contract import CHECK_IN_FORM, CHECK_IN_OFFER_RESPONSE, can_push
from spasm_aid.session_log.database import make_engine, migrate

logger = logging.getLogger(__name__)

TABLE = triage.load_table()
CHECK_YOURSELF = "utter_check_yourself"


@functools.lru_cache(maxsize=None)
def engine() -> Engine:
    connected = make_engine(settings.database_url())
    migrate(connected)
    return connected


def reachable_later(tracker: Tracker) -> bool:
    return can_push(tracker.get_latest_input_channel())


class ActionOfferCheckIn(Action):
    def name(self) -> Text:
        return "action_offer_check_in"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response=CHECK_IN_OFFER_RESPONSE if reachable_later(tracker) else CHECK_YOURSELF)
        return []


class ActionScheduleCheckIn(Action):
    def name(self) -> Text:
        return "action_schedule_check_in"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if not reachable_later(tracker):  # a yes to nothing on a channel that cannot reach them later
            dispatcher.utter_message(response=CHECK_YOURSELF)
            return []
        now = datetime.now().astimezone()  # the server's local time: the morning is its morning
        second = settings.check_in_second_minutes()
        due = schedule.due_times(
            now, timedelta(minutes=settings.check_in_minutes()), settings.check_in_morning(),
            timedelta(minutes=second) if second else None,
        )
        try:
            store.schedule(engine(), tracker.sender_id, tracker.get_latest_input_channel() or "", due)
        except Exception:  # the database is down: say so, with what to do instead
            logger.exception("Check-ins could not be saved for a conversation on %s.", tracker.get_latest_input_channel())
            dispatcher.utter_message(response="utter_check_in_unavailable")
            return []
        dispatcher.utter_message(response="utter_check_in_scheduled", first=schedule.spoken_time(due[0], now),
                                 second=schedule.spoken_time(due[1], now))
        return []


class ActionCancelCheckIns(Action):
    def name(self) -> Text:
        return "action_cancel_check_ins"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        try:
            store.cancel(engine(), tracker.sender_id)
        except Exception:
            logger.exception("Check-ins could not be cancelled.")
            dispatcher.utter_message(response="utter_system_failure")
            return []
        dispatcher.utter_message(response="utter_check_ins_stopped")
        return []


class ActionStartCheckIn(Action):
    """A check-in has come: the intro, and last time's answers cleared so all three are asked."""

    def name(self) -> Text:
        return "action_start_check_in"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_check_in_intro")
        return [SlotSet(slot, None) for slot in TABLE.check_in] + [SlotSet("reasked_slot", None)]


class ValidateCheckInForm(YesNoFormValidation):
    question_slots = list(TABLE.check_in)

    def name(self) -> Text:
        return f"validate_{CHECK_IN_FORM}"

    def remaining(self, answers: Dict[str, Optional[str]], tracker: Tracker) -> List[str]:
        if any(answers.get(slot) in triage.POSITIVE_ANSWERS for slot in self.question_slots):
            return []  # a sign: the emergency message (SafetyPolicy), no more questions
        return [slot for slot in self.question_slots if answers.get(slot) is None]

    def validate_answer(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        if value == triage.UNSURE and tracker.get_slot("reasked_slot") != slot:
            return {slot: None, "reasked_slot": slot}  # asked again, in simpler words
        result: Dict[Text, Any] = {slot: value, "reasked_slot": None}
        if value in triage.POSITIVE_ANSWERS:  # a yes, or "not sure" twice: route up
            result["red_flag"] = TABLE.check_in[slot]
        return result
