"""NLU-level evaluation: the trained model (classifier + red-flag guard) on the evaluation set,
and the guard and the classifier each on their own."""
from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

from spasm_aid.contract import RED_FLAG_INTENT, URGENT_FLAG_INTENT
from spasm_aid.red_flags.guard import RedFlagGuard
from tools.evaluation.dataset import Example

RED_FLAG, URGENT_FLAG = RED_FLAG_INTENT, URGENT_FLAG_INTENT


@dataclass
class Prediction:
    example: Example
    intent: Optional[str]
    reason: Optional[str]  # red_flag / urgent_flag entity value
    ml_intent: Optional[str]  # the classifier before the guard
    guard_emergency: bool
    guard_urgent: bool
    helper: bool = False  # the model read the message as said by a helper (the guard's reading)

    @property
    def routes_emergency(self) -> bool:
        return self.intent == RED_FLAG

    @property
    def routes_urgent_or_up(self) -> bool:
        return self.intent in (RED_FLAG, URGENT_FLAG)


class ModelParser:
    """Parses messages with a trained model, in process."""

    def __init__(self, model_path: Path) -> None:
        import logging

        from rasa.core.agent import Agent
        from rasa.utils.log_utils import configure_structlog

        configure_structlog(logging.WARNING)  # one debug line per message otherwise
        logging.getLogger("rasa").setLevel(logging.WARNING)

        if not Path(model_path).exists():
            raise FileNotFoundError(f"No trained model at {model_path}: run 'make model' first.")
        self.agent = Agent.load(str(model_path))
        self.loop = asyncio.new_event_loop()

    def parse(self, text: str) -> Dict[str, Any]:
        return self.loop.run_until_complete(self.agent.parse_message(text))


def predict(examples: List[Example], parser: ModelParser, guard: RedFlagGuard) -> List[Prediction]:
    predictions = []
    for example in examples:
        parsed = parser.parse(example.text)
        entities = {e["entity"]: e["value"] for e in parsed.get("entities", []) if e["entity"] in (RED_FLAG, URGENT_FLAG)}
        guard_result = guard.detect(example.text)
        predictions.append(
            Prediction(
                example=example,
                intent=(parsed.get("intent") or {}).get("name"),
                reason=entities.get(RED_FLAG) or entities.get(URGENT_FLAG),
                ml_intent=(parsed.get("red_flag_guard") or {}).get("ml_intent"),
                guard_emergency=guard_result.is_emergency,
                guard_urgent=bool(guard_result.flags("urgent")),
                helper=bool((parsed.get("red_flag_guard") or {}).get("helper")),
            )
        )
    return predictions


def _ratio(hits: int, total: int) -> Optional[float]:
    return round(hits / total, 4) if total else None


def precision_recall(pairs: List[tuple]) -> Dict[str, Optional[float]]:
    """pairs of (expected positive, predicted positive)."""
    tp = sum(1 for e, p in pairs if e and p)
    fp = sum(1 for e, p in pairs if not e and p)
    fn = sum(1 for e, p in pairs if e and not p)
    return {"precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn), "tp": tp, "fp": fp, "fn": fn}


def score(predictions: List[Prediction]) -> Dict[str, Any]:
    from sklearn.metrics import confusion_matrix, f1_score

    emergency = [p for p in predictions if p.example.is_emergency]
    urgent = [p for p in predictions if p.example.is_urgent]
    benign = [p for p in predictions if p.example.is_benign]
    lookalikes = [p for p in benign if p.example.group == "benign"]

    per_flag: Dict[str, Dict[str, Any]] = {}
    by_flag = defaultdict(list)
    for p in emergency + urgent:
        by_flag[p.example.flag or "help_request"].append(p)
    for flag, items in sorted(by_flag.items()):
        routed = [p.routes_emergency if p.example.is_emergency else p.routes_urgent_or_up for p in items]
        per_flag[flag] = {
            "level": "emergency" if items[0].example.is_emergency else "urgent",
            "examples": len(items),
            "recall": _ratio(sum(routed), len(items)),
            "reason_correct": _ratio(sum(p.reason == p.example.flag for p in items), len(items)) if flag != "help_request" else None,
            "missed": [p.example.text for p, ok in zip(items, routed, strict=False) if not ok],
        }

    labels = sorted({p.example.intent for p in predictions} | {p.intent or "none" for p in predictions})
    expected = [p.example.intent for p in predictions]
    predicted = [p.intent or "none" for p in predictions]
    false_emergencies = [p for p in benign if p.routes_emergency]
    helpers = [p for p in emergency + urgent if p.example.helper]
    first_person = [p for p in emergency if not p.example.helper]
    helper_emergency = [p for p in emergency if p.example.helper]
    return {
        "examples": len(predictions),
        "red_flag_recall_first_person": _ratio(sum(p.routes_emergency for p in first_person), len(first_person)),
        "red_flag_recall_helper": _ratio(sum(p.routes_emergency for p in helper_emergency), len(helper_emergency)),
        "helper_recognised": _ratio(sum(p.helper for p in helpers), len(helpers)),
        "helper_not_recognised": [p.example.text for p in helpers if not p.helper],
        "helper_false_alarms": [p.example.text for p in predictions if p.helper and not p.example.helper and p.example.group in ("emergency", "urgent", "help")],
        "red_flag_recall": _ratio(sum(p.routes_emergency for p in emergency), len(emergency)),
        "red_flag_missed": [p.example.text for p in emergency if not p.routes_emergency],
        "red_flag_reason_accuracy": _ratio(
            sum(p.reason == p.example.flag for p in emergency if p.example.flag),
            sum(1 for p in emergency if p.example.flag),
        ),
        "per_flag": per_flag,
        "urgent_recall": _ratio(sum(p.routes_urgent_or_up for p in urgent), len(urgent)),
        "urgent_missed": [p.example.text for p in urgent if not p.routes_urgent_or_up],
        "false_emergency_rate": _ratio(len(false_emergencies), len(benign)),
        "false_emergency_rate_lookalikes": _ratio(sum(p.routes_emergency for p in lookalikes), len(lookalikes)),
        "false_emergencies": [p.example.text for p in false_emergencies],
        "intent_macro_f1": round(float(f1_score(expected, predicted, labels=sorted(set(expected)), average="macro", zero_division=0)), 4),
        "intent_accuracy": _ratio(sum(e == p for e, p in zip(expected, predicted, strict=False)), len(expected)),
        "intent_errors": [
            {"text": p.example.text, "expected": p.example.intent, "predicted": p.intent}
            for p in predictions
            if p.example.intent != p.intent
        ],
        "confusion_matrix": {"labels": labels, "matrix": confusion_matrix(expected, predicted, labels=labels).tolist()},
        "guard_alone_emergency": precision_recall([(p.example.is_emergency, p.guard_emergency) for p in predictions]),
        "guard_alone_urgent": precision_recall(
            [(p.example.is_urgent, p.guard_urgent or p.guard_emergency) for p in predictions if not p.example.is_emergency]
        ),
        "classifier_alone_emergency": precision_recall(
            [(p.example.is_emergency, p.ml_intent == RED_FLAG) for p in predictions]
        ),
        "combined_emergency": precision_recall([(p.example.is_emergency, p.routes_emergency) for p in predictions]),
        "groups": dict(Counter(p.example.group for p in predictions)),
    }
