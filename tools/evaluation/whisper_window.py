"""Whisper's window: the second recogniser encodes only the speech (and a little after it)
instead of the 30 s window Whisper was trained on, which costs most of its time. Does that cost
words? Every phrase of make voice-eval's tuning and held-out sets (espeak-ng) is transcribed both
ways; printed and written to reports/whisper-window.json: word error rate against what was said,
utterances whose words differ, and the encoder's time, per window.

    python -m tools.evaluation.whisper_window
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

from spasm_aid.paths import ROOT
from tools import report as reports

WINDOWS = (None, 300, 500, 750)  # encoder frames after the speech (None: the full 30 s window)


def main(argv=None) -> int:
    from spasm_aid.voice.audio import read_wav
    from spasm_aid.voice.second_recogniser import SecondRecogniser
    from tools.evaluation.voice import HELD_OUT_SETS, PHRASES, RATES, VOICES, synthesise, wer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "reports" / "whisper-window.json"))
    args = parser.parse_args(argv)
    listener = SecondRecogniser()
    spoken = [(p, v, r) for p, _ in PHRASES for v in VOICES for r in RATES]
    spoken += [(p, v, rate) for _, phrases, voices, rate in HELD_OUT_SETS for p, _ in phrases for v in voices]
    words: Dict[Optional[int], List[str]] = {w: [] for w in WINDOWS}
    seconds: Dict[Optional[int], List[float]] = {w: [] for w in WINDOWS}
    with tempfile.TemporaryDirectory(prefix="spasm-aid-window-") as tmp:
        for phrase, voice, rate in spoken:
            pcm = read_wav(synthesise(phrase, voice, rate, Path(tmp) / "say.wav"))
            for window in WINDOWS:
                started = time.perf_counter()
                words[window].append(listener.transcribe(pcm, context_frames=window))
                seconds[window].append(time.perf_counter() - started)
    summary = {}
    for window in WINDOWS:
        errors = total = 0
        for (phrase, _, _), heard in zip(spoken, words[window], strict=True):
            e, n = wer(phrase, heard)
            errors, total = errors + e, total + n
        differ = [f"{p!r} ({v}, {r}): {full!r} -> {mine!r}" for (p, v, r), full, mine in zip(spoken, words[None], words[window], strict=True)
                  if full != mine]
        name = "full_30s" if window is None else f"speech_plus_{window * 20}ms"
        summary[name] = {"word_error_rate": round(errors / total, 3), "utterances_whose_words_differ_from_full": len(differ),
                         "transcribe_seconds_median": round(statistics.median(seconds[window]), 3), "differ": differ}
        print(f"{name:22} WER {errors / total:.1%}, differ from full window {len(differ)}/{len(spoken)}, "
              f"median {statistics.median(seconds[window]):.3f} s")
        for line in differ:
            print(f"    {line}")
    out = reports.write_report(Path(args.out), {"utterances": len(spoken), "windows": summary})
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
