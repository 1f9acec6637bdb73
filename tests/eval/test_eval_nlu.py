"""The fast part of `make eval`, run in CI: the trained model on the evaluation set.
Fails on any missed red flag, and when the other targets are not met."""
import pytest

from spasm_aid.evaluation import nlu
from spasm_aid.evaluation.dataset import load_examples
from tests.conftest import ROOT

MODEL = ROOT / "models" / "spasm-aid.tar.gz"


@pytest.fixture(scope="module")
def figures(guard):
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run 'make test' (it trains first)")
    return nlu.score(nlu.predict(load_examples(), nlu.ModelParser(MODEL), guard))


def test_no_red_flag_is_missed(figures):
    assert figures["red_flag_missed"] == [], "missed red flags"
    assert figures["red_flag_recall"] == 1.0


def test_every_red_flag_gets_its_own_reason(figures):
    wrong = {flag: info["reason_correct"] for flag, info in figures["per_flag"].items() if info["level"] == "emergency" and info["reason_correct"] is not None and info["reason_correct"] < 0.9}
    assert wrong == {}


def test_no_urgent_flag_is_missed(figures):
    assert figures["urgent_missed"] == []


def test_false_emergencies_at_most_two_percent_of_benign_messages(figures):
    assert figures["false_emergency_rate"] <= 0.02, figures["false_emergencies"]


def test_intent_macro_f1_at_least_095(figures):
    assert figures["intent_macro_f1"] >= 0.95, figures["intent_errors"]


def test_the_guard_alone_catches_what_it_is_built_for(figures):
    # defence in depth: the rules alone must not depend on the classifier for most flags
    assert figures["guard_alone_emergency"]["recall"] >= 0.95
    assert figures["guard_alone_emergency"]["precision"] >= 0.95
