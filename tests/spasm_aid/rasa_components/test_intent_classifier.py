import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from spasm_aid.rasa_components.intent_classifier import IntentClassifier

VOCAB = ["ice", "heat", "walk", "pill", "back", "hurts"]


def message(text, intent=None):
    counts = np.array([[text.split().count(word) for word in VOCAB]], dtype=float)
    msg = Message(data={"text": text, **({"intent": intent} if intent else {})})
    msg.add_features(Features(scipy.sparse.coo_matrix(counts), "sentence", "text", "test"))
    return msg


def make(tmp_path, **config):
    tmp_path.mkdir(parents=True, exist_ok=True)
    context = ExecutionContext(GraphSchema({}), "test")
    return IntentClassifier.create(
        {**IntentClassifier.get_default_config(), **config}, LocalModelStorage(tmp_path), Resource("clf"), context
    )


def training_data():
    examples = [("ice back", "ask_ice"), ("ice", "ask_ice"), ("heat back", "ask_heat"), ("heat", "ask_heat"),
                ("walk", "ask_walk"), ("walk back", "ask_walk"), ("pill", "ask_pills"), ("pill hurts", "ask_pills")]
    return TrainingData([message(text, intent) for text, intent in examples])


def confidence_of(classifier, text):
    msg = message(text)
    classifier.process([msg])
    return msg.get("intent")["name"], msg.get("intent")["confidence"]


def test_strength_setting_reaches_scikit_learn(tmp_path):
    assert make(tmp_path, C=20).clf.C == 20.0


@pytest.mark.parametrize("bad", [0, -1, "lots"])
def test_a_bad_strength_setting_names_the_file_and_setting(tmp_path, bad):
    with pytest.raises((ValueError, TypeError)) as error:
        make(tmp_path, C=bad)
    assert "config.yml" in str(error.value) or "could not convert" in str(error.value)


def test_stronger_setting_gives_confident_answers_above_the_fallback_threshold(tmp_path):
    # Why C is exposed: with Rasa's fixed C=1 a clear message falls under FallbackClassifier's 0.4.
    weak, strong = make(tmp_path / "weak", C=1.0), make(tmp_path / "strong", C=20.0)
    weak.train(training_data())
    strong.train(training_data())
    assert confidence_of(strong, "ice")[0] == "ask_ice"
    assert confidence_of(strong, "ice")[1] > 0.8 > confidence_of(weak, "ice")[1]


def test_trained_classifier_survives_save_and_load(tmp_path):
    storage, context = LocalModelStorage(tmp_path), ExecutionContext(GraphSchema({}), "test")
    config = {**IntentClassifier.get_default_config(), "C": 20.0}
    trained = IntentClassifier.create(config, storage, Resource("clf"), context)
    trained.train(training_data())
    loaded = IntentClassifier.load(config, storage, Resource("clf"), context)
    assert confidence_of(loaded, "walk") == confidence_of(trained, "walk")


def test_a_message_without_features_gets_no_intent_instead_of_an_error(tmp_path):
    classifier = make(tmp_path, C=20.0)
    classifier.train(training_data())
    empty, clear = Message(data={"text": ""}), message("heat")
    classifier.process([empty, clear])
    assert empty.get("intent") == {"name": None, "confidence": 0.0}
    assert clear.get("intent")["name"] == "ask_heat"
