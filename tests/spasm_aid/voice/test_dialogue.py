"""The voice layer's own decisions."""
from spasm_aid.voice import tts
from spasm_aid.voice.dialogue import VoiceState, yes_no_questions


def state(replies=()):
    s = VoiceState(yes_no_questions())
    s.last_replies = list(replies)
    return s


def test_every_screening_and_caution_question_is_a_yes_no_question():
    questions = yes_no_questions()
    assert "is there any new numbness or tingling around your bottom, genitals or inner thighs?" in questions
    assert any(q.startswith("let me put it simply") for q in questions)  # the simpler wordings too
    assert len(questions) >= 7 * 2 + 4


def test_a_pending_question_is_recognised_from_the_last_reply():
    assert state([{"text": "First, a few quick safety questions."}, {"text": "Did this start after a fall, an accident or a hard knock?"}]).expects_yes_no
    assert not state([{"text": "Use whichever feels better."}]).expects_yes_no
    assert not state().expects_yes_no


def test_faster_and_slower_change_the_rate_within_limits():
    s = state()
    assert s.local_command("faster") == "faster" and s.rate == tts.NORMAL_RATE + tts.RATE_STEP
    assert s.local_command("slow down") == "slower" and s.rate == tts.NORMAL_RATE
    for _ in range(20):
        s.local_command("slower")
    assert s.rate == tts.MIN_RATE
    assert s.local_command("yes") is None


def test_the_emergency_message_is_always_spoken_slowly():
    s = state()
    s.local_command("faster")
    assert s.speaking_rate([{"text": "x", "custom": {"triage": "emergency"}}]) == tts.SLOW_RATE
    assert s.speaking_rate([{"text": "x"}]) == s.rate
