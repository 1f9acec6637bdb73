"""Barge-in rules of the live loop (spasm_aid/voice/live.py); the loop itself runs end to end on
a virtual sound card in tests/server/test_live_loop.py."""
import pytest

from spasm_aid.voice.asr import Recognition
from spasm_aid.voice.live import barge_in_command

LONG_ADVICE = "Ice or heat: use whichever feels better. Wrap it in a cloth, 20 minutes at a time."
EMERGENCY = "This needs help now. Call 9 1 1 now. Say repeat to hear this again."


@pytest.mark.parametrize("recognition, command", [
    (Recognition("help", "help", "grammar"), "help"),
    (Recognition("help me", "help me", "grammar"), "help"),
    (Recognition("emergency", "emergency", "grammar"), "help"),
    (Recognition("stop", "stop", "grammar"), "stop"),
    (Recognition("say that again", "say that again", "grammar"), "repeat"),
    (Recognition("help", "help", "open"), "help"),
])
def test_a_command_said_over_a_reply_is_taken(recognition, command):
    assert barge_in_command(recognition, LONG_ADVICE) == command


@pytest.mark.parametrize("recognition", [
    Recognition("", "yes no", "rejected"),  # the grammar and the open model disagree
    Recognition("i when can i do", "i when can i do", "unclear"),
    Recognition("should i walk", "should i walk", "open"),  # not a command
    Recognition("no", "no", "grammar"),
])
def test_other_speech_over_a_reply_is_not_a_command(recognition):
    assert barge_in_command(recognition, LONG_ADVICE) is None


@pytest.mark.parametrize("word", ["help", "repeat"])
def test_a_command_the_reply_itself_says_may_be_its_own_voice_and_is_not_taken(word):
    assert barge_in_command(Recognition(word, word, "grammar"), EMERGENCY) is None
