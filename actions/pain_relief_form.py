"""Validation of the pain-relief caution questions (clinical-guidance section 4).

Any "yes" or "not sure", or a flag already told that matters for pain relievers (pregnancy,
steroids, kidney trouble), means: ask a pharmacist or doctor first. On the urgent route (or
with an urgent flag told) nothing is asked: medicines are left to the doctor.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.yes_no_form import YesNoFormValidation
from spasm_aid import triage

TABLE = triage.load_table()


def relevant_flags(tracker: Tracker) -> List[str]:
    """Flags told or answered yes in screening, as flag ids."""
    flags = [f for f in (tracker.get_slot("urgent_flag"), tracker.get_slot("red_flag")) if f]
    for question in TABLE.questions:
        if tracker.get_slot(question.slot) in triage.POSITIVE_ANSWERS:
            flags.extend(question.flags)
    return flags


class ValidatePainReliefForm(YesNoFormValidation):
    question_slots = list(TABLE.caution_slots)

    def name(self) -> Text:
        return "validate_pain_relief_form"

    def remaining(self, answers: Dict[str, Optional[str]], tracker: Tracker) -> List[str]:
        if on_urgent_route(tracker):
            return []
        return triage.cautions_to_ask(answers, relevant_flags(tracker), TABLE)

    def on_activation(
        self, remaining: List[str], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> None:
        dispatcher.utter_message(response="utter_pain_relief_intro")

    def outcome(self, answers: Dict[str, Optional[str]], tracker: Tracker) -> List[EventType]:
        if on_urgent_route(tracker):
            return [SlotSet("pain_relief_advice", "doctor")]
        ask_first = triage.needs_pharmacist(answers, relevant_flags(tracker))
        return [SlotSet("pain_relief_advice", "ask_first" if ask_first else "otc_ok")]


def on_urgent_route(tracker: Tracker) -> bool:
    """See a doctor today: routed so by screening, or an urgent flag told at any time."""
    return tracker.get_slot("triage") == triage.URGENT or bool(tracker.get_slot("urgent_flag"))
