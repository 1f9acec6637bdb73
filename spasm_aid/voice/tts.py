"""Speech output with pyttsx3 (espeak-ng on Linux), to WAV files or the speaker.

One utterance per runAndWait(): queueing several is a known source of lost speech.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Optional

logger = logging.getLogger(__name__)

NORMAL_RATE = 165  # words per minute
SLOW_RATE = 125  # after "slower", and for the emergency message
RATE_STEP = 20
MIN_RATE, MAX_RATE = 100, 220


class SpeechError(RuntimeError):
    pass


class Speaker:
    def __init__(self, rate: int = NORMAL_RATE, voice: Optional[str] = None) -> None:
        try:
            import pyttsx3

            self.engine = pyttsx3.init()
        except Exception as error:  # the library or libespeak-ng1 is missing
            raise SpeechError(
                f"Speech output is not available ({error}). On Debian: apt-get install libespeak-ng1 "
                f"espeak-ng (make does this)."
            ) from error
        self.lock = threading.Lock()
        self.rate = rate
        if voice:
            self.engine.setProperty("voice", voice)

    def set_rate(self, rate: int) -> int:
        self.rate = max(MIN_RATE, min(MAX_RATE, rate))
        return self.rate

    def to_file(self, text: str, path: Path, rate: Optional[int] = None) -> Path:
        with self.lock:
            self.engine.setProperty("rate", rate or self.rate)
            self.engine.save_to_file(text, str(path))
            self.engine.runAndWait()
        if not Path(path).exists() or Path(path).stat().st_size <= 44:
            raise SpeechError(f"no audio was written to {path}")
        return Path(path)

    def say(self, text: str, rate: Optional[int] = None) -> None:
        with self.lock:
            self.engine.setProperty("rate", rate or self.rate)
            self.engine.say(text)
            self.engine.runAndWait()
