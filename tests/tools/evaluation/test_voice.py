"""Word error rate as the voice evaluation counts it."""
from tools.evaluation.voice import PHRASES, wer


def test_word_error_rate():
    assert wer("i can't feel my legs", "i can't feel my legs") == (0, 5)
    assert wer("i can't feel my legs", "i can feel my legs") == (1, 5)
    assert wer("help", "") == (1, 1)
    assert wer("yes", "yes no") == (1, 1)


def test_the_phrase_set_is_big_enough_and_covers_every_emergency_flag():
    assert len(PHRASES) >= 40
    said = " ".join(p for p, _ in PHRASES)
    for words in ("feel my legs", "wet myself", "groin", "fell", "chest pain", "drooping", "help"):
        assert words in said


def test_held_out_sets_share_no_phrase_with_the_tuning_set():
    from tools.evaluation.voice import HELD_OUT_SETS, VOICES

    tuning = {p for p, _ in PHRASES}
    for name, phrases, voices, _ in HELD_OUT_SETS:
        assert not tuning & {p for p, _ in phrases}, name
        assert not set(VOICES) & set(voices), name
        assert sum(red for _, red in phrases) >= 12, name


def test_the_judge_counts_what_the_second_recogniser_adds(guard):
    from spasm_aid.voice.asr import Recognition
    from tools.evaluation.voice import Judge

    class Recogniser:
        def recognise(self, pcm, expect_yes_no=False, names_emergency=None):
            return Recognition("i go to throat you pain in my cat", "i go to throat you pain in my cat", "open",
                               alternative="i've got a crushing pain in my chest")

    def parse(text):
        return {"intent": {"name": "red_flag" if guard.detect(text).is_emergency else "out_of_scope"}}

    row = Judge(Recogniser(), parse, lambda text: guard.detect(text).is_emergency).row("i've got a crushing pain in my chest", b"")
    assert row["outcome"] == "emergency" and row["safe"]
    assert row["outcome_pocketsphinx_alone"] == "out_of_scope"
    assert row["sent"] == "i've got a crushing pain in my chest"
    assert row["outcome_without_spotting"] == "emergency"  # nothing was spotted


def test_the_judge_counts_what_spotting_adds(guard):
    from spasm_aid.voice.asr import Recognition
    from tools.evaluation.voice import Judge

    class Recogniser:
        def recognise(self, pcm, expect_yes_no=False, names_emergency=None):
            return Recognition("i lift my feel", "i lift my feel", "open", alternative="i will tell you", spotted="i wet myself")

    def parse(text):
        return {"intent": {"name": "red_flag" if guard.detect(text).is_emergency else "out_of_scope"}}

    row = Judge(Recogniser(), parse, lambda text: guard.detect(text).is_emergency).row("i wet myself", b"")
    assert row["outcome"] == "emergency" and row["sent"] == "i wet myself" and row["spotted"] == "i wet myself"
    assert row["outcome_without_spotting"] == "out_of_scope" and row["outcome_pocketsphinx_alone"] == "out_of_scope"


def test_the_benign_speech_set_is_every_example_but_the_red_flags():
    from tools.evaluation.voice import benign_training_phrases

    phrases = benign_training_phrases()
    intents = {intent for intent, _ in phrases}
    assert "red_flag" not in intents and {"urgent_flag", "affirm", "ask_ice_heat", "greet"} <= intents
    assert len(phrases) >= 500 and all(text and not text.startswith("-") for _, text in phrases)


def test_the_committed_voice_report_keeps_the_figures_and_the_rows_go_beside_it(tmp_path):
    from tools.evaluation.voice import write_report

    report = {"word_error_rate": 0.1, "rows": [{"phrase": "yes"}],
              "held_out": {"intent_accuracy": 0.9, "rows": [{"phrase": "no"}]}}
    write_report(report, tmp_path / "voice.json")
    import json

    summary = json.loads((tmp_path / "voice.json").read_text())
    assert {k: summary[k] for k in ("word_error_rate", "held_out")} == {"word_error_rate": 0.1, "held_out": {"intent_accuracy": 0.9}}
    assert "rows" not in json.dumps(summary) and {"measured_at", "commit", "machine"} <= set(summary)
    assert json.loads((tmp_path / "voice-utterances.json").read_text()) == {
        "tuning": [{"phrase": "yes"}], "held_out": [{"phrase": "no"}]}
