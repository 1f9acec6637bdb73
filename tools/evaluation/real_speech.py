"""Real recorded speech, with its transcripts (part of make voice-eval, issue 17).

The only English recordings with transcripts found on the package registries are the test data
of pocketsphinx's own source package on PyPI (pocketsphinx 5.0.4, the recogniser this project
pins): five LibriVox readings of Sense and Sensibility (a woman reading aloud), a man reading
out playing cards and digits, and "go forward ten meters". People, not synthesisers, and a
microphone, not a file: voices and rooms nobody here tuned for. None of it is a red flag, so
each recording is judged as the voice layer would answer it at a conversation's start: the words
each recogniser heard (word error rate against the transcript) and whether the assistant would
give the emergency message (a false emergency).

The source package is downloaded once from PyPI (the registry these machines reach), checked
against its sha256 below and kept in var/cache/; nothing is downloaded when the assistant runs.

    python -m tools.evaluation.real_speech     # writes reports/voice-real-speech.json
"""
from __future__ import annotations

import argparse
import hashlib
import html
import re
import sys
import tarfile
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

from spasm_aid.paths import ROOT
from tools import report as reports

SOURCE = "pocketsphinx"
VERSION = "5.0.4"
ARCHIVE = f"pocketsphinx-{VERSION}.tar.gz"
ARCHIVE_SHA256 = "17d2971e998490def9554b6ba41886708422af5b4ae888723b1b077aab0fe8d4"
PYPI_INDEX = f"https://pypi.org/simple/{SOURCE}/"  # the registry's simple index (PEP 503)
CACHE = ROOT / "var" / "cache" / "real-speech"
DATA = f"pocketsphinx-{VERSION}/test/data/"
# Raw recordings (16 kHz 16-bit mono, no header) and what is said in them; the transcripts of
# the WAV folders are read from the package's own transcription files.
RAW = {"goforward.raw": "go forward ten meters"}
TRANSCRIBED = ("librivox/transcription", "cards/cards.transcription")


class RealSpeechError(RuntimeError):
    pass


@dataclass(frozen=True)
class Recording:
    name: str  # its path in the package's test data
    speaker: str  # which recording set: librivox, cards, goforward
    transcript: str
    pcm: bytes  # 16 kHz mono 16-bit


def archive_path(cache: Path = CACHE) -> Path:
    """The source package, downloaded from PyPI the first time and checked against its sha256."""
    path = cache / ARCHIVE
    if path.exists() and _sha256(path.read_bytes()) == ARCHIVE_SHA256:
        return path
    try:
        with urllib.request.urlopen(PYPI_INDEX, timeout=30) as reply:
            index = reply.read().decode("utf-8", "replace")
        found = re.search(r'href="([^"#]*/' + re.escape(ARCHIVE) + r')[#"]', index)
        if not found:
            raise ValueError(f"{PYPI_INDEX} lists no {ARCHIVE}")
        url = urllib.parse.urljoin(PYPI_INDEX, html.unescape(found.group(1)))
        with urllib.request.urlopen(url, timeout=120) as reply:
            data = reply.read()
    except (OSError, ValueError) as error:
        raise RealSpeechError(f"Could not download {ARCHIVE} from PyPI ({error}); the real-speech figures need it once.") from error
    if _sha256(data) != ARCHIVE_SHA256:
        raise RealSpeechError(f"{ARCHIVE} from PyPI does not match the pinned sha256 {ARCHIVE_SHA256}: not used.")
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def transcripts(text: str) -> Dict[str, str]:
    """{utterance id: words} from a Sphinx transcription file ("<s> words </s> (id)")."""
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line.endswith(")") or "(" not in line:
            continue
        words, _, name = line.rpartition("(")
        words = " ".join(w for w in words.split() if w not in ("<s>", "</s>"))
        out[name.rstrip(")").strip()] = words.lower()
    return out


def recordings(archive: Path) -> List[Recording]:
    """Every transcribed recording in the package's test data."""
    from spasm_aid.voice.audio import read_audio

    found: List[Recording] = []
    with tarfile.open(archive) as tar:
        def read(name: str) -> bytes:
            member = tar.extractfile(DATA + name)
            if member is None:
                raise RealSpeechError(f"{ARCHIVE} has no {DATA + name}")
            return member.read()

        for listing in TRANSCRIBED:
            folder = listing.split("/")[0]
            for name, words in sorted(transcripts(read(listing).decode("utf-8")).items()):
                path = f"{folder}/{name}.wav"
                found.append(Recording(path, folder, words, read_audio(read(path), path)))
        for name, words in RAW.items():
            found.append(Recording(name, name.split(".")[0], words, read(name)))
    return found


def evaluate(judge, items: List[Recording]) -> dict:
    """Per recording: what each recogniser heard, its word errors, the outcome; and the totals."""
    from tools.evaluation.voice import wer

    rows = []
    for item in items:
        row = judge.row(item.transcript, item.pcm)
        errors, words = wer(item.transcript, row["heard"])
        row.update(name=item.name, speaker=item.speaker, transcript=item.transcript, seconds=round(len(item.pcm) / 32000, 2),
                   pocketsphinx_word_errors=errors, words=words)
        if row["alternative"] is not None and len(item.pcm) / 32000 > 1.5:  # Whisper listens to sentences only
            row["whisper_word_errors"] = wer(item.transcript, row["alternative"] or "")[0]
        rows.append(row)
    words = sum(r["words"] for r in rows)
    whispered = [r for r in rows if "whisper_word_errors" in r]
    return {
        "source": f"{ARCHIVE} (PyPI, sha256 {ARCHIVE_SHA256[:12]}...): its test/data recordings with transcripts",
        "recordings": len(rows),
        "seconds": round(sum(r["seconds"] for r in rows), 1),
        "false_emergencies": sum(r["outcome"] == "emergency" for r in rows),
        "confirmation_questions": sum(r["outcome"] == "confirm" for r in rows),
        "asked_is_it_serious": sum(r["outcome"] == "check" for r in rows),
        "pocketsphinx_word_error_rate": round(sum(r["pocketsphinx_word_errors"] for r in rows) / words, 3) if words else None,
        "whisper_word_error_rate": (round(sum(r["whisper_word_errors"] for r in whispered) / sum(r["words"] for r in whispered), 3)
                                    if whispered else None),
        "rows": [{k: r[k] for k in ("name", "transcript", "heard", "alternative", "outcome", "seconds")} for r in rows],
    }


def main(argv: Optional[List[str]] = None, judge=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "spasm-aid.tar.gz"))
    parser.add_argument("--out", default=str(ROOT / "reports" / "voice-real-speech.json"))
    args = parser.parse_args(argv)
    try:
        items = recordings(archive_path())
    except RealSpeechError as error:
        print(error, file=sys.stderr)
        return 1
    if judge is None:
        from tools.evaluation.voice import make_judge

        judge = make_judge(Path(args.model))
    result = evaluate(judge, items)
    reports.write_report(Path(args.out), result)
    print(f"{result['recordings']} real recordings ({result['seconds']} s): false emergencies {result['false_emergencies']}, "
          f"confirmation questions {result['confirmation_questions']}; word error rate pocketsphinx "
          f"{result['pocketsphinx_word_error_rate']}, Whisper {result['whisper_word_error_rate']}")
    for row in result["rows"]:
        print(f"  {row['name']}: {row['transcript']!r} -> {row['heard']!r} / {row['alternative']!r} -> {row['outcome']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
