"""SafetyPolicy: gives the emergency message next, in any dialogue state.

It is deterministic (nothing is trained) and runs in the Rasa server, so the emergency reply
needs neither the action server nor the database. Its predictions are marked as not depending
on user input so that they outrank a running form, and its priority is above RulePolicy's.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction, SupportedData
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from spasm_aid import safety, triage
from spasm_aid.contract import CHECK_IN_FORM, DENIED_CONDITIONS_SLOT, RED_FLAG_CHECK_SLOT

RED_FLAG_SLOT = "red_flag"
TRIAGE_SLOT = "triage"
SPEAKER_SLOT, HELPER = "speaker", "helper"
FALL_SLOT = "fall_reported"
GUARD_METADATA_KEY = "red_flag_guard"  # the RedFlagGuard component's reading of the message
SCREENING_FORM = safety.SCREENING_FORM
DEFAULT_PRIORITY = 7  # above RulePolicy (6): the emergency reply wins every tie
# Two messages this close together from one sender are also read as one: a sign split over two
# sends ("my bum" / "is numb") is a sign (issue 31). Typing the second takes a few seconds.
SPLIT_SECONDS = 10.0


def _reads_nothing(said: UserUttered) -> bool:
    """The guard and the reader found no sign at all in this message, not even a denied one."""
    reading = (said.parse_data or {}).get(GUARD_METADATA_KEY)
    if not isinstance(reading, dict) or reading.get("flags") or reading.get("negated") or reading.get("help_requested"):
        return False
    reader = reading.get("reader")
    return not (isinstance(reader, dict) and reader.get("action") not in (None, "nothing"))


def split_flag(tracker: DialogueStateTracker) -> Optional[str]:
    """The emergency flag that only the latest two user messages read together name, when they
    came within SPLIT_SECONDS of each other and neither named one alone; else None."""
    said = [e for e in tracker.events if isinstance(e, UserUttered)]
    if len(said) < 2:
        return None
    previous, latest = said[-2], said[-1]
    if not isinstance(previous.text, str) or not isinstance(latest.text, str) or not previous.text.strip():
        return None
    if latest.timestamp - previous.timestamp > SPLIT_SECONDS or previous.text.startswith("/"):
        return None
    if not (_reads_nothing(previous) and _reads_nothing(latest)):
        return None  # a sign read (or denied, or asked about) in either alone was answered as such
    from spasm_aid.paths import SPACY_MODEL
    from spasm_aid.red_flags.guard import guard_for

    together = guard_for(SPACY_MODEL).detect(f"{previous.text} {latest.text}").flags(triage.EMERGENCY)
    return together[0] if together else None


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class SafetyPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": DEFAULT_PRIORITY}

    @staticmethod
    def supported_data() -> SupportedData:
        return SupportedData.ML_AND_RULE_DATA

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        return self._resource  # nothing to learn: the hand-off is a fixed rule

    @staticmethod
    def turn_state(tracker: DialogueStateTracker) -> safety.TurnState:
        events = list(tracker.events)
        last_user = max((i for i, e in enumerate(events) if isinstance(e, UserUttered)), default=-1)
        this_turn = events[last_user + 1 :] if last_user >= 0 else []
        flag = None
        if last_user >= 0:
            for entity in events[last_user].entities or []:
                if entity.get("entity") == RED_FLAG_SLOT and entity.get("value"):
                    flag = entity["value"]
        table = triage.load_table()
        emergency_questions = {q.slot: q.reason for q in table.questions if q.level == triage.EMERGENCY}
        # an emergency taken back in this turn puts back the flag of an earlier one: not a new sign
        withdrawn = any(isinstance(e, ActionExecuted) and e.action_name == safety.EMERGENCY_WITHDRAWN for e in this_turn)
        for event in [] if withdrawn else this_turn:
            if isinstance(event, SlotSet) and event.key == RED_FLAG_SLOT and event.value:
                flag = event.value
            # A "yes" to an emergency question, or to a follow-up check-in question (clinical-
            # guidance section 7), filled by the slot mapping in this server.
            asked = {SCREENING_FORM: emergency_questions, CHECK_IN_FORM: table.check_in}.get(tracker.active_loop_name, {})
            if isinstance(event, SlotSet) and event.key in asked and event.value == triage.YES:
                flag = flag or asked[event.key]
        previous_response = None
        for event in reversed(events[: max(last_user, 0)]):
            if isinstance(event, ActionExecuted) and event.action_name not in (
                safety.ACTION_LISTEN,
                safety.DEACTIVATE_LOOP,
                "action_extract_slots",
            ):
                previous_response = event.action_name
                break
        intent, confidence = None, 1.0
        if last_user >= 0:
            intent = (events[last_user].intent or {}).get("name")
            confidence = float((events[last_user].intent or {}).get("confidence") or 0.0)
        route = tracker.get_slot(TRIAGE_SLOT)
        # a question the person's own words answered (clinical-guidance section 2) counts as answered
        answers = triage.with_own_words(
            {slot: tracker.get_slot(slot) for slot in emergency_questions}, tracker.get_slot(DENIED_CONDITIONS_SLOT) or ()
        )
        answered = all(answers.get(slot) is not None for slot in emergency_questions)
        return safety.TurnState(
            intent=intent,
            flag_this_turn=flag,
            actions_this_turn=[e.action_name for e in this_turn if isinstance(e, ActionExecuted)],
            active_loop=tracker.active_loop_name,
            previous_response=previous_response,
            route=route,
            emergency_questions_answered=answered or route is not None,
            disclaimer_given=any(
                isinstance(e, ActionExecuted) and e.action_name == safety.DISCLAIMER for e in tracker.applied_events()
            ),
            checked_flag=tracker.get_slot(RED_FLAG_CHECK_SLOT),
            intent_confidence=confidence,
            text=str(events[last_user].text or "") if last_user >= 0 else "",
        )

    @staticmethod
    def withdrawal_events(tracker: DialogueStateTracker) -> List[SlotSet]:
        """Take back the latest emergency (clinical-guidance section 2): the route and the red
        flag as they were before it, and the screening answer that raised it unanswered, so the
        screening form asks that question again rather than starting over."""
        events = list(tracker.applied_events())
        raised = max(
            (i for i, e in enumerate(events) if isinstance(e, SlotSet) and e.key == TRIAGE_SLOT and e.value == triage.EMERGENCY),
            default=None,
        )
        if raised is None:
            return []

        # the turn that raised it: its message, the slots read from it and the policy's own events
        turn_start = max((i for i, e in enumerate(events[:raised]) if isinstance(e, UserUttered)), default=0)

        def value_before(slot: str) -> Any:
            return next((e.value for e in reversed(events[:turn_start]) if isinstance(e, SlotSet) and e.key == slot), None)
        emergency_slots = {q.slot for q in triage.load_table().questions if q.level == triage.EMERGENCY}
        answered_yes = {
            e.key for e in events[turn_start:raised] if isinstance(e, SlotSet) and e.key in emergency_slots and e.value in triage.POSITIVE_ANSWERS
        }
        return [SlotSet(TRIAGE_SLOT, value_before(TRIAGE_SLOT)), SlotSet(RED_FLAG_SLOT, value_before(RED_FLAG_SLOT))] + [
            SlotSet(slot, None) for slot in sorted(answered_yes)
        ]

    @staticmethod
    def speaker_events(tracker: DialogueStateTracker, domain: Domain) -> List[SlotSet]:
        """Keep what the guard read in the latest message: a helper is speaking (clinical-guidance
        section 0), a fall was told, screening conditions clearly denied (section 2: "my legs are
        fine" answers the leg questions). Set once and kept for the conversation; these events are
        applied whichever policy wins, before any reply of this turn is generated."""
        latest = tracker.latest_message
        reading = (latest.parse_data or {}).get(GUARD_METADATA_KEY) if latest else None
        if not isinstance(reading, dict):
            return []
        events = []
        if reading.get("helper") and tracker.get_slot(SPEAKER_SLOT) != HELPER and SPEAKER_SLOT in [s.name for s in domain.slots]:
            events.append(SlotSet(SPEAKER_SLOT, HELPER))
        if reading.get("fall") and not tracker.get_slot(FALL_SLOT) and FALL_SLOT in [s.name for s in domain.slots]:
            events.append(SlotSet(FALL_SLOT, "yes"))
        denied = [c for c in reading.get("denied") or () if isinstance(c, str)]
        if denied and DENIED_CONDITIONS_SLOT in [s.name for s in domain.slots]:
            known = list(tracker.get_slot(DENIED_CONDITIONS_SLOT) or [])
            merged = known + [c for c in denied if c not in known]
            if merged != known:
                events.append(SlotSet(DENIED_CONDITIONS_SLOT, merged))
        return events

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        slot_events = self.speaker_events(tracker, domain)
        if slot_events:
            tracker = tracker.copy()
            tracker.update_with_events(slot_events, domain)
        state = self.turn_state(tracker)
        if state.flag_this_turn is None and state.intent not in safety.REPEAT_INTENTS:
            joined = split_flag(tracker)
            if joined:
                state = dataclasses.replace(state, flag_this_turn=joined)
        action = safety.next_action(state)
        if action is None or action not in domain.action_names_or_texts:
            return self._prediction(self._default_predictions(domain), events=slot_events)
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        events = list(slot_events)
        if action == safety.EMERGENCY_RESPONSE and state.intent not in safety.REPEAT_INTENTS:
            events += [SlotSet(TRIAGE_SLOT, "emergency"), SlotSet(RED_FLAG_SLOT, safety.emergency_flag(state))]
        if action == safety.EMERGENCY_WITHDRAWN:
            events += self.withdrawal_events(tracker)
        return self._prediction(probabilities, events=events, is_no_user_prediction=True)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SafetyPolicy":
        return cls(config, model_storage, resource, execution_context)
