"""The second recogniser (Whisper tiny.en): installed from the lock file, offline, and hearing
red flags that pocketsphinx loses in some voices."""
import hashlib
import shutil
import uuid

import pytest

from spasm_aid.voice import second_recogniser
from spasm_aid.voice.second_recogniser import (
    MODEL_SHA256,
    Hearing,
    SecondRecogniser,
    SecondRecogniserError,
    model_dir,
    red_flag_phrases,
    spoken_form,
    words_of,
)


@pytest.fixture(scope="module")
def listener():
    return SecondRecogniser()


def test_the_model_files_are_the_pinned_ones():
    digest = hashlib.sha256()
    with open(model_dir() / "model.bin", "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    assert digest.hexdigest() == MODEL_SHA256


def test_every_model_file_is_checked_and_a_changed_one_is_refused(tmp_path):
    from spasm_aid.voice.second_recogniser import MODEL_FILES_SHA256, verified_model_dir

    assert verified_model_dir() == model_dir()
    for name in MODEL_FILES_SHA256:
        if name != "model.bin":  # a copy of the small files; the weights linked
            (tmp_path / name).write_bytes((model_dir() / name).read_bytes())
    (tmp_path / "model.bin").symlink_to(model_dir() / "model.bin")
    assert verified_model_dir(tmp_path) == tmp_path
    (tmp_path / "tokenizer.json").write_text("{}")  # a changed tokenizer, not only changed weights
    with pytest.raises(SecondRecogniserError, match="tokenizer.json is missing or not the pinned file"):
        verified_model_dir(tmp_path)
    (tmp_path / "tokenizer.json").write_bytes((model_dir() / "tokenizer.json").read_bytes())
    (tmp_path / "extra.json").write_text("{}")
    with pytest.raises(SecondRecogniserError, match="not pinned"):
        verified_model_dir(tmp_path)


def test_a_missing_model_package_gives_a_clear_error(monkeypatch):
    monkeypatch.setattr(second_recogniser, "MODEL_PACKAGE", "no_such_model_package")
    with pytest.raises(SecondRecogniserError, match="make setup"):
        model_dir()


def test_sentences_become_plain_lower_case_words():
    assert words_of("I can't pee. Help!") == "i can't pee help"
    assert words_of("I can’t feel my legs…") == "i can't feel my legs"
    assert words_of("") == ""


def test_silence_and_tiny_input_give_no_words(listener):
    assert listener.transcribe(b"") == ""
    assert listener.transcribe(b"\x01") == ""
    assert listener.transcribe(b"\x00\x00" * 1000) == ""


@pytest.mark.skipif(shutil.which("espeak-ng") is None or shutil.which("sox") is None,
                    reason="espeak-ng and sox make the test speech: run 'make test' (it installs them)")
def test_it_hears_a_red_flag_pocketsphinx_loses(listener, guard, tmp_path):
    from spasm_aid.voice.audio import read_wav
    from tools.evaluation.voice import synthesise

    # pocketsphinx hears this as "on it go to a little really it" (reports/voice.json)
    wav = synthesise("i can't go to the toilet", "en-gb", 150, tmp_path / f"{uuid.uuid4().hex[:8]}.wav")
    heard = listener.transcribe(read_wav(wav))
    assert guard.detect(heard).is_emergency, heard


@pytest.mark.skipif(shutil.which("espeak-ng") is None or shutil.which("sox") is None,
                    reason="espeak-ng and sox make the test speech: run 'make test' (it installs them)")
def test_the_same_audio_gives_the_same_words_whatever_came_before(listener, tmp_path):
    from spasm_aid.voice.audio import read_wav
    from tools.evaluation.voice import synthesise

    # hard for it (garbled each time), so a random re-decoding would show
    hard = read_wav(synthesise("should i have a hot bath", "en-us+m3", 150, tmp_path / "a.wav"))
    other = read_wav(synthesise("a car hit me", "en-us+m3", 150, tmp_path / "b.wav"))
    first = listener.transcribe(hard)
    listener.transcribe(other)
    assert [listener.transcribe(hard) for _ in range(8)] == [first] * 8


def test_typed_examples_are_scored_in_written_english():
    assert spoken_form("i cant feel my legs") == "I can't feel my legs."
    assert spoken_form("im numb and ive fallen") == "I'm numb and I've fallen."
    assert spoken_form("its an emergency") == "It's an emergency."
    assert spoken_form("help!") == "Help!"


def test_the_phrases_listened_for_are_the_red_flag_examples_and_all_name_an_emergency(guard):
    from spasm_aid.training_data import examples

    phrases = red_flag_phrases()
    assert len(phrases) >= 0.9 * len([text for intent, text in examples() if intent == "red_flag"])  # only spellings merge
    assert "I wet myself." in phrases and "I can't pass water." in phrases
    # a spotted phrase must route up when the assistant reads it
    assert [p for p in phrases if not guard.detect(words_of(p)).is_emergency] == []


def test_unreadable_red_flag_data_names_the_file(tmp_path):
    bad = tmp_path / "red_flags.yml"
    bad.write_text("nlu:\n- intent: greet\n  examples: |\n    - hi\n")
    with pytest.raises(SecondRecogniserError, match="red_flags.yml.*red_flag intent"):
        red_flag_phrases(bad)
    bad.write_text(": : :\n\x00")
    with pytest.raises(SecondRecogniserError, match="red_flags.yml"):
        red_flag_phrases(bad)


def test_silence_gives_nothing_spotted(listener):
    assert listener.hear(b"") == Hearing("", "")
    assert listener.hear(b"\x00\x00" * 1000) == Hearing("", "")
    assert listener.hear(b"\x00\x00" * 16000) == Hearing("", "")  # a second of digital silence


@pytest.mark.skipif(shutil.which("espeak-ng") is None or shutil.which("sox") is None,
                    reason="espeak-ng and sox make the test speech: run 'make test' (it installs them)")
def test_a_red_flag_lost_by_decoding_is_spotted_and_benign_speech_is_not(listener, tmp_path):
    from spasm_aid.voice.audio import read_wav
    from tools.evaluation.voice import synthesise

    # decoded as "i will tell you"; both recognisers' words lose it (reports/voice.json)
    lost = listener.hear(read_wav(synthesise("i wet myself", "en-us+f3", 170, tmp_path / "a.wav")))
    assert "wet" not in lost.words and lost.spotted == "i wet myself", lost
    for phrase, voice in [("what can i take for the pain", "en-us"), ("my legs are fine", "en-gb"),
                          ("i need to go to the bathroom", "en-us+m1"), ("i'm lying on the floor", "en-gb")]:
        benign = listener.hear(read_wav(synthesise(phrase, voice, 150, tmp_path / "b.wav")))
        assert benign.spotted == "", (phrase, benign)


@pytest.mark.skipif(shutil.which("espeak-ng") is None or shutil.which("sox") is None,
                    reason="espeak-ng and sox make the test speech: run 'make test' (it installs them)")
def test_the_audio_tells_which_of_can_and_cant_was_said_where_it_can(listener, tmp_path):
    # reports/negation-contrast.json: pocketsphinx hears "i can't control my bladder" for "i can
    # control my bladder" in both tuning voices; the audio fits the words actually said better
    from spasm_aid.voice.audio import read_wav
    from tools.evaluation.voice import synthesise

    said_can = read_wav(synthesise("i can control my bladder", "en-us", 130, tmp_path / "a.wav"))
    listener.hear(said_can)
    (gain,) = listener.contrast(said_can, [("i can't control my bladder", "i can control my bladder")])
    assert gain > 0, gain  # "can" fits better than the "can't" misheard
    said_is = read_wav(synthesise("my arm is weak", "en-us", 130, tmp_path / "b.wav"))
    (gain,) = listener.contrast(said_is, [("my arm is weak", "my arm isn't weak")])  # not heard first: encoded anew
    assert gain < 0, gain


def test_another_models_files_are_checked_against_its_own_pins(tmp_path):
    # tools/evaluation/whisper_models.py loads a larger Whisper with its own pins: tiny.en's files
    # under another model's pins are refused, with where the pinned files come from
    from spasm_aid.voice.second_recogniser import MODEL_FILES_SHA256, verified_model_dir

    other = {name: "0" * 64 for name in MODEL_FILES_SHA256}
    with pytest.raises(SecondRecogniserError, match="not the pinned file .*another package 1.0"):
        verified_model_dir(model_dir(), other, "another package 1.0")
