"""Input that is no message about the back (issues 14 and 17) through the trained model.

- junk (tests/eval/junk.yml: markup, code, identifiers, mashing) must not get the emergency
  message, and should get "didn't catch that" (nlu_fallback, answered by utter_default with the
  number); symptom_like messages must never be taken for junk; how many route up is reported too;
- everyday speech that is not about health (tests/eval/out_of_domain.yml: smart-speaker
  requests, numbers, directions, reading aloud, small talk) must not get the emergency message,
  nor be sent to a doctor today (the urgent route).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import yaml

from spasm_aid.contract import NOT_UNDERSTOOD_INTENT, RED_FLAG_INTENT, URGENT_FLAG_INTENT
from tools.evaluation.dataset import ROOT

JUNK_PATH = ROOT / "tests" / "eval" / "junk.yml"
OUT_OF_DOMAIN_PATH = ROOT / "tests" / "eval" / "out_of_domain.yml"
NOT_UNDERSTOOD, RED_FLAG = NOT_UNDERSTOOD_INTENT, RED_FLAG_INTENT


def load(path: Path = JUNK_PATH) -> Dict[str, List[str]]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not all(isinstance(data.get(k), list) for k in ("junk", "symptom_like")):
        raise ValueError(f"{path}: expected lists 'junk' and 'symptom_like'")
    return {k: [str(t) for t in data[k]] for k in ("junk", "symptom_like")}


def score(parse, data: Dict[str, List[str]]) -> Dict[str, Any]:
    """Figures from `parse(text) -> Rasa parse result` over the two lists (pure apart from parse)."""
    junk = [(t, parse(t)) for t in data["junk"]]
    like = [(t, parse(t)) for t in data["symptom_like"]]

    def intent(parsed):
        return (parsed.get("intent") or {}).get("name")

    def taken_for_junk(parsed):
        return bool((parsed.get("red_flag_guard") or {}).get("junk"))

    emergencies = [t for t, p in junk if intent(p) == RED_FLAG]
    understood = [f"{t!r} -> {intent(p)}" for t, p in junk if intent(p) != NOT_UNDERSTOOD]
    swallowed = [t for t, p in like if taken_for_junk(p)]
    not_up = [f"{t!r} -> {intent(p)}" for t, p in like if intent(p) != RED_FLAG]
    return {
        "junk_examples": len(junk),
        "junk_emergency_rate": round(len(emergencies) / len(junk), 4),
        "junk_not_understood_rate": round(1 - len(understood) / len(junk), 4),
        "symptom_like_examples": len(like),
        "symptom_like_taken_for_junk": len(swallowed),
        "symptom_like_routed_up": round(1 - len(not_up) / len(like), 4),
        "junk_routed_up": emergencies,
        "junk_answered_otherwise": understood,
        "symptom_like_not_routed_up": not_up,
    }


def load_out_of_domain(path: Path = OUT_OF_DOMAIN_PATH) -> List[str]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not isinstance(data.get("out_of_domain"), list):
        raise ValueError(f"{path}: expected a list 'out_of_domain'")
    return [str(t) for t in data["out_of_domain"]]


def score_out_of_domain(parse, texts: List[str]) -> Dict[str, Any]:
    """Everyday speech given the emergency message, or sent to a doctor today (urgent_flag)."""
    intents = [(t, (parse(t).get("intent") or {}).get("name")) for t in texts]
    emergencies = [t for t, i in intents if i == RED_FLAG]
    urgent = [t for t, i in intents if i == URGENT_FLAG_INTENT]
    return {
        "out_of_domain_examples": len(texts),
        "out_of_domain_emergency_rate": round(len(emergencies) / len(texts), 4),
        "out_of_domain_urgent_rate": round(len(urgent) / len(texts), 4),
        "out_of_domain_routed_up": emergencies,
        "out_of_domain_sent_to_a_doctor": urgent,
    }
