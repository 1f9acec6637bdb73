"""One Unicode folding for every reader (issue 31): a red flag typed with accents, invisible
characters, fancy or look-alike letters is read as the words a person sees."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spasm_aid.text_fold import fold_text
from tools.fuzz.disguise import COMMANDS, DISGUISES
from tools.fuzz.requests import RED_FLAGS

FLAG = "I can't feel my legs"


@pytest.mark.parametrize("name", sorted(DISGUISES))
def test_each_disguise_folds_back_to_the_words_shown(name):
    assert fold_text(DISGUISES[name](FLAG)) == FLAG


def test_plain_text_is_left_as_it_is_and_folding_twice_changes_nothing():
    for text in ("my back hurts", "Ice or heat?", "I can\u2019t pee \U0001f62d", "na\u00efve caf\u00e9"):
        assert fold_text(fold_text(text)) == fold_text(text)
    assert fold_text("my back hurts") == "my back hurts"
    assert fold_text("I can\u2019t pee \U0001f62d") == "I can\u2019t pee \U0001f62d"  # emoji and quotes stay


def test_other_scripts_that_look_like_nothing_latin_are_kept():
    assert fold_text("\u0441\u043f\u0438\u043d\u0430") != ""  # Russian words stay words
    assert "\u4f60\u597d" in fold_text("\u4f60\u597d")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flag=st.sampled_from(RED_FLAGS), names=st.lists(st.sampled_from(sorted(DISGUISES)), min_size=1, max_size=2, unique=True))
def test_every_red_flag_in_every_disguise_is_an_emergency_to_the_guard(guard, flag, names):
    text = flag
    for name in names:
        text = DISGUISES[name](text)
    result = guard.detect(text)
    assert result.is_emergency, (names, text)
    assert not result.junk


@pytest.mark.parametrize("name", sorted(DISGUISES))
def test_an_everyday_sentence_in_a_disguise_stays_everyday(guard, name):
    result = guard.detect(DISGUISES[name]("my back hurts when I bend"))
    assert not result.is_emergency and not result.junk


def test_the_commands_the_fuzzer_puts_in_front_are_real_ones():
    from spasm_aid.channels.common import COMMANDS as KNOWN
    from spasm_aid.channels.common import command_text

    for command in COMMANDS:
        assert command_text(command + FLAG).endswith(FLAG)
        assert command.strip("/ ").split("@")[0] in KNOWN
