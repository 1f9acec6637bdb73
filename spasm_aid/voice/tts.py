"""Speech output with pyttsx3 (espeak-ng on Linux), to WAV files or the speaker.

One utterance per runAndWait(): queueing several is a known source of lost speech.
"""
from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import threading
import wave
from pathlib import Path
from typing import Optional

logger = logging.getLogger(__name__)

NORMAL_RATE = 165  # words per minute
SLOW_RATE = 125  # after "slower", and for the emergency message
RATE_STEP = 20
MIN_RATE, MAX_RATE = 100, 220


class SpeechError(RuntimeError):
    pass


def _has_audio(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 44  # more than a WAV header


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
        self.voice = voice
        if voice:
            self.engine.setProperty("voice", voice)

    def set_rate(self, rate: int) -> int:
        self.rate = max(MIN_RATE, min(MAX_RATE, rate))
        return self.rate

    def _part_to_file(self, text: str, path: Path, rate: int) -> None:
        for _ in range(2):  # a part that comes out empty is tried once more
            with self.lock:
                self.engine.setProperty("rate", rate)
                self.engine.save_to_file(text, str(path))
                self.engine.runAndWait()
            if _has_audio(path):
                return
        # pyttsx3's espeak driver now and then saves an empty file (seen once in about 3,000
        # test runs, under load); the espeak-ng program makes the same voice's audio on its own
        logger.warning("pyttsx3 wrote no audio for %r; using the espeak-ng program instead.", text)
        self._part_with_espeak_program(text, path, rate)
        if not _has_audio(path):
            raise SpeechError(f"the speech engine wrote no audio for {text!r}")

    def _part_with_espeak_program(self, text: str, path: Path, rate: int) -> None:
        program = shutil.which("espeak-ng") or shutil.which("espeak")
        if program is None:
            raise SpeechError(f"the speech engine wrote no audio for {text!r}, and no espeak-ng program was "
                              f"found to try instead (apt-get install espeak-ng; make does this).")
        command = [program, "-w", str(path), "-s", str(rate)]
        if self.voice:
            command += ["-v", self.voice.rsplit("/", 1)[-1]]
        try:
            subprocess.run(command + ["--", text], check=True, capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError) as error:
            raise SpeechError(f"the speech engine wrote no audio for {text!r}, nor did {program} ({error})") from error

    def to_file(self, text: str, path: Path, rate: Optional[int] = None, pause: float = 0.3) -> Path:
        """Speak `text` into one WAV file, a breath-sized part per utterance.

        pyttsx3 loses long utterances (runAndWait can return before a long text is saved), so
        each part is synthesised on its own and the parts are joined with short pauses.
        """
        from spasm_aid.voice.speakable import breath_parts

        parts = breath_parts(text) or ["."]
        path = Path(path)
        with tempfile.TemporaryDirectory(prefix="spasm-aid-tts-") as tmp:
            files = []
            for index, part in enumerate(parts):
                part_path = Path(tmp) / f"{index}.wav"
                self._part_to_file(part, part_path, rate or self.rate)
                files.append(part_path)
            with wave.open(str(files[0])) as first:
                params = first.getparams()
            silence = b"\x00" * int(params.framerate * pause) * params.sampwidth * params.nchannels
            with wave.open(str(path), "wb") as out:
                out.setparams(params)
                for index, part_path in enumerate(files):
                    with wave.open(str(part_path)) as part_wav:
                        out.writeframes(part_wav.readframes(part_wav.getnframes()))
                    if index < len(files) - 1:
                        out.writeframes(silence)
        return path

    def say(self, text: str, rate: Optional[int] = None) -> None:
        with self.lock:
            self.engine.setProperty("rate", rate or self.rate)
            self.engine.say(text)
            self.engine.runAndWait()
