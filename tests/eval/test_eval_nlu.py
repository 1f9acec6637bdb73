"""The fast part of `make eval`, run in CI: the trained model on both evaluation sets (the
first, and the held-out one written before issue 13's changes). Fails on any missed red flag,
and when the other targets are not met."""
import pytest

from tests.conftest import ROOT
from tools.evaluation import nlu
from tools.evaluation.dataset import EVAL_SETS, load_examples

MODEL = ROOT / "models" / "spasm-aid.tar.gz"


@pytest.fixture(scope="module")
def parser():
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run 'make test' (it trains first)")
    return nlu.ModelParser(MODEL)


@pytest.fixture(scope="module", params=list(EVAL_SETS), ids=list(EVAL_SETS))
def figures(request, parser, guard):
    return nlu.score(nlu.predict(load_examples(EVAL_SETS[request.param]), parser, guard))


def test_no_red_flag_is_missed(figures):
    assert figures["red_flag_missed"] == [], "missed red flags"
    assert figures["red_flag_recall"] == 1.0


def test_every_red_flag_gets_its_own_reason(figures):
    wrong = {flag: info["reason_correct"] for flag, info in figures["per_flag"].items() if info["level"] == "emergency" and info["reason_correct"] is not None and info["reason_correct"] < 0.9}
    assert wrong == {}


def test_no_urgent_flag_is_missed(figures):
    assert figures["urgent_missed"] == []


def test_false_emergencies_at_most_one_percent_of_benign_messages(figures):
    assert figures["false_emergency_rate"] <= 0.01, figures["false_emergencies"]


def test_every_helper_is_recognised_and_nobody_else_is_taken_for_one(figures):
    # clinical-guidance section 0: the emergency message is then addressed to the helper
    assert figures["helper_not_recognised"] == []
    assert figures["helper_false_alarms"] == []


def test_intent_macro_f1_at_least_095(figures):
    assert figures["intent_macro_f1"] >= 0.95, figures["intent_errors"]


def test_the_guard_alone_catches_what_it_is_built_for(figures):
    # defence in depth: the rules alone must not depend on the classifier for most flags
    assert figures["guard_alone_emergency"]["recall"] >= 0.95
    assert figures["guard_alone_emergency"]["precision"] >= 0.95
