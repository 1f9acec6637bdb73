"""The shared base of the two yes/no forms (screening and pain-relief cautions).

It keeps the form on its question: an answer that is not yes / no / not sure gets a short
nudge and the question again; intents the rules handle (repeat, stop, start over, a red flag)
are left to them. Subclasses say which questions remain and what the outcome is.
"""
from __future__ import annotations

from abc import abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.intents import PASS_THROUGH_INTENTS, TOPIC_INTENTS

NUDGES_SLOT = "screening_nudges"


class YesNoFormValidation(FormValidationAction):
    #: the form's question slots, in the order they are asked
    question_slots: List[str] = []

    # --- what subclasses decide ----------------------------------------------------------
    @abstractmethod
    def name(self) -> Text:
        ...

    @abstractmethod
    def remaining(self, answers: Dict[str, Optional[str]], tracker: Tracker) -> List[str]:
        """The question slots still to ask, in order; empty when the form is done."""

    def validate_answer(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Dict[Text, Any]:
        return {slot: value}

    def outcome(self, answers: Dict[str, Optional[str]], tracker: Tracker) -> List[EventType]:
        """Events to add when no question remains."""
        return []

    def answered_otherwise(self, answers: Dict[str, Optional[str]], tracker: Tracker) -> bool:
        """The question asked was answered by something other than yes / no / not sure."""
        return False

    def on_activation(
        self, remaining: List[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> None:
        """Called once when the form starts."""

    def before_next_question(
        self,
        answered_now: List[str],
        answers: Dict[str, Optional[str]],
        remaining: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> None:
        """Called after this turn's answer, before the form asks its next question."""

    # --- shared mechanics ------------------------------------------------------------------
    def answers(self, tracker: Tracker) -> Dict[str, Optional[str]]:
        return {slot: tracker.get_slot(slot) for slot in self.question_slots}

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        answers = self.answers(tracker)
        remaining = self.remaining(answers, tracker)
        if not remaining:
            return []
        # Answered slots stay listed so that this turn's answer is still validated.
        return [s for s in self.question_slots if s in remaining or answers.get(s) is not None]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        updates: Dict[Text, Any] = {}
        for slot, value in tracker.slots_to_validate().items():
            if slot in self.question_slots:
                result = self.validate_answer(slot, value, dispatcher, tracker)
                updates.update(result)
                tracker.slots.update(result)
        return [SlotSet(slot, value) for slot, value in updates.items()]

    @staticmethod
    def latest_intent(tracker: Tracker) -> Optional[str]:
        return (tracker.latest_message.get("intent") or {}).get("name")

    def _answered_this_turn(self, tracker: Tracker) -> bool:
        return any(slot in self.question_slots for slot in tracker.slots_to_validate())

    def nudge(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        """Reply to something that is not an answer; the form then asks its question again."""
        intent = self.latest_intent(tracker)
        if intent in TOPIC_INTENTS:
            dispatcher.utter_message(response="utter_screening_topic_later")
        else:
            dispatcher.utter_message(response="utter_screening_need_answer")
        count = tracker.get_slot(NUDGES_SLOT) or 0
        return [SlotSet(NUDGES_SLOT, float(count) + 1)]

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        activating = tracker.get_slot("requested_slot") is None
        intent = self.latest_intent(tracker)
        answered_now = [slot for slot in tracker.slots_to_validate() if slot in self.question_slots]
        if not activating and tracker.latest_action_name == "action_listen":
            if intent in PASS_THROUGH_INTENTS and not self._answered_this_turn(tracker):
                return []  # rejected: the rule for this intent runs
            if not self._answered_this_turn(tracker):
                if not self.answered_otherwise(self.answers(tracker), tracker):
                    return self.nudge(dispatcher, tracker)
                answered_now.append(tracker.get_slot("requested_slot"))
        events = await super().run(dispatcher, tracker, domain)
        answers = self.answers(tracker)  # the tracker holds this turn's validated answers
        remaining = self.remaining(answers, tracker)
        if activating and remaining:
            self.on_activation(remaining, dispatcher, tracker, domain)
        if answered_now:
            self.before_next_question(answered_now, answers, remaining, dispatcher, tracker)
        if not remaining:
            events.extend(self.outcome(answers, tracker))
            if not any(isinstance(e, dict) and e.get("name") == "requested_slot" for e in events):
                events.append(SlotSet("requested_slot", None))
        return events
