"""TextFolder: first in the NLU pipeline, it folds the message's Unicode (spasm_aid.text_fold:
accents, zero-width characters, fancy and look-alike letters) so the classifier, the guard and
the reader all read "I can't feel my l\u00e9gs" as the words a person sees."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from spasm_aid.text_fold import fold_text


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class TextFolder(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TextFolder":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str):
                message.set(TEXT, fold_text(text))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # the examples are folded as messages will be, so both are read alike
        for example in training_data.training_examples:
            text = example.get(TEXT)
            if isinstance(text, str):
                example.set(TEXT, fold_text(text))
        return training_data
