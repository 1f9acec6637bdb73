"""Which pain-relief answer fits the question (clinical-guidance section 4): the medicine named,
in brand names and typos too; a child or teenager; pregnancy; the order when several apply."""
import pytest
import yaml

from spasm_aid import medicines
from spasm_aid.medicines import MedicinesTableError, answer_variant, for_a_child, medicines_named
from tests.conftest import ROOT


@pytest.mark.parametrize("text,variant", [
    ("can i take ibuprofen", "ibuprofen"),
    ("is advil ok", "ibuprofen"),
    ("what about nurofen", "ibuprofen"),
    ("ibuprofin?", "ibuprofen"),
    ("can i take aleve", "naproxen"),
    ("can i take aspirin", "aspirin"),
    ("asprin ok?", "aspirin"),
    ("can I take tylenol", "paracetamol"),
    ("is acetaminophen ok", "paracetamol"),
    ("are muscle relaxants good", "muscle_relaxant"),
    ("my doctor gave me diazepam, can i take it", "muscle_relaxant"),
    ("what painkiller should i take", None),
])
def test_the_medicine_asked_about_decides_the_answer(text, variant):
    assert answer_variant(text) == variant


@pytest.mark.parametrize("text,variant", [
    ("aspirin with ibuprofen?", "aspirin"),  # the answer says never together
    ("can I take ibuprofen and paracetamol together", "paracetamol"),  # adults can take both
    ("ibuprofen or a muscle relaxant?", "muscle_relaxant"),  # drowsiness first
    ("can my son take aspirin", "child"),  # the pharmacist decides a child's dose
])
def test_when_several_apply_the_one_that_matters_most_answers(text, variant):
    assert answer_variant(text) == variant


def test_pregnancy_comes_before_the_medicine_but_not_before_a_child_or_a_relaxant():
    assert answer_variant("can i take ibuprofen", pregnant=True) == "pregnancy"
    assert answer_variant("what can i take", pregnant=True) == "pregnancy"
    assert answer_variant("are muscle relaxants ok", pregnant=True) == "muscle_relaxant"


@pytest.mark.parametrize("text", ["can my son take aspirin", "is ibuprofen ok for my daughter",
                                  "my 14-year-old hurt her back, can she have nurofen", "is it safe for kids",
                                  "what can a teenager take", "my 9 yo has back pain"])
def test_a_child_or_teenager_is_recognised(text):
    assert for_a_child(text)


@pytest.mark.parametrize("text", ["I'm her daughter, can she take aspirin", "my 70 year old mum, can she take naproxen",
                                  "I hurt it 10 years ago, can i take aleve", "can i take ibuprofen"])
def test_an_adult_is_not_taken_for_a_child(text):
    assert not for_a_child(text)


def test_a_child_and_a_muscle_relaxant_need_no_caution_questions():
    assert medicines.needs_no_cautions("child") and medicines.needs_no_cautions("muscle_relaxant")
    assert not medicines.needs_no_cautions("ibuprofen") and not medicines.needs_no_cautions(None)


def test_short_words_are_not_stretched_into_medicine_names():
    assert medicines_named("i can't sleep at all, so sore") == ()


def test_a_broken_table_names_the_file_and_what_is_missing(tmp_path):
    raw = yaml.safe_load(medicines.TABLE_PATH.read_text())
    raw["precedence"].remove("child")
    broken = tmp_path / "medicines.yml"
    broken.write_text(yaml.safe_dump(raw))
    with pytest.raises(MedicinesTableError, match=r"medicines.yml: 'precedence' must list \['child'\]"):
        medicines.load_table(str(broken))


def test_every_answer_variant_has_its_version_in_the_domain():
    # a variant without a response would fall back silently to the general answer
    domain_responses = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]
    for variant in medicines.load_table().precedence:
        for response in ("utter_pain_relief_ask_first", "utter_pain_relief_ask_first_helper"):
            values = [c["value"] for v in domain_responses[response] for c in v.get("condition", [])]
            assert variant in values, (response, variant)
