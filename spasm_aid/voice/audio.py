"""Recordings in: what a recording may be (checked from its header before any decoding, so the
work per request is bounded), and any common encoding converted to what the recognisers take,
16 kHz mono 16-bit PCM (libsndfile through soundfile, scipy for the sample rate)."""
from __future__ import annotations

from pathlib import Path

SAMPLE_RATE = 16000


class RecognitionError(RuntimeError):
    """A recording that cannot be heard (unreadable, out of bounds) or a recogniser that cannot load."""


# A 12 KB file whose header said 2 Hz once took 32 s and 3.7 GB to "recognise".
MIN_SAMPLE_RATE, MAX_SAMPLE_RATE = 8000, 96000
MAX_CHANNELS = 2
MAX_AUDIO_SECONDS = 60


def read_audio(data: bytes, name: str = "the audio") -> bytes:
    """16 kHz mono 16-bit PCM from a recording: WAV in any common encoding (PCM 8-32 bit, float,
    A-law, mu-law, WAVE_FORMAT_EXTENSIBLE), FLAC or Ogg, read with libsndfile (soundfile)."""
    import io

    import numpy as np
    import soundfile

    try:
        info = soundfile.info(io.BytesIO(data))
    except (RuntimeError, soundfile.LibsndfileError, TypeError, ValueError) as error:
        reason = str(error).rsplit(": ", 1)[-1]  # libsndfile's words, without the file object's repr
        raise RecognitionError(f"{name} is not a readable WAV, FLAC or Ogg recording ({reason}).") from error
    if not MIN_SAMPLE_RATE <= info.samplerate <= MAX_SAMPLE_RATE:
        raise RecognitionError(
            f"{name} has a sample rate of {info.samplerate} Hz; send {MIN_SAMPLE_RATE}-{MAX_SAMPLE_RATE} Hz (16000 is best)."
        )
    if not 1 <= info.channels <= MAX_CHANNELS:
        raise RecognitionError(f"{name} has {info.channels} channels; send mono (or stereo).")
    if info.frames > MAX_AUDIO_SECONDS * info.samplerate:
        raise RecognitionError(f"{name} is longer than {MAX_AUDIO_SECONDS} seconds; say it in a few words.")
    exact = info.samplerate == SAMPLE_RATE and info.channels == 1 and info.subtype == "PCM_16"
    try:
        samples, rate = soundfile.read(io.BytesIO(data), dtype="int16" if exact else "float32", always_2d=True,
                                       frames=info.frames)
    except (RuntimeError, soundfile.LibsndfileError, ValueError) as error:
        raise RecognitionError(f"{name} could not be decoded: {error}") from error
    if exact:  # what the recogniser wants already: the samples as they are, bit for bit
        return samples[:, 0].astype("<i2").tobytes()
    mono = samples.mean(axis=1)
    if rate != SAMPLE_RATE:
        from math import gcd

        from scipy.signal import resample_poly

        step = gcd(rate, SAMPLE_RATE)
        mono = resample_poly(mono, SAMPLE_RATE // step, rate // step)
    return np.round(np.clip(mono, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def read_wav(path: Path) -> bytes:
    """16 kHz mono 16-bit PCM from a recording file (see read_audio)."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise RecognitionError(f"{path} could not be read: {error}") from error
    return read_audio(data, str(path))
