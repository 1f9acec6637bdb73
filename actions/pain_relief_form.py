"""Validation of the pain-relief caution questions (clinical-guidance section 4).

Any "yes" or "not sure", or a flag already told that matters for pain relievers (pregnancy,
steroids, kidney trouble), means: ask a pharmacist or doctor first. On the urgent route (or
with an urgent flag told) nothing is asked: medicines are left to the doctor.

The medicine asked about decides which version of the answer is given (spasm_aid/medicines.py):
its key caution comes first, before the caution questions and again in the answer; a child's
medicine or a muscle relaxant is "ask first" without the questions.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.yes_no_form import YesNoFormValidation
from spasm_aid import medicines, triage

TABLE = triage.load_table()
ASK_PAIN_RELIEF = "ask_pain_relief"
VARIANT_SLOT = "pain_relief_variant"
INTRO = "utter_pain_relief_intro"


def relevant_flags(tracker: Tracker) -> List[str]:
    """Flags told or answered yes in screening, as flag ids."""
    flags = [f for f in (tracker.get_slot("urgent_flag"), tracker.get_slot("red_flag")) if f]
    for question in TABLE.questions:
        if tracker.get_slot(question.slot) in triage.POSITIVE_ANSWERS:
            flags.extend(question.flags)
    return flags


def pain_relief_question(events: List[Dict[str, Any]]) -> str:
    """The words of the latest pain-relief question (it may have waited through the screening
    as a pending topic, so it is not always the latest message)."""
    for event in reversed(events):
        if event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent == ASK_PAIN_RELIEF:
                return event.get("text") or ""
    return ""


def pregnant(tracker: Tracker) -> bool:
    return (
        "pregnancy" in relevant_flags(tracker)
        or tracker.get_slot("caution_pregnancy") in triage.POSITIVE_ANSWERS
    )


def answer_variant(tracker: Tracker) -> Optional[str]:
    return medicines.answer_variant(pain_relief_question(tracker.events), pregnant(tracker))


class ValidatePainReliefForm(YesNoFormValidation):
    question_slots = list(TABLE.caution_slots)

    def name(self) -> Text:
        return "validate_pain_relief_form"

    def remaining(self, answers: Dict[str, Optional[str]], tracker: Tracker) -> List[str]:
        if on_urgent_route(tracker) or medicines.needs_no_cautions(answer_variant(tracker)):
            return []
        return triage.cautions_to_ask(answers, relevant_flags(tracker), TABLE)

    def on_activation(
        self, remaining: List[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> None:
        # the medicine's key caution in the first breath, before the questions
        specific = f"{INTRO}_{answer_variant(tracker)}"
        dispatcher.utter_message(response=specific if specific in (domain.get("responses") or {}) else INTRO)

    def outcome(self, answers: Dict[str, Optional[str]], tracker: Tracker) -> List[EventType]:
        variant = answer_variant(tracker)
        if on_urgent_route(tracker):
            advice = "doctor"
        elif medicines.needs_no_cautions(variant) or triage.needs_pharmacist(answers, relevant_flags(tracker)):
            advice = "ask_first"
        else:
            advice = "otc_ok"
        return [SlotSet(VARIANT_SLOT, variant), SlotSet("pain_relief_advice", advice)]


def on_urgent_route(tracker: Tracker) -> bool:
    """See a doctor today: routed so by screening, or an urgent flag told at any time."""
    return tracker.get_slot("triage") == triage.URGENT or bool(tracker.get_slot("urgent_flag"))
