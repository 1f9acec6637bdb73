"""Speech as real rooms deliver it: copies of a clean recording as a microphone across the room,
under background noise, and down a phone line would hear it. Each is reproducible (fixed
seeds), works on 16 kHz mono 16-bit PCM, and returns the same.

- far: the speaker about 3 m away in a furnished room: 20 dB quieter, with reverberation
  (a synthetic impulse response: the direct sound, then exponentially decaying diffuse echoes
  with RT60 0.6 s, darker as they decay), over the microphone's own hiss.
- noise: steady background noise (pink, like a fan or distant traffic) at 15 dB SNR, measured
  over the speech.
- phone: a telephone channel: band-limited to 300-3400 Hz, resampled to 8 kHz, 8-bit mu-law
  companding (G.711), and back to 16 kHz.
"""
from __future__ import annotations

from typing import Callable, Dict

import numpy as np

RATE = 16000
DEGRADATIONS = ("clean", "far", "noise", "phone")


def _samples(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float64) / 32768.0


def _pcm(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 32767 / 32768) * 32768.0).round().astype("<i2").tobytes()


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples ** 2))) if len(samples) else 0.0


def speech_level(samples: np.ndarray, frame: int = 320) -> float:
    """RMS over the frames that hold speech (within 30 dB of the loudest), not the pauses."""
    frames = samples[: len(samples) // frame * frame].reshape(-1, frame)
    if not len(frames):
        return _rms(samples)
    energy = np.sqrt(np.mean(frames ** 2, axis=1))
    voiced = frames[energy > energy.max() * 10 ** (-30 / 20)]
    return _rms(voiced.ravel())


def room_impulse_response(rt60: float = 0.6, seed: int = 11) -> np.ndarray:
    rng = np.random.default_rng(seed)
    length = int(rt60 * RATE)
    t = np.arange(length) / RATE
    tail = rng.standard_normal(length) * np.exp(-6.9 * t / rt60)  # -60 dB at rt60
    # walls absorb high frequencies first: smooth the tail more as it decays
    tail = np.convolve(tail, np.ones(4) / 4, mode="same")
    tail[: int(0.005 * RATE)] = 0.0  # the first reflections arrive after about 5 ms
    response = 0.25 * tail / np.sqrt(np.sum(tail ** 2))  # far away: the diffuse sound dominates
    response[0] = 0.08  # the direct path
    return response


def far(pcm: bytes, seed: int = 11) -> bytes:
    dry = _samples(pcm)
    wet = np.convolve(dry, room_impulse_response(seed=seed))[: len(dry) + RATE // 4]
    wet *= speech_level(dry) * 10 ** (-20 / 20) / max(speech_level(wet), 1e-9)
    hiss = np.random.default_rng(seed + 1).standard_normal(len(wet)) * 10 ** (-66 / 20)
    return _pcm(wet + hiss)


def pink_noise(length: int, seed: int) -> np.ndarray:
    spectrum = np.fft.rfft(np.random.default_rng(seed).standard_normal(length))
    frequencies = np.fft.rfftfreq(length, 1 / RATE)
    spectrum[1:] /= np.sqrt(frequencies[1:])
    spectrum[0] = 0.0
    noise = np.fft.irfft(spectrum, n=length)
    return noise / max(_rms(noise), 1e-12)


def noise(pcm: bytes, snr_db: float = 15.0, seed: int = 13) -> bytes:
    speech = _samples(pcm)
    background = pink_noise(len(speech), seed) * speech_level(speech) * 10 ** (-snr_db / 20)
    return _pcm(speech + background)


def mu_law(samples: np.ndarray, mu: int = 255) -> np.ndarray:
    """8-bit mu-law companding, encoded and decoded (the quantisation G.711 adds)."""
    encoded = np.sign(samples) * np.log1p(mu * np.abs(samples)) / np.log1p(mu)
    quantised = np.round((encoded + 1) / 2 * 255) / 255 * 2 - 1
    return np.sign(quantised) * ((1 + mu) ** np.abs(quantised) - 1) / mu


def phone(pcm: bytes) -> bytes:
    from scipy.signal import butter, resample_poly, sosfiltfilt

    speech = _samples(pcm)
    band = sosfiltfilt(butter(6, [300, 3400], btype="bandpass", fs=RATE, output="sos"), speech)
    narrow = resample_poly(band, 1, 2)  # 8 kHz
    narrow *= 10 ** (-16 / 20) / max(np.max(np.abs(narrow)), 1e-9)  # a typical line level, no clipping
    return _pcm(resample_poly(mu_law(narrow), 2, 1))


APPLY: Dict[str, Callable[[bytes], bytes]] = {"clean": lambda pcm: pcm, "far": far, "noise": noise, "phone": phone}


def degrade(pcm: bytes, how: str) -> bytes:
    return APPLY[how](pcm)
