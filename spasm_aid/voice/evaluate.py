"""make voice-eval: how well spoken input is understood, and how fast a reply is ready.

Test phrases are spoken with espeak-ng in two voices and two speeds (made here, nothing is
downloaded), recognised offline, and compared with what was said: word error rate, and, more
important, whether the assistant's understanding (intent, and emergency routing for red flags)
is the same as for the typed phrase. Then a served assistant answers each recognised phrase and
the reply is synthesised: time from the end of speech to the reply audio being ready, and the
recogniser's real-time factor. Writes reports/voice.json.

    python -m spasm_aid.voice.evaluate
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import wave
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent.parent
VOICES = ("en-us", "en-us+f3")
RATES = (130, 170)  # words per minute: slow and brisk

# (phrase, kind): kind "answer" is said while a yes/no question is pending.
PHRASES: List[Tuple[str, str]] = [
    ("my back just spasmed", "open"), ("i threw my back out", "open"), ("my back locked up", "open"),
    ("lower back cramp", "open"),
    ("yes", "answer"), ("yeah", "answer"), ("yep", "answer"), ("no", "answer"), ("nope", "answer"),
    ("nah", "answer"), ("not really", "answer"), ("no thanks", "answer"), ("i don't think so", "answer"),
    ("not sure", "answer"),
    ("help", "open"), ("help me", "open"), ("emergency", "open"), ("call an ambulance", "open"),
    ("i can't feel my legs", "open"), ("my legs are weak", "open"), ("i wet myself", "open"),
    ("i can't pee", "open"), ("my groin is numb", "open"), ("numbness around my bottom", "open"),
    ("i fell off a ladder", "open"), ("i was in a car crash", "open"), ("i have chest pain", "open"),
    ("i can't breathe properly", "open"), ("my face is drooping", "open"), ("my speech is slurred", "open"),
    ("repeat", "open"), ("say that again", "open"), ("slower", "open"), ("stop", "open"),
    ("should i use ice or heat", "open"), ("should i walk", "open"), ("what can i take for the pain", "open"),
    ("when should i see a doctor", "open"), ("how long will this last", "open"), ("what stretches can i do", "open"),
    ("how do i stop this happening again", "open"), ("what position should i lie in", "open"),
]


def wer(reference: str, hypothesis: str) -> Tuple[int, int]:
    """(word errors, reference words) by edit distance."""
    ref, hyp = reference.split(), hypothesis.split()
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        previous, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (r != h))
    return row[-1], len(ref)


def synthesise(text: str, voice: str, rate: int, out: Path) -> Path:
    raw = out.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(out)], check=True)
    raw.unlink()
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "spasm-aid.tar.gz"))
    parser.add_argument("--out", default=str(ROOT / "reports" / "voice.json"))
    args = parser.parse_args(argv)

    from spasm_aid.evaluation.conversations import RASA_PORT, Served
    from spasm_aid.evaluation.nlu import ModelParser
    from spasm_aid.voice import tts
    from spasm_aid.voice.__main__ import VoiceClient, VoiceSession
    from spasm_aid.voice.asr import Recognizer, read_wav

    recognizer = Recognizer()
    nlu = ModelParser(Path(args.model))
    understood_as: Dict[str, Tuple[str, bool]] = {}

    def understanding(text: str) -> Tuple[str, bool]:
        if text not in understood_as:
            parsed = nlu.parse(text) if text else {"intent": {"name": "none"}}
            intent = (parsed.get("intent") or {}).get("name")
            understood_as[text] = (intent, intent == "red_flag")
        return understood_as[text]

    rows, errors, words, decode_seconds, audio_seconds = [], 0, 0, 0.0, 0.0
    with tempfile.TemporaryDirectory(prefix="spasm-aid-voice-eval-") as tmp:
        for phrase, kind in PHRASES:
            expected_intent, expected_emergency = understanding(phrase)
            for voice in VOICES:
                for rate in RATES:
                    path = synthesise(phrase, voice, rate, Path(tmp) / f"{uuid.uuid4().hex[:8]}.wav")
                    pcm = read_wav(path)
                    with wave.open(str(path)) as w:
                        audio_seconds += w.getnframes() / w.getframerate()
                    started = time.perf_counter()
                    result = recognizer.recognise(pcm, expect_yes_no=(kind == "answer"))
                    decode_seconds += time.perf_counter() - started
                    e, n = wer(phrase, result.heard)
                    errors, words = errors + e, words + n
                    intent, emergency = understanding(result.text) if not result.rejected else ("rejected", False)
                    rows.append({
                        "phrase": phrase, "voice": voice, "rate": rate, "heard": result.heard, "sent": result.text,
                        "source": result.source, "expected_intent": expected_intent, "intent": intent,
                        "intent_ok": intent == expected_intent, "red_flag": expected_emergency,
                        "emergency_ok": (emergency or not expected_emergency),
                        "rejected": result.rejected,
                    })

        # Latency: the served assistant answers and the reply is synthesised.
        latencies = []
        with Served(Path(tmp) / "servers", Path(args.model)):
            speaker = tts.Speaker()
            for phrase, kind in [("my back just spasmed", "open"), ("no", "answer"), ("yes", "answer")] * 3:
                session = VoiceSession(VoiceClient(RASA_PORT, f"voice-eval-{uuid.uuid4().hex[:8]}"), recognizer, speaker)
                if kind == "answer":
                    session.turn(read_wav(synthesise("my back just spasmed", "en-us", 150, Path(tmp) / "o.wav")))
                pcm = read_wav(synthesise(phrase, "en-us", 150, Path(tmp) / "p.wav"))
                started = time.perf_counter()
                result = session.turn(pcm)
                session.speak_to_file(result, Path(tmp) / "reply.wav")
                latencies.append((phrase, time.perf_counter() - started))

    red = [r for r in rows if r["red_flag"]]
    short = [s for p, s in latencies if p in ("yes", "no")]
    report = {
        "utterances": len(rows),
        "phrases": len(PHRASES),
        "voices": list(VOICES),
        "rates_wpm": list(RATES),
        "word_error_rate": round(errors / words, 3),
        "intent_accuracy": round(sum(r["intent_ok"] for r in rows) / len(rows), 3),
        "red_flag_utterances": len(red),
        "red_flag_reached_emergency": round(sum(r["emergency_ok"] for r in red) / len(red), 3),
        "red_flag_missed": [f"{r['phrase']} ({r['voice']}, {r['rate']} wpm) heard as {r['heard']!r}" for r in red if not r["emergency_ok"]],
        "false_emergencies": [f"{r['phrase']} heard as {r['heard']!r}" for r in rows if not r["red_flag"] and r["intent"] == "red_flag"],
        "rejected_asked_again": sum(r["rejected"] for r in rows),
        "real_time_factor": round(decode_seconds / audio_seconds, 3),
        "reply_ready_seconds_short_answers": {
            "median": round(statistics.median(short), 3), "max": round(max(short), 3),
        },
        "reply_ready_seconds_all": {p: round(s, 3) for p, s in latencies[:3]},
        "rows": rows,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(f"{report['utterances']} utterances ({report['phrases']} phrases x {len(VOICES)} voices x {len(RATES)} speeds)")
    print(f"word error rate                {report['word_error_rate']:.1%}")
    print(f"intent accuracy after speech   {report['intent_accuracy']:.1%}")
    print(f"red flags reaching emergency   {report['red_flag_reached_emergency']:.1%} of {len(red)}")
    for miss in report["red_flag_missed"]:
        print(f"    missed: {miss}")
    print(f"false emergencies              {len(report['false_emergencies'])}")
    print(f"asked again (rejected)         {report['rejected_asked_again']}")
    print(f"recogniser real-time factor    {report['real_time_factor']}")
    print(f"reply audio ready after a short answer: median {report['reply_ready_seconds_short_answers']['median']} s, "
          f"max {report['reply_ready_seconds_short_answers']['max']} s (target 1.0 s)")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
