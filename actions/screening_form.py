"""Validation of the red-flag screening form (clinical-guidance sections 2 and 3).

The questions and what a "yes" means come from spasm_aid/triage_table.yml. A "yes" to an
emergency question is routed by the Rasa server itself (slot mapping plus SafetyPolicy); this
action adds what needs dialogue state: "not sure" is asked once more in simpler words and then
counts as yes, urgent flags already told are not asked again, and the outcome is recorded.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.yes_no_form import YesNoFormValidation
from spasm_aid import triage
from spasm_aid.contract import DENIED_CONDITIONS_SLOT

TABLE = triage.load_table()


def known_flags(tracker: Tracker) -> List[str]:
    """Flags the person has told us about outside the questions."""
    return [flag for flag in (tracker.get_slot("red_flag"), tracker.get_slot("urgent_flag")) if flag]


def denied_conditions(tracker: Tracker) -> List[str]:
    """Screening conditions the person clearly denied in their own words ("my legs are fine")."""
    return [c for c in tracker.get_slot(DENIED_CONDITIONS_SLOT) or [] if isinstance(c, str)]


class ValidateScreeningForm(YesNoFormValidation):
    question_slots = TABLE.screening_slots

    def name(self) -> Text:
        return "validate_screening_form"

    def remaining(self, answers: Dict[str, Optional[str]], tracker: Tracker) -> List[str]:
        return triage.questions_to_ask(answers, known_flags(tracker), TABLE, denied_conditions(tracker))

    def answered_otherwise(self, answers: Dict[str, Optional[str]], tracker: Tracker) -> bool:
        # "my legs are fine" said to a leg question answers it, though it is not a plain "no"
        requested = tracker.get_slot("requested_slot")
        return requested in triage.answered_by_own_words(answers, denied_conditions(tracker), TABLE)

    def validate_answer(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Dict[Text, Any]:
        question = TABLE.question(slot)
        if value == triage.UNSURE and tracker.get_slot("reasked_slot") != slot:
            return {slot: None, "reasked_slot": slot}  # asked again, in simpler words
        result: Dict[Text, Any] = {slot: value, "reasked_slot": None}
        if question and value in triage.POSITIVE_ANSWERS:
            if question.level == triage.EMERGENCY:
                result["red_flag"] = question.reason
            elif question.level == triage.URGENT and question.reason and not tracker.get_slot("urgent_flag"):
                result["urgent_flag"] = question.reason
        return result

    def before_next_question(
        self,
        answered_now: List[str],
        answers: Dict[str, Optional[str]],
        remaining: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> None:
        # clinical-guidance section 3: the urgent questions decide "see a doctor today", so the
        # first piece of first aid comes before them, for someone on the floor
        if triage.first_aid_due(answered_now, answers, remaining, TABLE, denied_conditions(tracker)):
            dispatcher.utter_message(response="utter_first_aid_now")
            dispatcher.utter_message(response="utter_urgent_questions_intro")

    def outcome(self, answers: Dict[str, Optional[str]], tracker: Tracker) -> List[EventType]:
        route = triage.route(answers, known_flags(tracker), TABLE)
        events: List[EventType] = [SlotSet("triage", route.level)]
        if route.level == triage.URGENT and route.reason and not tracker.get_slot("urgent_flag"):
            events.append(SlotSet("urgent_flag", route.reason))
        return events

    def nudge(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        if self.latest_intent(tracker) == "urgent_flag" and tracker.get_slot("urgent_flag"):
            # Told mid-screening: note it, keep screening for emergencies.
            dispatcher.utter_message(response="utter_noted_urgent")
            count = tracker.get_slot("screening_nudges") or 0
            return [SlotSet("screening_nudges", float(count) + 1)]
        return super().nudge(dispatcher, tracker)
