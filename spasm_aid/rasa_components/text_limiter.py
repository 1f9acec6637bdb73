"""TextLengthLimiter: first in the NLU pipeline, it cuts very long messages (keeping the parts
with a red flag, see spasm_aid.text_limit) so every channel gets an answer, never a crash."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from spasm_aid.paths import SPACY_MODEL
from spasm_aid.red_flags.guard import guard_for
from spasm_aid.text_limit import MAX_CHARS, limit_text_once


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class TextLengthLimiter(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"max_chars": MAX_CHARS, "spacy_model": SPACY_MODEL}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = config
        self.guard = guard_for(str(config["spacy_model"]))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TextLengthLimiter":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and len(text) > int(self.config["max_chars"]):
                message.set(TEXT, limit_text_once(text, self.guard, int(self.config["max_chars"])))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
