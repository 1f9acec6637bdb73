"""How fast the voice connector answers (part of make voice-eval): from the end of speech (the
whole recording is in the request) to the reply audio in hand, for short answers and sentences
one speaker at a time, and with 10 speakers talking at once (each sends a sentence at the same
moment). A served assistant (Rasa and action server) with SPASM_AID_VOICE_RECOGNISERS
recognisers answers; speech is made by espeak-ng and Flite.

Writes reports/voice-latency.json.

    python -m tools.evaluation.voice_latency [--recognisers 2] [--speakers 10]
"""
from __future__ import annotations

import argparse
import concurrent.futures
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Sequence

from spasm_aid.client import request_json
from spasm_aid.paths import ROOT
from tools import report as reports
from tools.evaluation import synthesisers

SENTENCES = ("my back just spasmed", "should i use ice or heat", "what can i take for the pain",
             "i can't feel my legs", "how long will this last", "when should i see a doctor")
SHORT_ANSWERS = ("yes", "no", "not sure")
ROUNDS = 3


def speech(text: str, voice: str = "flite-slt") -> bytes:
    return synthesisers.speak_wav(voice, text)


def answer_seconds(port: int, sender: str, recording: bytes) -> float:
    """Seconds from sending a whole recording (the end of speech) to the reply with its audio."""
    started = time.perf_counter()
    status, body = request_json(f"http://127.0.0.1:{port}/webhooks/voice/webhook?sender={sender}", recording,
                                "audio/wav", timeout=120)
    elapsed = time.perf_counter() - started
    if status != 200 or not (body or {}).get("audio_wav_base64"):
        raise RuntimeError(f"the voice connector answered {status} without reply audio: {body}")
    return elapsed


def percentiles(values: Sequence[float]) -> Dict[str, float]:
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)

    return {"median": round(statistics.median(ordered), 3), "p95": at(0.95), "max": round(ordered[-1], 3), "n": len(ordered)}


def measure(port: int, speakers: int) -> dict:
    sentences = {text: speech(text) for text in SENTENCES}
    answers = {text: speech(text) for text in SHORT_ANSWERS}
    opening = speech("my back just spasmed")
    # warm up: the first utterance loads the recognisers
    answer_seconds(port, f"latency-{uuid.uuid4().hex[:8]}", opening)

    one_sentence: List[float] = []
    by_sentence: Dict[str, List[float]] = {text: [] for text in sentences}
    one_answer: List[float] = []
    for _ in range(ROUNDS):
        for text, recording in sentences.items():
            by_sentence[text].append(answer_seconds(port, f"latency-{uuid.uuid4().hex[:8]}", recording))
            one_sentence.append(by_sentence[text][-1])
        for recording in answers.values():
            sender = f"latency-{uuid.uuid4().hex[:8]}"
            answer_seconds(port, sender, opening)  # now a yes/no question is pending
            one_answer.append(answer_seconds(port, sender, recording))

    at_once: List[float] = []
    walls: List[float] = []
    recordings = list(sentences.values())
    for round_ in range(ROUNDS):
        batch = [recordings[(round_ + n) % len(recordings)] for n in range(speakers)]
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(speakers) as pool:
            at_once += list(pool.map(lambda r: answer_seconds(port, f"latency-{uuid.uuid4().hex[:8]}", r), batch))
        walls.append(time.perf_counter() - started)
    return {
        "one_speaker_sentence_seconds": percentiles(one_sentence),
        # which sentences set the tail (the second look when the recognisers disagree, the long
        # emergency message to synthesise)
        "one_speaker_by_sentence_median_seconds": {text: round(statistics.median(times), 3)
                                                   for text, times in by_sentence.items()},
        "one_speaker_short_answer_seconds": percentiles(one_answer),
        f"{speakers}_speakers_at_once_seconds": percentiles(at_once),
        f"{speakers}_speakers_all_answered_after_seconds": percentiles(walls),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "spasm-aid.tar.gz"))
    parser.add_argument("--out", default=str(ROOT / "reports" / "voice-latency.json"))
    parser.add_argument("--recognisers", type=int, nargs="+", default=[1, 2],
                        help="pool sizes to measure (SPASM_AID_VOICE_RECOGNISERS)")
    parser.add_argument("--speakers", type=int, default=10)
    args = parser.parse_args(argv)
    from tools.evaluation.conversations import RASA_PORT, Served

    pools: Dict[str, dict] = {}
    for size in args.recognisers:
        with tempfile.TemporaryDirectory(prefix="spasm-aid-voice-latency-") as tmp:
            with Served(Path(tmp), Path(args.model), {"SPASM_AID_VOICE_RECOGNISERS": str(size)}):
                pools[str(size)] = measure(RASA_PORT, args.speakers)
        print(f"{size} recogniser(s):")
        for name, value in pools[str(size)].items():
            if "median" not in value:
                print(f"  {name}: {value}")
                continue
            print(f"  {name:45} median {value['median']} s, p95 {value['p95']} s, max {value['max']} s (n={value['n']})")
    reports.write_report(Path(args.out), {
        "what": "end of speech (whole recording sent) to reply audio in hand, voice connector, Flite slt voice; "
                "reply audio synthesised by pyttsx3/espeak-ng",
        "pools": pools})
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
