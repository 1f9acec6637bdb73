"""How well the audio tells "can" from "can't" (and "are" from "aren't", "was" from "wasn't"...):
the figures behind spasm_aid.voice.dialogue's EMERGENCY_DOUBT_MARGIN and BENIGN_DOUBT_MARGIN.

Minimal pairs, each a red flag resting on an auxiliary and the same words with it negated (or
not), written for this check and kept apart from the voices-and-rooms phrases
(tools/evaluation/voice_rooms.py), are spoken by espeak-ng in the tuning voices and speeds
(tools/evaluation/voice.py's VOICES and RATES). For each utterance and each text heard with an
auxiliary, the second recogniser scores the text and its flip against the audio
(Recognition.contrasts): the gain is how much better the flip fits. Printed: every utterance's
gains, and what each margin would do (questions asked of red flags heard right, of look-alikes
heard right, and mishearings caught). Writes reports/negation-contrast.json.

    python -m tools.evaluation.negation_contrast
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Tuple

from spasm_aid.paths import ROOT
from tools import report as reports

# (red flag, its look-alike): one auxiliary apart
PAIRS: List[Tuple[str, str]] = [
    ("i can't feel my feet", "i can feel my feet"), ("i can't wee", "i can wee"), ("i can't walk", "i can walk"),
    ("my legs are numb", "my legs aren't numb"), ("i was hit by a car", "i wasn't hit by a car"),
    ("my arm is weak", "my arm isn't weak"), ("i did fall over", "i didn't fall over"),
    ("i can't control my bladder", "i can control my bladder"), ("i can't breathe properly", "i can breathe properly"),
    ("my mouth is drooping", "my mouth isn't drooping"), ("i have lost control of my bowels", "i haven't lost control of my bowels"),
    ("my words are slurred", "my words aren't slurred"), ("i had a fall on the ice", "i haven't had a fall on the ice"),
    ("i fell off the sofa", "i didn't fall off the sofa"),
]


def main(argv=None, recognizer=None) -> int:
    import argparse

    from spasm_aid.voice.asr import Recognizer
    from spasm_aid.voice.dialogue import emergency_detector
    from tools.evaluation.voice import RATES, VOICES, synthesise

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "reports" / "negation-contrast.json"))
    args = parser.parse_args(argv)
    names_emergency = emergency_detector()
    recognizer = recognizer or Recognizer()
    rows: List[Dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="spasm-aid-contrast-") as tmp:
        for red, benign in PAIRS:
            for phrase, is_red in ((red, True), (benign, False)):
                for voice in VOICES:
                    for rate in RATES:
                        wav = synthesise(phrase, voice, rate, Path(tmp) / "say.wav")
                        result = recognizer.recognise_file(wav)
                        rows.append({
                            "phrase": phrase, "red_flag": is_red, "voice": voice, "rate": rate,
                            "heard": result.text, "alternative": result.alternative,
                            "contrasts": [
                                {"text": text, "flip": other, "gain": gain, "text_is_emergency": names_emergency(text),
                                 "flip_is_emergency": names_emergency(other)}
                                for text, other, gain in result.contrasts
                            ],
                        })
                        print(f"{phrase!r:45} {voice:9} {rate}: {result.text!r} / {result.alternative!r} "
                              + "; ".join(f"{c['flip']!r} {c['gain']:+.2f}" for c in rows[-1]["contrasts"]), flush=True)
    # what each margin would do
    summary = {}
    for margin in (0.0, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0):
        emergency_doubted = {"red_heard_right": 0, "lookalike_misheard_as_red": 0}
        benign_doubted = {"lookalike_heard_right": 0, "red_misheard_as_lookalike": 0}
        for row in rows:
            for c in row["contrasts"]:
                if c["text_is_emergency"] and not c["flip_is_emergency"] and c["gain"] >= -margin:
                    emergency_doubted["red_heard_right" if row["red_flag"] else "lookalike_misheard_as_red"] += 1
                if not c["text_is_emergency"] and c["flip_is_emergency"] and c["gain"] >= -margin:
                    benign_doubted["red_misheard_as_lookalike" if row["red_flag"] else "lookalike_heard_right"] += 1
        summary[str(margin)] = {"emergency_words_doubted": emergency_doubted, "other_words_doubted": benign_doubted}
        print(f"margin {margin}: emergency words doubted {emergency_doubted}; other words doubted {benign_doubted}")
    out = reports.write_report(Path(args.out), {"pairs": len(PAIRS), "utterances": len(rows), "margins": summary, "rows": rows})
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
