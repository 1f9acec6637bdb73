"""The hands-free session's handling of unclear speech, with a recogniser and an assistant
that record what they are given (the real ones are tested in tests/server/test_voice.py)."""
from spasm_aid.voice import tts
from spasm_aid.voice.asr import Recognition
from spasm_aid.voice.session import VoiceSession


class Heard:
    def __init__(self, recognition):
        self.recognition = recognition

    def recognise(self, pcm, expect_yes_no=False, names_emergency=None):
        return self.recognition


UNCLEAR_REPLY = [{"text": "Sorry, I couldn't make that out. If something serious is happening, call 112 now."},
                 {"custom": {"safety": "unclear_speech"}},
                 {"text": "Did this start after a fall, an accident or a hard knock?"}, {"custom": {"expects": "yes_no"}}]


class Assistant:
    def __init__(self):
        self.sent = []

    def send(self, text):
        self.sent.append(text)
        if text == "/voice_unclear":
            return 200, UNCLEAR_REPLY
        return 200, [{"text": "Weak or numb legs.", "custom": {"triage": "emergency"}}]


def session(recognition, guard):
    return VoiceSession(Assistant(), Heard(recognition), speaker=None, names_emergency=lambda t: guard.detect(t).is_emergency)


def test_unclear_speech_is_not_sent_as_words_the_assistant_is_told_it_was_unclear(guard):
    s = session(Recognition("my neck not that", "my neck not that", "unclear", "my back locked up"), guard)
    s.state.last_replies = [{"text": "Did this start after a fall, an accident or a hard knock?"}, {"custom": {"expects": "yes_no"}}]
    result = s.turn(b"\x01\x00" * 16000)
    # a misheard "not that" must not answer the screening question: the assistant gets the
    # voice_unclear intent instead, and its reply (call if serious, the question again) is spoken
    assert s.chat.sent == ["/voice_unclear"]
    assert result["replies"] == UNCLEAR_REPLY
    assert result["rate"] == tts.SLOW_RATE and result["sent"] == "/voice_unclear"
    assert s.state.expects_yes_no  # the question is still pending


def test_unclear_speech_that_names_an_emergency_is_sent_on(guard):
    s = session(Recognition("i can't feel my legs", "i can't feel my legs", "unclear", "i can feel my leg"), guard)
    result = s.turn(b"\x01\x00" * 16000)
    assert s.chat.sent == ["i can't feel my legs"]
    assert result["triage"] == {"triage": "emergency"}


def test_clear_speech_is_sent_as_heard(guard):
    s = session(Recognition("my back just spasmed", "my back just spasmed", "open", "my back just spasmed"), guard)
    s.turn(b"\x01\x00" * 16000)
    assert s.chat.sent == ["my back just spasmed"]


def test_an_emergency_only_the_second_recogniser_heard_is_sent_in_its_words(guard):
    # pocketsphinx: "i go to throat you pain in my cat"; Whisper: the words that were said
    heard = Recognition("i go to throat you pain in my cat", "i go to throat you pain in my cat", "open",
                        alternative="i've got a crushing pain in my chest")
    s = session(heard, guard)
    result = s.turn(b"\x01\x00" * 16000)
    assert s.chat.sent == ["i've got a crushing pain in my chest"]
    assert result["alternative"] == "i've got a crushing pain in my chest" and result["triage"] == {"triage": "emergency"}


def test_a_rejected_answer_is_still_routed_up_when_the_second_recogniser_heard_an_emergency(guard):
    s = session(Recognition("", "yes no", "rejected", alternative="i can't pee"), guard)
    s.state.last_replies = [{"text": "Did this start after a fall, an accident or a hard knock?"}, {"custom": {"expects": "yes_no"}}]
    s.turn(b"\x01\x00" * 16000)
    assert s.chat.sent == ["i can't pee"]
