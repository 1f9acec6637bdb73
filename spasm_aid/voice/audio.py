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


UNKNOWN_FRAMES = 2**62  # libsndfile's count for a stream of unknown length is SF_COUNT_MAX


def wav_with_its_length(data: bytes) -> bytes:
    """A WAV whose data chunk says 0 bytes or more than it holds (written by a recorder that never
    went back to fill in the size, or cut short) with the size of the bytes it holds, so they are
    heard; anything else as it is."""
    import struct

    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return data
    offset = 12
    while offset + 8 <= len(data):
        chunk, size = data[offset:offset + 4], struct.unpack("<I", data[offset + 4:offset + 8])[0]
        if chunk == b"data":
            held = len(data) - offset - 8
            if size == 0 or size > held:
                fixed = bytearray(data)
                fixed[offset + 4:offset + 8] = struct.pack("<I", held - held % 2)
                fixed[4:8] = struct.pack("<I", len(data) - 8)
                return bytes(fixed)
            return data
        offset += 8 + size + size % 2
    return data


def read_audio(data: bytes, name: str = "the audio") -> bytes:
    """16 kHz mono 16-bit PCM from a recording: WAV in any common encoding (PCM 8-32 bit, float,
    A-law, mu-law, WAVE_FORMAT_EXTENSIBLE), FLAC or Ogg, read with libsndfile (soundfile)."""
    import io

    import numpy as np
    import soundfile

    data = wav_with_its_length(data)
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
    too_long = RecognitionError(f"{name} is longer than {MAX_AUDIO_SECONDS} seconds; say it in a few words.")
    limit = MAX_AUDIO_SECONDS * info.samplerate
    # a stream written before its length was known (a FLAC whose header gives no sample count) is
    # read up to the limit, not refused
    unknown = info.frames >= UNKNOWN_FRAMES
    if info.frames > limit and not unknown:
        raise too_long
    if unknown:  # libsndfile cannot read past a length it does not know: FFmpeg's decoder, bounded
        return _decode_unknown_length(data, name, too_long)
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


def _decode_unknown_length(data: bytes, name: str, too_long: RecognitionError) -> bytes:
    """16 kHz mono 16-bit PCM from a stream whose header gives no length (a FLAC written live),
    decoded with PyAV (FFmpeg; it comes with faster-whisper) and stopped at MAX_AUDIO_SECONDS."""
    import io

    import av
    import numpy as np

    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    chunks, total, limit = [], 0, MAX_AUDIO_SECONDS * SAMPLE_RATE
    try:
        with av.open(io.BytesIO(data), mode="r", metadata_errors="ignore") as container:
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    total += chunk.size
                    if total > limit:
                        raise too_long
                    chunks.append(chunk)
            chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    except (av.FFmpegError, ValueError, IndexError) as error:
        raise RecognitionError(f"{name} could not be decoded: {error}") from error
    return np.concatenate(chunks).astype("<i2").tobytes() if chunks else b""


def read_wav(path: Path) -> bytes:
    """16 kHz mono 16-bit PCM from a recording file (see read_audio)."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise RecognitionError(f"{path} could not be read: {error}") from error
    return read_audio(data, str(path))
