"""make voice-eval: how well spoken input is understood, and how fast a reply is ready.

Test phrases are spoken with espeak-ng in two voices and two speeds (made here, nothing is
downloaded), recognised offline (pocketsphinx, and the second recogniser that listens for
emergencies), and compared with what was said: word error rate, and, more important, whether the assistant's understanding (intent, and emergency routing for red flags)
is the same as for the typed phrase. Then a served assistant answers each recognised phrase and
the reply is synthesised: time from the end of speech to the reply audio being ready, and the
recogniser's real-time factor. Writes reports/voice.json (figures) and
reports/voice-utterances.json (every utterance: what each recogniser heard; not committed).

Each utterance ends in one outcome, as the voice layer would answer it: "emergency" (the
assistant's emergency message), "safety_reply" (speech too unclear to act on: "if something
serious is happening, call now, otherwise say it again"), "nlu_fallback" (the assistant did not
understand the words: its reply also says to call now if something serious is happening),
"rejected" (asked again), or the intent understood. A red flag is answered safely when the
next reply gives the number to call: one of the first three.
A held-out check uses phrasings and voices the recogniser was never tuned on. Every training
example that is not a red flag is spoken too, to count false emergencies in quantity. Each
utterance is also judged without the second recogniser, and without spotting, so the report
shows what each adds.

    python -m tools.evaluation.voice
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import wave
from dataclasses import replace
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from spasm_aid.paths import ROOT
from tools import report as reports

VOICES = ("en-us", "en-us+f3")
RATES = (130, 170)  # words per minute: slow and brisk

# (phrase, kind): kind "answer" is said while a yes/no question is pending.
PHRASES: List[Tuple[str, str]] = [
    ("my back just spasmed", "open"), ("i threw my back out", "open"), ("my back locked up", "open"),
    ("lower back cramp", "open"),
    ("yes", "answer"), ("yeah", "answer"), ("yep", "answer"), ("no", "answer"), ("nope", "answer"),
    ("nah", "answer"), ("not really", "answer"), ("no thanks", "answer"), ("i don't think so", "answer"),
    ("not sure", "answer"),
    ("help", "open"), ("help me", "open"), ("emergency", "open"), ("call an ambulance", "open"),
    ("i can't feel my legs", "open"), ("my legs are weak", "open"), ("i wet myself", "open"),
    ("i can't pee", "open"), ("my groin is numb", "open"), ("numbness around my bottom", "open"),
    ("i fell off a ladder", "open"), ("i was in a car crash", "open"), ("i have chest pain", "open"),
    ("i can't breathe properly", "open"), ("my face is drooping", "open"), ("my speech is slurred", "open"),
    ("repeat", "open"), ("say that again", "open"), ("slower", "open"), ("stop", "open"),
    ("should i use ice or heat", "open"), ("should i walk", "open"), ("what can i take for the pain", "open"),
    ("when should i see a doctor", "open"), ("how long will this last", "open"), ("what stretches can i do", "open"),
    ("how do i stop this happening again", "open"), ("what position should i lie in", "open"),
]


# Never used to tune anything: other wordings of the red flags (and benign look-alikes), spoken
# by voices outside VOICES, at one middle speed.
HELD_OUT_VOICES = ("en-gb", "en-us+m3", "en-us+f2")
HELD_OUT_RATE = 150
HELD_OUT_PHRASES: List[Tuple[str, bool]] = [  # (phrase, is a red flag)
    ("my legs have gone numb", True), ("i can't move my legs", True), ("i've lost control of my bladder", True),
    ("i can't go to the toilet", True), ("i'm numb between my legs", True), ("i fell down the stairs", True),
    ("a car hit me", True), ("my chest feels tight", True), ("i'm sweating and i feel faint", True),
    ("one side of my face has dropped", True), ("i can't lift my arm", True), ("please help me", True),
    ("it hurts when i bend over", False), ("can i take ibuprofen", False), ("i'm lying on the floor", False),
    ("should i have a hot bath", False), ("it started this morning", False), ("thank you", False),
]
# A second held-out check, written before the second recogniser was tried and never used to
# tune it (nor its spotting of red-flag phrases): new wordings of every red-flag group, benign
# look-alikes, and three more voices.
HELD_OUT_2_VOICES = ("en-us+m1", "en-us-nyc+f4", "en-gb-x-rp")
HELD_OUT_2_RATE = 140
HELD_OUT_2_PHRASES: List[Tuple[str, bool]] = [  # (phrase, is a red flag)
    ("i can't control my bladder", True), ("i've peed myself", True), ("i'm leaking urine", True),
    ("i haven't been able to pee since this morning", True), ("i have pins and needles between my legs", True),
    ("my inner thighs are numb", True), ("both my legs feel weak", True), ("my leg keeps giving way", True),
    ("i slipped and fell on the ice", True), ("i was hit by a car", True), ("i've got a crushing pain in my chest", True),
    ("i'm short of breath", True), ("i feel like i'm going to pass out", True), ("my arm has gone weak on one side", True),
    ("i can't speak properly", True), ("get me an ambulance", True),
    ("my lower back aches when i sit", False), ("is it okay to use a heat pad", False),
    ("how long should i keep the ice on", False), ("i need to go to the bathroom", False), ("my legs are fine", False),
    ("i walked to the kitchen", False), ("it's a little easier today", False), ("can i take paracetamol", False),
]
# Benign speech in quantity, for false emergencies: every training example of every intent but
# red_flag (the urgent flags included: they must not become emergencies either), in the two
# tuning voices in turn, at one speed.
TRAINING_RATE = 150


def benign_training_phrases() -> List[Tuple[str, str]]:
    """(intent, example) for every NLU example whose intent is not red_flag."""
    from spasm_aid.training_data import examples

    return [(intent, text) for intent, text in examples() if intent != "red_flag"]


HELD_OUT_SETS = (
    ("held_out", HELD_OUT_PHRASES, HELD_OUT_VOICES, HELD_OUT_RATE),
    ("held_out_2", HELD_OUT_2_PHRASES, HELD_OUT_2_VOICES, HELD_OUT_2_RATE),
)
# Outcomes whose reply tells the person to call the emergency number now (utter_emergency,
# utter_voice_unclear, utter_default and the confirmation question all do; a test checks the
# last three keep doing so). "confirm" ("Did you say ...?") and "check" ("Is something serious
# happening?"): one question that gives the number, after which yes, silence or an unclear answer
# gives the emergency message (spasm_aid.voice.dialogue.after_confirmation).
SAFE = ("emergency", "safety_reply", "nlu_fallback", "confirm", "check")
# the emergency message, at once or after one such question
QUESTIONED_UP = ("emergency", "confirm", "check")
# Replies that end with the safety net, which names the number and the signs (a misheard red flag
# often lands on them): a bare yes, no or not sure with no question pending (data/rules/
# control.yml: "yes outside a question"), and the closing replies to stop, thanks and feeling
# better (spasm_aid.emergency_message.CLOSING_RESPONSES; tests/spasm_aid/rasa_components/test_nlg.py
# checks they end with the net). Safe for a red flag said with no question pending, never counted
# as a safety reply for benign speech, and a yes or no is not safe as the answer to a question.
BARE_ANSWERS = ("affirm", "deny", "unsure")
CLOSING_INTENTS = ("stop", "thank", "feel_better")
NET_ENDED = BARE_ANSWERS + CLOSING_INTENTS


def answered_safely(outcome: str, expect_yes_no: bool) -> bool:
    """A red flag's outcome gives the number in the very next reply."""
    return outcome in SAFE or outcome in CLOSING_INTENTS or (not expect_yes_no and outcome in BARE_ANSWERS)


def wer(reference: str, hypothesis: str) -> Tuple[int, int]:
    """(word errors, reference words) by edit distance."""
    from spasm_aid.voice.asr import word_edits

    return word_edits(reference, hypothesis), len(reference.split())


def synthesise(text: str, voice: str, rate: int, out: Path) -> Path:
    raw = out.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(raw), text], check=True)
    # -R: repeatable dither (sox seeds it randomly otherwise, and the recogniser notices)
    subprocess.run(["sox", "-R", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(out)], check=True)
    raw.unlink()
    return out


class Judge:
    """How the voice layer would answer an utterance (the recogniser, then the assistant's NLU)."""

    def __init__(self, recognizer, parse: Callable[[str], dict], names_emergency: Callable[[str], bool],
                 denies: Optional[Callable[[str], bool]] = None) -> None:
        self.recognizer = recognizer
        self.parse = parse
        self.names_emergency = names_emergency
        self.denies = denies  # the guard's reading of words that deny a red flag
        self.understood_as: Dict[str, Optional[str]] = {}
        self.last_decision = None  # what the voice layer decided for the last row

    def intent(self, text: str) -> Optional[str]:
        if text not in self.understood_as:
            self.understood_as[text] = (self.parse(text).get("intent") or {}).get("name") if text else None
        return self.understood_as[text]

    def decision(self, result, expect_yes_no: bool = False):
        """What the voice layer decides (spasm_aid.voice.dialogue.decide)."""
        from spasm_aid.voice.dialogue import decide

        # the full NLU reads the second recogniser's words too, as in the voice connector
        return decide(result, self.names_emergency, lambda words: self.intent(words) == "red_flag", expect_yes_no,
                      self.denies)

    def outcome(self, result, expect_yes_no: bool = False) -> Tuple[Optional[str], str]:
        """(the text the assistant would get, the outcome)."""
        decision = self.decision(result, expect_yes_no)
        if decision.kind == "confirm":
            # "Is something serious happening ...? If so, call <number> now." (check) or
            # "Did you say ...? If you did, call <number> now." (confirm)
            return decision.text, "check" if decision.checks_for_emergency else "confirm"
        if decision.kind == "ask_again":
            return None, "rejected"
        if decision.kind == "unclear":
            return None, "safety_reply"
        intent = self.intent(decision.text)
        if intent == "red_flag_check":
            # the words sent get the reader's one safety question, which names the number and
            # whose yes or unclear answer gives the emergency message (spasm_aid/reader)
            return decision.text, "check"
        return decision.text, "emergency" if intent == "red_flag" else str(intent)

    def answered(self, asked, pcm: bytes) -> str:
        """The outcome when the question `asked` (a "confirm" Decision) is answered with this
        recording: "emergency", "asked again", or the intent the words sent are understood as."""
        from spasm_aid.voice.dialogue import after_confirmation

        then = after_confirmation(asked, self.recognizer.recognise(pcm, expect_yes_no=True, names_emergency=self.names_emergency), self.names_emergency)
        if then.kind != "send":
            return "asked again"
        intent = self.intent(then.text)
        return "emergency" if intent == "red_flag" or self.names_emergency(then.text) else str(intent)

    def row(self, phrase: str, pcm: bytes, expect_yes_no: bool = False) -> dict:
        result = self.recognizer.recognise(pcm, expect_yes_no=expect_yes_no, names_emergency=self.names_emergency)
        self.last_decision = self.decision(result, expect_yes_no)
        sent, outcome = self.outcome(result, expect_yes_no)
        # what pocketsphinx alone, and both recognisers without spotting, would have led to:
        # the second recogniser's share of the figures, and the spotter's
        _, alone = (self.outcome(replace(result, alternative="", second_look="", spotted="", contrasts=()), expect_yes_no)
                    if result.alternative or result.spotted else (sent, outcome))
        _, unspotted = self.outcome(replace(result, spotted=""), expect_yes_no) if result.spotted else (sent, outcome)
        _, unlooked = (self.outcome(replace(result, second_look="", spotted=""), expect_yes_no)
                       if result.second_look or result.spotted else (sent, outcome))
        expected = self.intent(phrase)
        return {
            "phrase": phrase, "heard": result.heard, "second_opinion": result.second_opinion, "sent": sent,
            "alternative": result.alternative, "second_look": result.second_look, "spotted": result.spotted,
            "outcome_pocketsphinx_alone": alone, "outcome_without_spotting": unspotted,
            "outcome_without_second_look": unlooked,
            "source": result.source, "outcome": outcome, "expected_intent": expected,
            "intent_ok": outcome == ("emergency" if expected == "red_flag" else expected),
            "red_flag": expected == "red_flag",
            "safe": expected != "red_flag" or answered_safely(outcome, expect_yes_no),
        }


def make_judge(model: Path, recognizer=None) -> Judge:
    """A Judge with both recognisers and the trained model's NLU (the same as the voice layer)."""
    from spasm_aid.voice.asr import Recognizer
    from spasm_aid.voice.dialogue import emergency_detector
    from spasm_aid.voice.second_recogniser import SecondRecogniser
    from tools.evaluation.nlu import ModelParser

    recognizer = recognizer or Recognizer(second=SecondRecogniser())
    detector = emergency_detector()
    return Judge(recognizer, ModelParser(model).parse, detector, detector.denies)


def split_rows(report: dict):
    """(the figures, the per-utterance rows by section): the figures are committed, the rows
    (about 18,000 lines) are written beside them and regenerated, not committed."""
    summary, rows = {}, {}
    for key, value in report.items():
        if key == "rows":
            rows["tuning"] = value
        elif isinstance(value, dict) and "rows" in value:
            summary[key] = {k: v for k, v in value.items() if k != "rows"}
            rows[key] = value["rows"]
        else:
            summary[key] = value
    return summary, rows


def write_report(report: dict, out: Path) -> None:
    summary, rows = split_rows(report)
    reports.write_report(out, summary)
    out.with_name(out.stem + "-utterances.json").write_text(json.dumps(rows, indent=2) + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "spasm-aid.tar.gz"))
    parser.add_argument("--out", default=str(ROOT / "reports" / "voice.json"))
    args = parser.parse_args(argv)

    from spasm_aid import settings
    from spasm_aid.voice import tts
    from spasm_aid.voice.asr import Recognizer
    from spasm_aid.voice.audio import read_wav
    from spasm_aid.voice.second_recogniser import SecondRecogniser
    from spasm_aid.voice.session import VoiceClient, VoiceSession
    from tools.evaluation import negation_contrast, real_speech, voice_latency, voice_rooms, whisper_window
    from tools.evaluation.conversations import RASA_PORT, Served, new_chat
    from tools.servers import rss_mb

    before = rss_mb(os.getpid())
    second = SecondRecogniser()
    with_whisper = rss_mb(os.getpid())
    recognizer = Recognizer(second=second)
    memory = {"whisper_mb": round(with_whisper - before), "pocketsphinx_mb": round(rss_mb(os.getpid()) - with_whisper)}
    judge = make_judge(Path(args.model), recognizer)

    rows, errors, words, decode_seconds, audio_seconds = [], 0, 0, 0.0, 0.0
    held_out: Dict[str, List[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="spasm-aid-voice-eval-") as tmp:
        for phrase, kind in PHRASES:
            for voice in VOICES:
                for rate in RATES:
                    path = synthesise(phrase, voice, rate, Path(tmp) / f"{uuid.uuid4().hex[:8]}.wav")
                    pcm = read_wav(path)
                    with wave.open(str(path)) as w:
                        audio_seconds += w.getnframes() / w.getframerate()
                    started = time.perf_counter()
                    row = judge.row(phrase, pcm, expect_yes_no=(kind == "answer"))
                    decode_seconds += time.perf_counter() - started
                    e, n = wer(phrase, row["heard"])
                    errors, words = errors + e, words + n
                    rows.append(dict(row, voice=voice, rate=rate))
        for name, phrases, voices, rate in HELD_OUT_SETS:
            held_out[name] = []
            for phrase, _ in phrases:
                for voice in voices:
                    pcm = read_wav(synthesise(phrase, voice, rate, Path(tmp) / f"{uuid.uuid4().hex[:8]}.wav"))
                    held_out[name].append(dict(judge.row(phrase, pcm), voice=voice, rate=rate))
        training = []
        for number, (intent, phrase) in enumerate(benign_training_phrases()):
            voice = VOICES[number % len(VOICES)]
            pcm = read_wav(synthesise(phrase, voice, TRAINING_RATE, Path(tmp) / f"{uuid.uuid4().hex[:8]}.wav"))
            training.append(dict(judge.row(phrase, pcm), intent=intent, voice=voice, rate=TRAINING_RATE))

        # Latency: the served assistant answers and the reply is synthesised.
        latencies = []
        with Served(Path(tmp) / "servers", Path(args.model)):
            # a red flag whose outcome is not known to give the number: does the served reply to
            # the words sent give it? (an out-of-scope or topic reply may)
            voice_rooms.replies_name_the_number(rows + [r for rows_ in held_out.values() for r in rows_],
                                                lambda text: new_chat().say(text), settings.emergency_number())
            speaker = tts.Speaker()
            for phrase, kind in [("my back just spasmed", "open"), ("no", "answer"), ("yes", "answer")] * 3:
                session = VoiceSession(VoiceClient(f"http://127.0.0.1:{RASA_PORT}", f"voice-eval-{uuid.uuid4().hex[:8]}"), recognizer, speaker)
                if kind == "answer":
                    session.turn(read_wav(synthesise("my back just spasmed", "en-us", 150, Path(tmp) / "o.wav")))
                pcm = read_wav(synthesise(phrase, "en-us", 150, Path(tmp) / "p.wav"))
                started = time.perf_counter()
                result = session.turn(pcm)
                session.speak_to_file(result, Path(tmp) / "reply.wav")
                latencies.append((phrase, time.perf_counter() - started))

    short = [s for p, s in latencies if p in ("yes", "no")]
    sentences = [s for p, s in latencies if p not in ("yes", "no")]

    def described(r: dict) -> str:
        return f"{r['phrase']} ({r['voice']}, {r['rate']} wpm) heard as {r['heard']!r} -> {r['outcome']}"

    def safety_figures(rows_: List[dict]) -> dict:
        red_, benign_ = [r for r in rows_ if r["red_flag"]], [r for r in rows_ if not r["red_flag"]]
        return {
            "red_flag_utterances": len(red_),
            # a confirmation question ("Did you say ...? If you did, call ...", or "Is something
            # serious happening? If so, call ...") counts: yes, silence or an unclear answer gives
            # the emergency message
            "red_flag_emergency_message": round(sum(r["outcome"] in QUESTIONED_UP for r in red_) / len(red_), 3),
            "red_flag_after_a_confirmation": sum(r["outcome"] == "confirm" for r in red_),
            "red_flag_after_is_it_serious": sum(r["outcome"] == "check" for r in red_),
            "benign_confirmation_questions": sum(r["outcome"] == "confirm" for r in benign_),
            "benign_asked_is_it_serious": sum(r["outcome"] == "check" for r in benign_),
            "red_flag_answered_safely": round(sum(r["safe"] for r in red_) / len(red_), 3),
            **{
                name: {
                    "red_flag_emergency_message": round(sum(r[key] in QUESTIONED_UP for r in red_) / len(red_), 3),
                    "red_flag_answered_safely": round(sum(r[key] in SAFE for r in red_) / len(red_), 3),
                    "false_emergencies": sum(r[key] == "emergency" for r in benign_),
                }
                for name, key in (("pocketsphinx_alone", "outcome_pocketsphinx_alone"), ("without_spotting", "outcome_without_spotting"))
            },
            "red_flags_spotted": sum(bool(r["spotted"]) for r in red_),
            "benign_spotted": [described(r) + f" (spotted {r['spotted']!r})" for r in benign_ if r["spotted"]],
            "red_flag_missed": [described(r) for r in red_ if not r["safe"]],
            "red_flag_safety_reply_only": [described(r) for r in red_ if r["safe"] and r["outcome"] != "emergency"],
            "benign_utterances": len(benign_),
            "false_emergencies": [described(r) for r in benign_ if r["outcome"] == "emergency"],
            "benign_safety_replies": [described(r) for r in benign_ if r["outcome"] in SAFE[1:]],
        }

    report = {
        "utterances": len(rows),
        "phrases": len(PHRASES),
        "voices": list(VOICES),
        "rates_wpm": list(RATES),
        "word_error_rate": round(errors / words, 3),
        "intent_accuracy": round(sum(r["intent_ok"] for r in rows) / len(rows), 3),
        **safety_figures(rows),
        "rejected_asked_again": sum(r["outcome"] == "rejected" for r in rows),
        "real_time_factor": round(decode_seconds / audio_seconds, 3),
        "recognisers_memory": memory,  # resident memory each adds to the process, MB
        "reply_ready_seconds_short_answers": {
            "median": round(statistics.median(short), 3), "max": round(max(short), 3),
        },
        "reply_ready_seconds_sentences": {  # both recognisers run on a sentence
            "median": round(statistics.median(sentences), 3), "max": round(max(sentences), 3),
        },
        "reply_ready_seconds_all": {p: round(s, 3) for p, s in latencies[:3]},
        **{
            name: {
                "voices": list(voices), "rate_wpm": rate, "phrases": len(phrases),
                "intent_accuracy": round(sum(r["intent_ok"] for r in held_out[name]) / len(held_out[name]), 3),
                **safety_figures(held_out[name]),
                "rows": held_out[name],
            }
            for name, phrases, voices, rate in HELD_OUT_SETS
        },
        "benign_training_phrases": {
            "utterances": len(training), "voices": list(VOICES), "rate_wpm": TRAINING_RATE,
            # a phrase the guard routes up when typed ("my legs were numb earlier") is no false alarm
            "routed_up_when_typed": [r["phrase"] for r in training if r["red_flag"]],
            "false_emergencies": [described(r) for r in training if r["outcome"] == "emergency" and not r["red_flag"]],
            "false_emergencies_pocketsphinx_alone": sum(
                r["outcome_pocketsphinx_alone"] == "emergency" and not r["red_flag"] for r in training),
            "false_emergencies_without_spotting": sum(
                r["outcome_without_spotting"] == "emergency" and not r["red_flag"] for r in training),
            "spotted": [described(r) + f" (spotted {r['spotted']!r})" for r in training if r["spotted"] and not r["red_flag"]],
            "rows": training,
        },
        "rows": rows,
    }
    write_report(report, Path(args.out))
    print(f"{report['utterances']} utterances ({report['phrases']} phrases x {len(VOICES)} voices x {len(RATES)} speeds)")
    print(f"word error rate                {report['word_error_rate']:.1%}")
    print(f"intent accuracy after speech   {report['intent_accuracy']:.1%}")
    for name, figures in [("tuning set", report)] + [(name, report[name]) for name, *_ in HELD_OUT_SETS]:
        print(f"{name}: {figures['red_flag_utterances']} red-flag utterances, {figures['benign_utterances']} others")
        print(f"    red flags answered safely (number to call, next reply)  {figures['red_flag_answered_safely']:.1%}")
        print(f"    of them, the full emergency message                     {figures['red_flag_emergency_message']:.1%}")
        for line in figures["red_flag_safety_reply_only"]:
            print(f"        call-if-serious reply: {line}")
        for line in figures["red_flag_missed"]:
            print(f"        MISSED: {line}")
        print(f"    false emergencies {len(figures['false_emergencies'])}, call-if-serious replies to others "
              f"{len(figures['benign_safety_replies'])} of {figures['benign_utterances']}")
        alone = figures["pocketsphinx_alone"]
        print(f"    pocketsphinx alone (no second recogniser): answered safely {alone['red_flag_answered_safely']:.1%}, "
              f"full emergency message {alone['red_flag_emergency_message']:.1%}, false emergencies {alone['false_emergencies']}")
        unspotted = figures["without_spotting"]
        print(f"    without spotting red-flag phrases: answered safely {unspotted['red_flag_answered_safely']:.1%}, "
              f"full emergency message {unspotted['red_flag_emergency_message']:.1%}, false emergencies {unspotted['false_emergencies']}")
        print(f"    red-flag phrases spotted in {figures['red_flags_spotted']} red-flag and {len(figures['benign_spotted'])} other utterances")
    benign = report["benign_training_phrases"]
    print(f"benign training phrases: {benign['utterances']} utterances ({len(benign['routed_up_when_typed'])} routed up "
          f"when typed too, not counted), false emergencies {len(benign['false_emergencies'])} "
          f"(pocketsphinx alone {benign['false_emergencies_pocketsphinx_alone']}, without spotting "
          f"{benign['false_emergencies_without_spotting']}), red-flag phrase spotted in {len(benign['spotted'])}")
    for line in benign["false_emergencies"] + benign["spotted"]:
        print(f"        {line}")
    print(f"asked again (rejected)         {report['rejected_asked_again']}")
    print(f"recogniser real-time factor    {report['real_time_factor']}")
    print(f"recognisers' memory            pocketsphinx {memory['pocketsphinx_mb']} MB, Whisper {memory['whisper_mb']} MB")
    print(f"reply audio ready after a short answer: median {report['reply_ready_seconds_short_answers']['median']} s, "
          f"max {report['reply_ready_seconds_short_answers']['max']} s (target 1.0 s)")
    print(f"reply audio ready after a sentence: median {report['reply_ready_seconds_sentences']['median']} s, "
          f"max {report['reply_ready_seconds_sentences']['max']} s")
    print(f"written to {args.out}")
    print("\nWhisper's window: speech only or the full 30 s (tools/evaluation/whisper_window.py):")
    whisper_window.main(["--out", str(Path(args.out).with_name("whisper-window.json"))])
    print("\nCan or can't: how well the audio tells them apart, tuning voices (tools/evaluation/negation_contrast.py):")
    negation_contrast.main(["--out", str(Path(args.out).with_name("negation-contrast.json"))], recognizer=judge.recognizer)
    print("\nVoices and rooms the recogniser was not tuned on (tools/evaluation/voice_rooms.py):")
    voice_rooms.main(["--model", args.model, "--out", str(Path(args.out).with_name("voice-rooms.json"))], judge=judge)
    print("\nReal recorded speech from a registry package (tools/evaluation/real_speech.py):")
    real_speech.main(["--model", args.model, "--out", str(Path(args.out).with_name("voice-real-speech.json"))], judge=judge)
    print("\nThe voice connector's speed, one speaker and ten at once (tools/evaluation/voice_latency.py):")
    return voice_latency.main(["--model", args.model, "--out", str(Path(args.out).with_name("voice-latency.json"))])


if __name__ == "__main__":
    sys.exit(main())
