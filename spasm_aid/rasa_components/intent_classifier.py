"""Intent classifier: Rasa's scikit-learn logistic regression, with its strength setting exposed.

Why not DIET: DIET keeps a TensorFlow model in every Rasa server, about 260 MB of resident
memory (948 MB -> 687 MB per server, measured with tools/bench.py) and 60 s of training, for
a task this small (short messages, a few dozen intents). Red flags never depend on this
classifier alone: the rule-based guard after it decides them.

Rasa's component fixes scikit-learn's regularisation strength C at 1.0, which with our sparse
count features gives flat probabilities (many right answers fall under the fallback
threshold); `C` is the only setting added here. An empty message (no features at all) gets
no intent with confidence 0, so the FallbackClassifier answers it, instead of scikit-learn
failing on an empty matrix.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class IntentClassifier(LogisticRegressionClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0}

    def __init__(
        self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage, resource: Resource
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        if not float(self.config["C"]) > 0:
            raise ValueError(f"config.yml: IntentClassifier 'C' must be a positive number, got {self.config['C']!r}")
        self.clf.set_params(C=float(self.config["C"]))

    def process(self, messages: List[Message]) -> List[Message]:
        featured = [m for m in messages if m.get_sparse_features(attribute=TEXT)[1] is not None]
        featured_ids = {id(m) for m in featured}
        for message in messages:
            if id(message) not in featured_ids:
                message.set("intent", {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set("intent_ranking", [], add_to_output=True)
        if featured:
            super().process(featured)
        return messages
