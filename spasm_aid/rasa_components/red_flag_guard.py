"""RedFlagGuard: the Rasa NLU component that puts the rule-based guard after the classifier.

It runs on every message on every channel. When the guard finds an emergency red flag (or a
plain request for help) it forces the `red_flag` intent with confidence 1 and adds a
`red_flag` entity carrying the flag id; for an urgent flag it forces `urgent_flag` with an
`urgent_flag` entity. Otherwise the machine-learned intent stands, except that a `red_flag`
guess from the classifier above `ml_red_flag_threshold` is kept even when it is not the top
intent: when in doubt, route up. A red-flag guess in words with no symptom word at all gets
"didn't catch that" (with the number) instead.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from spasm_aid.contract import (
    GENERAL_SIGN,
    RED_FLAG_CHECK_INTENT,
    RED_FLAG_CHECK_SLOT,
    RED_FLAG_INTENT,
    RED_FLAG_QUESTION_INTENT,
    RED_FLAG_SLOT,
    SIGN_ASKED_SLOT,
    URGENT_FLAG_INTENT,
    URGENT_FLAG_SLOT,
)
from spasm_aid.paths import READER_MODEL, SPACY_MODEL
from spasm_aid.reader import decision
from spasm_aid.reader.message import read_message
from spasm_aid.reader.reader import Reader, reader_for
from spasm_aid.red_flags.guard import HELP_KEY, GuardResult, RedFlagGuard, guard_for
from spasm_aid.triage import EMERGENCY, URGENT

logger = logging.getLogger(__name__)

GUARD_METADATA_KEY = "red_flag_guard"
WITHDRAW_INTENT, WITHDRAW_CONFIDENCE = "withdraw_emergency", 0.8
# a message read as one of these answers no screening question by a denial in it
DENIAL_BLOCKING_INTENTS = (RED_FLAG_INTENT, RED_FLAG_CHECK_INTENT, RED_FLAG_QUESTION_INTENT)
# the entities fill the slots of the same name
GUARD_ENTITIES = (RED_FLAG_SLOT, URGENT_FLAG_SLOT, RED_FLAG_CHECK_SLOT, SIGN_ASKED_SLOT)


def _force_intent(message: Message, intent: str, confidence: float = 1.0) -> None:
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != intent]
    forced = {"name": intent, "confidence": confidence}
    message.set(INTENT, forced, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [forced] + ranking, add_to_output=True)


def apply_guard(
    message: Message,
    result: GuardResult,
    ml_red_flag_threshold: float,
    verdict: Optional[decision.Verdict] = None,
) -> None:
    """Rewrite the message's intent and entities from the guard's findings and, when given,
    the verdict of the rules and the reader read sentence by sentence (spasm_aid.reader)."""
    text = message.get(TEXT) or ""
    ml_intent = (message.get(INTENT) or {}).get("name")  # the classifier's answer, kept for evaluation
    entities = [e for e in message.get(ENTITIES) or [] if e.get("entity") not in GUARD_ENTITIES]

    def entity(name: str, value: str) -> Dict[str, Any]:
        return {
            "entity": name,
            "value": value,
            "start": 0,
            "end": len(text),
            "confidence_entity": 1.0,
            "extractor": "RedFlagGuard",
        }

    emergency_flags = result.flags(EMERGENCY)
    urgent_flags = result.flags(URGENT)
    if verdict is not None and verdict.action in (decision.CHECK, decision.ANSWER) and not verdict.by_rules:
        # the reader alone asks or answers; where the classifier's own red-flag guess routed up
        # before the reader (below), it still does: the reader only ever adds routes up
        ranking = message.get(INTENT_RANKING_KEY) or []
        guess = next((r.get("confidence", 0) for r in ranking if r.get("name") == RED_FLAG_INTENT), 0)
        top = (message.get(INTENT) or {}).get("name")
        if (
            not result.explicitly_denied
            and not result.junk
            and result.symptom_mentioned
            and not urgent_flags
            and (top == RED_FLAG_INTENT or guess >= ml_red_flag_threshold)
        ):
            verdict = decision.Verdict(decision.EMERGENCY, verdict.flag, verdict.sentence)
    ml_confidence = float((message.get(INTENT) or {}).get("confidence") or 0.0)
    if (
        verdict is not None and verdict.action == decision.CHECK and not verdict.by_rules
        and ml_intent == WITHDRAW_INTENT and ml_confidence >= WITHDRAW_CONFIDENCE
    ):
        # "no, you heard me wrong, I said I CAN pee fine": a correction that names the sign it
        # takes back, which the reader alone doubts. Its reply names the sign and gives the
        # number as the safety question would ("You told me ... Is that wrong?" after an
        # emergency); the rules finding the sign still give the emergency message.
        verdict = None
    if verdict is not None and verdict.action == decision.EMERGENCY:
        _force_intent(message, RED_FLAG_INTENT)
        flag: Optional[str] = verdict.flag if verdict.flag and verdict.flag != HELP_KEY else None
        flag = flag or (emergency_flags[0] if emergency_flags else None)
        if flag:
            entities.append(entity(RED_FLAG_SLOT, flag))
    elif verdict is not None and verdict.action == decision.CHECK:
        _force_intent(message, RED_FLAG_CHECK_INTENT)
        entities.append(entity(RED_FLAG_CHECK_SLOT, verdict.flag or HELP_KEY))
    elif verdict is not None and verdict.action == decision.ANSWER:
        _force_intent(message, RED_FLAG_QUESTION_INTENT)
        entities.append(entity(SIGN_ASKED_SLOT, verdict.flag if verdict.flag and verdict.flag != HELP_KEY else GENERAL_SIGN))
    elif verdict is None and (emergency_flags or result.help_requested):
        _force_intent(message, RED_FLAG_INTENT)
        if emergency_flags:
            entities.append(entity("red_flag", emergency_flags[0]))
    elif urgent_flags:
        _force_intent(message, URGENT_FLAG_INTENT)
        entities.append(entity("urgent_flag", urgent_flags[0]))
    else:
        ranking = message.get(INTENT_RANKING_KEY) or []
        top = (message.get(INTENT) or {}).get("name")
        ml_red_flag = next((r for r in ranking if r.get("name") == RED_FLAG_INTENT), None)
        if result.explicitly_denied:
            # A rule-based reading that the flag words are denied ("no numbness"), long past
            # ("my dad had a stroke in 2010"), about a pet or a thing, or a question about what
            # a word means beats the classifier's guess from the words alone: take its best
            # intent that is not a flag, and do not promote a lower red_flag guess either.
            if top in (RED_FLAG_INTENT, URGENT_FLAG_INTENT):
                fallback = next(
                    (r for r in ranking if r.get("name") not in (RED_FLAG_INTENT, URGENT_FLAG_INTENT)),
                    None,
                )
                if fallback:
                    _force_intent(message, fallback["name"], fallback.get("confidence", 0.0))
        elif result.junk:
            # markup, code, identifiers or mashing (spasm_aid.red_flags.junk): the classifier's
            # guess means nothing; "didn't catch that" names the serious symptoms and the number
            _force_intent(message, DEFAULT_NLU_FALLBACK_INTENT_NAME)
        elif not result.symptom_mentioned and (
            top == RED_FLAG_INTENT or (ml_red_flag and ml_red_flag.get("confidence", 0) >= ml_red_flag_threshold)
        ):
            # the classifier guesses a red flag in words without one body, symptom, accident or
            # help word ("king of spades", "we need to fix the fence", real speech misheard):
            # "didn't catch that", which names the serious symptoms and gives the number, instead
            # of an emergency message that would teach people to ignore it
            _force_intent(message, DEFAULT_NLU_FALLBACK_INTENT_NAME)
        elif top != RED_FLAG_INTENT and ml_red_flag and ml_red_flag.get("confidence", 0) >= ml_red_flag_threshold:
            _force_intent(message, RED_FLAG_INTENT)
    message.set(ENTITIES, entities, add_to_output=True)
    final_intent = (message.get(INTENT) or {}).get("name")
    # the person's own clear denials answer screening questions (clinical-guidance section 2), only
    # in a message read as nothing serious: not when it routes up, asks about a sign or is junk
    denied = [] if final_intent in DENIAL_BLOCKING_INTENTS or result.junk else list(result.denied_conditions)
    message.set(
        GUARD_METADATA_KEY,
        {
            "flags": result.flags(),
            "negated": [d.flag for d in result.negated],
            "help_requested": result.help_requested,
            # read by the SafetyPolicy, which keeps them in the speaker and fall_reported slots:
            # a helper speaking for someone there now (clinical-guidance section 0), a fall
            "helper": result.helper,
            "fall": result.fall,
            # kept by the SafetyPolicy in the denied_conditions slot: questions the person's own
            # words already answered no are not asked
            "denied": denied,
            "junk": result.junk,
            "ml_intent": ml_intent,
            "reader": None if verdict is None else {"action": verdict.action, "flag": verdict.flag, "by_rules": verdict.by_rules},
        },
        add_to_output=True,
    )


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=False,
)
class RedFlagGuardComponent(GraphComponent, IntentClassifier, EntityExtractorMixin):
    @classmethod
    def required_components(cls) -> List[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # the spaCy pipeline the project builds (python -m spasm_aid.nlp_pipeline)
            "spacy_model": SPACY_MODEL,
            # a classifier's red_flag guess at or above this confidence routes up
            "ml_red_flag_threshold": 0.3,
            # the reader's trained weights (python -m spasm_aid.reader.train); None: rules only
            "reader_model": READER_MODEL,
        }

    def __init__(
        self, config: Dict[Text, Any], guard: Optional[RedFlagGuard] = None, reader: Optional[Reader] = None
    ) -> None:
        self.config = config
        self.guard = guard or guard_for(str(config["spacy_model"]))
        self.reader = reader
        if reader is None and config.get("reader_model"):
            self.reader = reader_for(str(config["reader_model"]))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RedFlagGuardComponent":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str):
                continue
            result = self.guard.detect(text)
            verdict = read_message(self.guard, self.reader, text, result) if self.reader is not None else None
            apply_guard(message, result, float(self.config["ml_red_flag_threshold"]), verdict)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data  # training examples keep their own labels
