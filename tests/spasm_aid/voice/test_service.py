"""The voice service hands the guard's two readings to the voice layer's decisions."""
from spasm_aid.voice.asr import Recognition
from spasm_aid.voice.dialogue import Decision, EmergencyDetector
from spasm_aid.voice.service import VoiceService


class Hears:
    """A recogniser that hears fixed words (the point here is what the service decides)."""

    degraded = None

    def __init__(self, recognition):
        self.recognition = recognition

    def recognise(self, pcm, expect_yes_no=False, names_emergency=None):
        return self.recognition


def test_the_guard_reads_both_whether_words_name_an_emergency_and_whether_they_deny_one(guard):
    detector = EmergencyDetector(guard)
    assert detector("i can't feel my legs") and not detector.denies("i can't feel my legs")
    assert not detector("i didn't fall") and detector.denies("i didn't fall")
    assert not detector.denies("should i use ice or heat") and not detector.denies("")


def test_an_emergency_one_recogniser_heard_denied_by_the_other_is_asked_about_through_the_service(guard):
    # "no chest pain" denies a red flag by the guard's rules, though it says "not" of nothing
    heard = Recognition("crushing pain in my chest", "crushing pain in my chest", "open", alternative="no chest pain")
    service = VoiceService(Hears(heard), EmergencyDetector(guard))
    _, decision = service.hear(b"\0" * 32000)
    assert decision == Decision("confirm", "crushing pain in my chest", "no chest pain")
    # a plain yes/no callable cannot tell a denial: the words it names are sent
    plain = VoiceService(Hears(heard), lambda text: guard.detect(text).is_emergency)
    assert plain.hear(b"\0" * 32000)[1] == Decision("send", "crushing pain in my chest")
