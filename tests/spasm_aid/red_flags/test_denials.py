"""The person's own clear denials (clinical-guidance section 2): "my legs are fine" answers the leg
questions; a denial counts only when it is clear, and never in a message where a sign is read."""
import pytest
import yaml

from spasm_aid.red_flags.guard import LEXICON_PATH, LexiconError, RedFlagGuard
from spasm_aid.triage import answered_by_own_words

LEGS = {"legs_pain", "legs_numb", "legs_weak", "legs_giving_way", "leg_weaker"}

CLEAR = [
    ("my legs are fine", LEGS, ["screen_both_legs", "screen_leg_weakness"]),
    ("legs fine", LEGS, ["screen_both_legs", "screen_leg_weakness"]),
    ("no chest pain and my breathing is fine", {"chest_pain", "breathing"}, ["screen_chest"]),
    ("I can pee fine and no leaks", {"hard_to_pee", "leaking"}, ["screen_bladder_bowel"]),
    ("bladder and bowels are fine", {"hard_to_pee", "leaking"}, ["screen_bladder_bowel"]),
    ("no numbness anywhere", {"legs_numb", "saddle_numb"}, ["screen_saddle_numbness"]),
    ("I didn't fall and there was no accident", {"fall", "accident"}, []),
    ("no injury, it just went when I bent down", {"fall", "accident", "blow"}, ["screen_trauma"]),
    ("no tummy pain and no tearing pain", {"tummy_pain", "tearing_pain"}, ["screen_aortic"]),
    ("I'm not confused or drowsy and my speech is fine", {"confused", "speech"}, []),
]


@pytest.mark.parametrize("text,conditions,skipped", CLEAR, ids=[c[0] for c in CLEAR])
def test_a_clear_denial_answers_what_it_denies(guard, text, conditions, skipped):
    denied = guard.detect(text).denied_conditions
    assert conditions <= set(denied), denied
    assert answered_by_own_words({}, denied) == skipped


NOT_CLEAR = [
    "I think my legs are fine",  # hedged
    "not sure my legs are fine",  # hedged
    "are my legs fine?",  # asked
    "my legs were fine yesterday",  # said of before
    "my legs are fine but the left one keeps buckling",  # qualified
    "my legs are fine except when I stand",  # qualified
    "my dog's legs are fine",  # not the person
    "I couldn't fall asleep last night",  # a look-alike, not a fall denied
    "no numbness",  # does not reach the bottom and genitals: asked anyway
    "my legs are fine if I keep still",  # conditional
]


@pytest.mark.parametrize("text", NOT_CLEAR)
def test_a_denial_that_is_not_clear_answers_nothing(guard, text):
    denied = guard.detect(text).denied_conditions
    assert answered_by_own_words({}, denied) == [], denied


@pytest.mark.parametrize(
    "text", ["my legs are fine but I can't pee", "no chest pain, but I can't feel my legs", "legs are fine, my groin is numb"]
)
def test_no_denial_counts_in_a_message_with_a_sign(guard, text):
    result = guard.detect(text)
    assert result.flags() and result.denied_conditions == ()


def test_a_denial_naming_an_unknown_condition_is_refused(guard, tmp_path):
    raw = yaml.safe_load(LEXICON_PATH.read_text())
    raw["denials"].append({"covers": ["ankles_fine"], "patterns": ["ankles be fine"]})
    broken = tmp_path / "lexicon.yml"
    broken.write_text(yaml.safe_dump(raw))
    with pytest.raises(LexiconError, match="ankles_fine"):
        RedFlagGuard(guard.nlp, broken, known_words=guard.known_words, names=guard.names)
