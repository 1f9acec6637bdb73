"""The fresh evaluation set: red flags and look-alikes in words nobody on the project wrote.

    python -m tools.evaluation.fresh --half dev  [--model models/spasm-aid.tar.gz] [--out F]
    python -m tools.evaluation.fresh --half test   # only to report: never tune against it

Every item is sent to the served assistant over REST, as a person would send it: as the first
message of a new conversation, or after the screening was passed (every question answered
"no" until the all-clear). The outcome is read from the replies the person gets: the emergency
message (triage payload "emergency"), the one safety question that names a sign and the number
("safety_check" payload), the short answer to a question about a sign ("sign_answer"
payload), "see a doctor today" ("urgent"), or anything else; and whether the number was given.
The items, their sources and labels: tests/eval/fresh/README.md.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import yaml

from spasm_aid.client import Chat, texts, triage_of
from tools.evaluation.conversations import OPENING, RASA_PORT, Served
from tools.evaluation.dataset import ROOT

FRESH_DIR = ROOT / "tests" / "eval" / "fresh"
HALVES = ("dev", "test")
EXPECTS = ("emergency", "urgent", "benign", "question")
WHENS = ("first", "after_screening")
NUMBER = "911"  # the servers run with the default number
MAX_SCREENING_TURNS = 25


@dataclass(frozen=True)
class Item:
    text: str
    expect: str
    flag: str
    helper: bool
    when: str
    kind: str
    source: str

    @property
    def lookalike(self) -> bool:
        return self.expect in ("benign", "question") and not self.kind.startswith("home")

    @property
    def home(self) -> bool:
        return self.kind.startswith("home")


class FreshSetError(ValueError):
    pass


def load_items(path: Path) -> List[Item]:
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
        items = [
            Item(str(i["text"]), str(i["expect"]), str(i["flag"]), bool(i["helper"]), str(i["when"]), str(i["kind"]), str(i["source"]))
            for i in raw["items"]
        ]
    except (OSError, KeyError, TypeError, yaml.YAMLError) as error:
        raise FreshSetError(
            f"{path}: expected 'items:', each with text, expect, flag, helper, when, kind and source: {error}"
        ) from error
    for item in items:
        if item.expect not in EXPECTS or item.when not in WHENS:
            raise FreshSetError(f"{path}: {item.text!r}: expect must be one of {EXPECTS}, when one of {WHENS}")
    return items


def outcome_of(replies: Optional[List[dict]]) -> Dict[str, Any]:
    """What the person got: emergency / check / answer / urgent / self_care / other, and the number."""
    replies = replies or []
    payload = triage_of(replies) or {}
    customs = [r["custom"] for r in replies if isinstance(r.get("custom"), dict)]
    said = texts(replies)
    if payload.get("triage") == "emergency":
        outcome = "emergency"
    elif any("safety_check" in c for c in customs):
        outcome = "check"
    elif any("sign_answer" in c for c in customs):
        outcome = "answer"
    elif payload.get("triage") in ("urgent", "self_care"):
        outcome = payload["triage"]
    else:
        outcome = "other"
    return {"outcome": outcome, "number": NUMBER in said, "reply": said[:160]}


def pass_screening(chat: Chat) -> bool:
    """Answer "no" until the all-clear (self-care payload); False if it never comes."""
    chat.say(OPENING)
    for _ in range(MAX_SCREENING_TURNS):
        payload = triage_of(chat.say("no"))
        if payload and payload.get("triage") == "self_care":
            return True
        if payload and payload.get("triage") != "self_care":
            return False
    return False


def run_item(item: Item) -> Dict[str, Any]:
    chat = Chat(RASA_PORT, f"fresh-{uuid.uuid4().hex[:12]}")
    if item.when == "after_screening" and not pass_screening(chat):
        return {"outcome": "screening_not_passed", "number": False, "reply": ""}
    status, replies = chat.send(item.text)
    result = outcome_of(replies if status == 200 else None)
    result["status"] = status
    if item.expect == "urgent" and result["outcome"] == "other":
        # an urgent sign decides the route at the end of the emergency questions: answer them
        # "no" and read the route the person is given
        for _ in range(MAX_SCREENING_TURNS):
            status, replies = chat.send("no")
            payload = triage_of(replies or [])
            if status != 200 or payload:
                later = outcome_of(replies if status == 200 else None)
                result.update(outcome=later["outcome"], route_reply=later["reply"])
                break
    return result


def rate(hits: int, total: int) -> Optional[float]:
    return round(hits / total, 4) if total else None


def figures(rows: Iterable[Dict[str, Any]]) -> Dict[str, Any]:
    """The issue's figures from (item, result) rows."""
    rows = list(rows)
    out: Dict[str, Any] = {}

    def count(selected, hit) -> Dict[str, Any]:
        selected = list(selected)
        hits = [r for r in selected if hit(r)]
        return {"rate": rate(len(hits), len(selected)), "hits": len(hits), "of": len(selected)}

    emergency_first = [r for r in rows if r["expect"] == "emergency" and r["when"] == "first"]
    out["red_flag_recall_first_message"] = count(emergency_first, lambda r: r["outcome"] == "emergency")
    out["red_flag_recall_first_message_with_check"] = count(
        emergency_first, lambda r: r["outcome"] in ("emergency", "check")
    )
    out["red_flag_recall_helpers"] = count(
        [r for r in emergency_first if r["helper"]], lambda r: r["outcome"] in ("emergency", "check")
    )
    out["red_flag_recall_long_stories"] = count(
        [r for r in emergency_first if r["kind"] == "long_story"], lambda r: r["outcome"] in ("emergency", "check")
    )
    by_kind: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
    for r in emergency_first:
        by_kind[r["kind"]].append(r)
    out["red_flag_recall_by_kind"] = {
        k: count(v, lambda r: r["outcome"] in ("emergency", "check")) for k, v in sorted(by_kind.items())
    }
    by_flag: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
    for r in emergency_first:
        by_flag[r["flag"]].append(r)
    out["red_flag_recall_by_flag"] = {
        k: count(v, lambda r: r["outcome"] in ("emergency", "check")) for k, v in sorted(by_flag.items())
    }
    out["number_given_to_red_flags"] = count(
        [r for r in rows if r["expect"] == "emergency"], lambda r: r["number"]
    )
    out["urgent_recall"] = count(
        [r for r in rows if r["expect"] == "urgent"], lambda r: r["outcome"] in ("urgent", "emergency", "check")
    )
    out["red_flag_recall_after_screening"] = count(
        [r for r in rows if r["expect"] == "emergency" and r["when"] == "after_screening"],
        lambda r: r["outcome"] in ("emergency", "check"),
    )
    lookalikes = [r for r in rows if r["expect"] in ("benign", "question") and not r["kind"].startswith("home")]
    out["false_emergency_lookalikes"] = count(lookalikes, lambda r: r["outcome"] == "emergency")
    by_lookalike: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
    for r in lookalikes:
        by_lookalike[r["kind"]].append(r)
    out["false_emergency_by_kind"] = {
        k: count(v, lambda r: r["outcome"] == "emergency") for k, v in sorted(by_lookalike.items())
    }
    out["questions_answered"] = count(
        [r for r in rows if r["expect"] == "question"], lambda r: r["outcome"] == "answer" and r["number"]
    )
    out["false_emergency_home"] = count(
        [r for r in rows if r["kind"].startswith("home")], lambda r: r["outcome"] == "emergency"
    )
    out["lookalike_checks"] = count(lookalikes, lambda r: r["outcome"] == "check")
    return out


def misses(rows: List[Dict[str, Any]]) -> Dict[str, List[str]]:
    """The items each figure missed (for the development half; the test half keeps its texts out)."""
    out: Dict[str, List[str]] = defaultdict(list)
    for r in rows:
        if r["expect"] == "emergency" and r["outcome"] not in ("emergency", "check"):
            out[f"missed emergency ({r['when']})"].append(f"{r['flag']}: {r['text']} -> {r['outcome']}")
        elif r["expect"] == "urgent" and r["outcome"] not in ("urgent", "emergency", "check"):
            out["missed urgent"].append(f"{r['flag']}: {r['text']} -> {r['outcome']}")
        elif r["expect"] in ("benign", "question") and r["outcome"] == "emergency":
            out[f"false emergency ({r['kind']})"].append(r["text"])
        elif r["expect"] == "question" and r["outcome"] != "answer":
            out["question not answered"].append(f"{r['text']} -> {r['outcome']}")
    return dict(out)


def evaluate(items: List[Item], model: Path) -> List[Dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp, Served(Path(tmp), model):
        for item in items:
            rows.append({**item.__dict__, **run_item(item)})
    return rows


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--half", choices=HALVES, required=True)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "spasm-aid.tar.gz")
    parser.add_argument("--out", type=Path, help="where to write the figures (default reports/fresh-<half>.json)")
    parser.add_argument("--label", default="", help="a note stored with the figures (e.g. before / after)")
    args = parser.parse_args(argv)
    items = load_items(FRESH_DIR / f"{args.half}.yml")
    rows = evaluate(items, args.model)
    result: Dict[str, Any] = {"half": args.half, "label": args.label, "items": len(items), "figures": figures(rows)}
    if args.half == "dev":
        result["misses"] = misses(rows)
    out = args.out or ROOT / "reports" / f"fresh-{args.half}.json"
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    for key, value in result["figures"].items():
        if isinstance(value, dict) and "rate" in value:
            print(f"{key:<44} {value['rate'] if value['rate'] is not None else '-':>7}  ({value['hits']}/{value['of']})")
        else:
            print(key)
            for sub, v in value.items():
                print(f"    {sub:<40} {v['rate'] if v['rate'] is not None else '-':>7}  ({v['hits']}/{v['of']})")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
