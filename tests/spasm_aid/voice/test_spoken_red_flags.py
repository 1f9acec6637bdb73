"""Every spoken red flag of the voice evaluation gets the number in the very next reply, and all
but at most three the emergency message itself (or, where the recognisers disagree on a
negation, one question that gives the number first). The same
judge as `make voice-eval` (pocketsphinx, and the second recogniser that listens for
emergencies), on the tuning set's 64 red-flag utterances (espeak-ng, two voices, two speeds),
with the trained model.

"i wet myself" in the f3 voice at 170 wpm is lost by both recognisers' words (pocketsphinx: "i
when can i do" or "i lift my feel", depending on what it heard before in the same process;
Whisper: "i will tell you"); the second recogniser spots the red-flag phrase in the audio.
"""
import shutil
import uuid

import pytest

from tests.conftest import ROOT
from tools.evaluation.voice import NET_ENDED, PHRASES, QUESTIONED_UP, RATES, VOICES, Judge, synthesise

MODEL = ROOT / "models" / "spasm-aid.tar.gz"

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("sox") is None,
    reason="espeak-ng and sox make the test speech: run 'make test' (it installs them)",
)


@pytest.fixture(scope="module")
def judge(guard):
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run 'make test' (it trains first)")
    from spasm_aid.voice.asr import Recognizer
    from spasm_aid.voice.dialogue import EmergencyDetector
    from tools.evaluation.nlu import ModelParser

    parser = ModelParser(MODEL)
    detector = EmergencyDetector(guard)  # as make voice-eval: it names emergencies and denials
    return Judge(Recognizer(), parser.parse, detector, detector.denies)


def test_every_spoken_red_flag_gets_the_emergency_message(judge, tmp_path):
    from spasm_aid.voice.audio import read_wav

    red_flags = [phrase for phrase, kind in PHRASES if judge.intent(phrase) == "red_flag"]
    assert len(red_flags) >= 16
    rows = []
    for phrase in red_flags:
        for voice in VOICES:
            for rate in RATES:
                wav = synthesise(phrase, voice, rate, tmp_path / f"{uuid.uuid4().hex[:8]}.wav")
                rows.append(dict(judge.row(phrase, read_wav(wav)), voice=voice, rate=rate))
    missed = [f"{r['phrase']} ({r['voice']}, {r['rate']}) heard {r['heard']!r} -> {r['outcome']}" for r in rows if not r["safe"]]
    assert missed == []
    # and nearly every one gets the full emergency message, not only the call-if-serious reply;
    # at most after one question that gives the number ("Did you say: ...? If you did, call 911
    # now."), asked when the recognisers disagree on a negation: "i can't feel my legs" in en-us
    # at 170 wpm, which Whisper hears as "i can feel my legs". Since issue 17 a classifier's
    # red-flag guess on words with no symptom word at all gets "didn't catch that" with the
    # number instead (everyday and misheard benign speech got the emergency message): "i wet
    # myself" heard as "i when my sailed" may end there (docs/voice.md). At most two such.
    # Speech not made out with no question pending gets one question too ("Is something serious
    # happening? ... If so, call 911 now."), where yes, silence or an unclear answer routes up.
    short = [f"{r['phrase']} ({r['voice']}, {r['rate']}) -> {r['outcome']}" for r in rows
             if r["outcome"] not in QUESTIONED_UP]
    # A bare yes or no heard with no question pending, and stop or thanks, get a reply that ends with
    # the safety net and its number (NET_ENDED): after the model learned three more topics (issue
    # 27), "i wet myself" in en-us at 130 wpm heard "i with my do" -> affirm, "my groin is numb" in
    # en-us+f3 at 130 heard "my going is am" -> stop, depending on what pocketsphinx heard before.
    # A clean-clone CI run at 9503ff2 measured 3 of 64 (the two above and "i wet myself" in
    # en-us+f3 -> nlu_fallback); the working checkout 1 or 2: every one still gives the number.
    assert len(short) <= 3 and all(line.endswith(("nlu_fallback", "safety_reply", *NET_ENDED)) for line in short), short
    # A red flag resting on "can't", "are", "was" ... whose audio fits the negated words about as
    # well gets "Did you say: ...? If you did, call 911 now." (spasm_aid.voice.dialogue.doubted):
    # 6 of 64 here ("my legs are weak" in en-us at 170 wpm, "i can't breathe properly"), the
    # measured price of fewer false emergencies on negated look-alikes (docs/voice.md). And words
    # only the classifier reads as a red flag, which the other recogniser heard otherwise, get "Is
    # something serious happening? ... call 911 now.": "my groin is numb" in en-us+f3 heard "my
    # going is numb" / "my drawing is" (2 of 64), the price of 12 fewer false emergencies on 777
    # benign training phrases.
    questions = [f"{r['phrase']} ({r['voice']}, {r['rate']}) -> {r['outcome']}" for r in rows if r["outcome"] in ("confirm", "check")]
    # 8 or 9 of 64 on the same code: pocketsphinx adapts to what it heard before in the same
    # process (above), so which suite ran first moves one phrase across the line (a clean-clone
    # CI run measured 9 at 08e10a0, the working checkout 8). Every one of them still gives the
    # number first; the bound keeps a real rise (a recogniser or reader change) failing.
    assert len(questions) <= 10, questions
