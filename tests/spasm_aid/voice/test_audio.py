"""Reading recordings (spasm_aid.voice.audio.read_audio, issue 14): the common WAV encodings are
converted, not refused, and a header that promises unbounded work is refused before decoding."""
import io
import wave

import numpy as np
import pytest
import soundfile

from spasm_aid.voice.audio import SAMPLE_RATE, RecognitionError, read_audio


def tone(rate, seconds=1.0, channels=1):
    t = np.arange(int(rate * seconds)) / rate
    samples = (0.3 * np.sin(2 * np.pi * 440 * t)).astype("float32")
    return np.stack([samples] * channels, axis=1) if channels > 1 else samples


def encoded(samples, rate, subtype, fmt="WAV"):
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, rate, subtype=subtype, format=fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "rate,subtype,channels,fmt",
    [(16000, "PCM_16", 1, "WAV"), (44100, "FLOAT", 1, "WAV"), (8000, "ALAW", 1, "WAV"), (8000, "ULAW", 1, "WAV"),
     (48000, "PCM_24", 2, "WAV"), (22050, "PCM_U8", 1, "WAV"), (16000, "PCM_16", 1, "FLAC"), (48000, "FLOAT", 2, "WAVEX")],
)
def test_common_encodings_become_one_second_of_16_khz_mono(rate, subtype, channels, fmt):
    pcm = read_audio(encoded(tone(rate, channels=channels), rate, subtype, fmt))
    samples = np.frombuffer(pcm, dtype="<i2")
    assert len(samples) == SAMPLE_RATE
    assert 0.2 * 32767 < np.abs(samples).max() < 0.4 * 32767  # the tone, not silence or clipping


def header_only_wav(rate, frames, channels=1):
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x01\x00" * frames * channels)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data,reason",
    [
        (header_only_wav(2, 6000), "sample rate of 2 Hz"),  # 12 KB that once cost 32 s and 3.7 GB
        (header_only_wav(1_000_000, 100), "sample rate"),
        (header_only_wav(8000, 100, channels=6), "channels"),
        (encoded(np.zeros(16000 * 61, dtype="float32"), 16000, "PCM_16"), "longer than 60 seconds"),
        (b"RIFF\x00\x00\x00\x00WAVEjunk", "not a readable"),
        (b"", "not a readable"),
    ],
)
def test_recordings_that_promise_unbounded_work_are_refused_before_decoding(data, reason, monkeypatch):
    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded a recording its header should have refused")

    monkeypatch.setattr(soundfile, "read", no_decoding)
    with pytest.raises(RecognitionError, match=reason):
        read_audio(data)


def test_16_khz_mono_16_bit_pcm_is_passed_on_bit_for_bit():
    samples = (np.arange(16000) % 2000 - 1000).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(samples.tobytes())
    assert read_audio(buffer.getvalue()) == samples.tobytes()


# --- headers that do not give the length (issue 31: these recordings were not heard) ----------
def _tone(seconds):
    return (np.sin(np.arange(int(seconds * SAMPLE_RATE)) / 5) * 8000).astype("<i2")


def test_a_wav_whose_data_size_was_never_filled_in_is_heard_whole():
    import struct

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(SAMPLE_RATE)
        w.writeframes(_tone(1).tobytes())
    for riff_size in (0, None):
        data = bytearray(buffer.getvalue())
        at = data.find(b"data")
        data[at + 4:at + 8] = struct.pack("<I", 0)
        if riff_size is not None:
            data[4:8] = struct.pack("<I", riff_size)
        assert read_audio(bytes(data)) == _tone(1).tobytes()


def _flac_without_length(samples):
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, SAMPLE_RATE, format="FLAC")
    data = bytearray(buffer.getvalue())
    # STREAMINFO's 36-bit total sample count (after "fLaC", the block header and 10 bytes): 0, unknown
    field = int.from_bytes(data[18:26], "big") & ~((1 << 36) - 1)
    data[18:26] = field.to_bytes(8, "big")
    return bytes(data)


def test_a_flac_with_an_unknown_sample_count_is_heard_and_still_bounded():
    assert read_audio(_flac_without_length(_tone(1))) == _tone(1).tobytes()
    with pytest.raises(RecognitionError, match="longer than 60 seconds"):
        read_audio(_flac_without_length(np.tile(_tone(1), 61)))
    with pytest.raises(RecognitionError, match="could not be decoded"):
        read_audio(_flac_without_length(_tone(1))[:200])
