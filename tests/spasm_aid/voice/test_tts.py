"""Speech output (spasm_aid/voice/tts.py): a reply becomes audio even on the rare occasions
pyttsx3's espeak driver saves an empty file, and says clearly why when no audio can be made."""
from __future__ import annotations

import logging
import wave

import pytest

from spasm_aid.voice import tts

REPLY = "Time's up: take the pack off now, and let your skin recover before the next one."


def seconds(path) -> float:
    with wave.open(str(path)) as audio:
        return audio.getnframes() / audio.getframerate()


class SilentEngine:
    """pyttsx3 on a bad day: it says it saved the file, and the file holds only a header."""

    def setProperty(self, name, value):
        pass

    def save_to_file(self, text, path):
        self.path = path

    def runAndWait(self):
        with wave.open(self.path, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(22050)


def test_a_reply_is_spoken_into_a_file_of_a_few_seconds(tmp_path):
    path = tts.Speaker().to_file(REPLY, tmp_path / "reply.wav")
    assert 3 < seconds(path) < 12


def test_when_pyttsx3_saves_no_audio_the_espeak_program_speaks_the_reply(tmp_path, caplog):
    speaker = tts.Speaker()
    speaker.engine = SilentEngine()
    with caplog.at_level(logging.WARNING, logger="spasm_aid.voice.tts"):
        path = speaker.to_file(REPLY, tmp_path / "reply.wav")
    assert 3 < seconds(path) < 12
    assert "pyttsx3 wrote no audio" in caplog.text


def test_with_no_audio_and_no_espeak_program_the_error_says_what_to_install(tmp_path, monkeypatch):
    speaker = tts.Speaker()
    speaker.engine = SilentEngine()
    monkeypatch.setattr(tts.shutil, "which", lambda name: None)
    with pytest.raises(tts.SpeechError, match="apt-get install espeak-ng"):
        speaker.to_file(REPLY, tmp_path / "reply.wav")
