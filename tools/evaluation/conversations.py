"""Conversation-level evaluation: scripted users talk to the served bot over REST."""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

from spasm_aid.client import Chat, texts, triage_of
from spasm_aid.triage import EMERGENCY, SELF_CARE, SOON, load_table
from tools.evaluation.dataset import ROOT, Example
from tools.servers import endpoints_file, server_env, start_action_server, start_rasa

RASA_PORT, ACTION_PORT = 5305, 5355
OPENING = "my back just spasmed"
NUDGE = "Please answer this one"
SIMPLER = "Let me put it simply"


class Served:
    """The Rasa and action servers with a throw-away session log."""

    def __init__(self, workdir: Path, model: Path, extra_env: Optional[Dict[str, str]] = None) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        env = server_env(workdir, f"sqlite:///{workdir / 'sessions.db'}", extra_env)
        self.servers = [
            start_action_server(ACTION_PORT, env, workdir / "actions.log"),
            start_rasa(RASA_PORT, endpoints_file(workdir / "endpoints.yml", ACTION_PORT), env, workdir / "rasa.log", model),
        ]

    def __enter__(self) -> "Served":
        try:
            for server in self.servers:
                server.wait_ready()
        except Exception:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        for server in self.servers:
            server.stop()


def new_chat() -> Chat:
    return Chat(RASA_PORT, f"eval-{uuid.uuid4().hex[:12]}")


class Checks:
    def __init__(self) -> None:
        self.checked = 0
        self.failures: List[Dict[str, Any]] = []

    def record(self, ok: bool, **details: Any) -> None:
        self.checked += 1
        if not ok:
            self.failures.append(details)

    def summary(self) -> Dict[str, Any]:
        return {
            "checked": self.checked,
            "passed": self.checked - len(self.failures),
            "pass_rate": round((self.checked - len(self.failures)) / self.checked, 4) if self.checked else None,
            "failures": self.failures[:50],
        }


def first_aid_now_text() -> str:
    """The first piece of first aid, said before the urgent questions (domain.yml)."""
    import yaml

    with open(ROOT / "domain.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["responses"]["utter_first_aid_now"][0]["text"]


def run_all_clear(answer: str = "no", max_turns: int = 20) -> Optional[int]:
    """User turns until the first advice (the first piece of first aid, or the self-care
    payload), or None if never reached."""
    chat = new_chat()
    first_aid = first_aid_now_text()
    replies = chat.say(OPENING)
    for turn in range(2, max_turns + 1):
        replies = chat.say(answer)
        if any(m.get("text") and first_aid in m["text"] for m in replies or []):
            return turn
        payload = triage_of(replies)
        if payload:
            return turn if payload["triage"] == "self_care" else None
    return None


def evaluate(examples: List[Example]) -> Dict[str, Any]:
    table = load_table()
    slots = table.slots_asked_when_all_no
    phrases: Dict[str, List[str]] = {}
    for example in examples:
        if example.is_emergency:
            phrases.setdefault(example.flag or "help_request", []).append(example.text)
    deny_variants = [e.text for e in examples if e.group == "intents" and e.intent == "deny"]
    affirm_variants = [e.text for e in examples if e.group == "intents" and e.intent == "affirm"]
    unsure_variants = [e.text for e in examples if e.group == "intents" and e.intent == "unsure"]

    results: Dict[str, Any] = {"all_clear_turns_to_first_advice": run_all_clear()}

    # A red flag volunteered at each screening step, and after the advice, gets the emergency reply.
    red_flags = Checks()
    for flag, texts_for_flag in sorted(phrases.items()):
        for step in range(len(slots) + 1):
            text = texts_for_flag[step % len(texts_for_flag)]
            chat = new_chat()
            chat.say(OPENING)
            for _ in range(step):
                chat.say("no")
            if step == len(slots):
                chat.say("should I walk")
            payload = triage_of(chat.say(text))
            ok = payload is not None and payload["triage"] == EMERGENCY
            red_flags.record(ok, flag=flag, step=step, text=text, got=payload)
    results["red_flag_at_each_step"] = red_flags.summary()

    # Every "no" variant is understood at every question: screening ends all clear, no nudges.
    nos = Checks()
    for variant in deny_variants:
        chat = new_chat()
        chat.say(OPENING)
        nudged, payload = False, None
        for _ in slots:
            replies = chat.say(variant)
            nudged = nudged or NUDGE in texts(replies)
            payload = triage_of(replies) or payload
        ok = not nudged and payload is not None and payload["triage"] == "self_care"
        nos.record(ok, variant=variant, nudged=nudged, got=payload)
    results["no_variants_at_every_question"] = nos.summary()

    # Every "yes" variant is understood at every question: emergency or urgent next turn; at the
    # softer over-50 question, self-care with "see a doctor soon".
    # A question asked only after a yes (the first episode, after the age) is reached with "yes" to
    # its gate; the gate's own yes must bring that question.
    yeses = Checks()
    gates = {q.asked_after_yes_to: q.slot for q in table.questions if q.asked_after_yes_to}
    for variant in affirm_variants:
        for question in table.questions:
            chat = new_chat()
            chat.say(OPENING)
            gate = question.asked_after_yes_to
            before = slots[: slots.index(gate) if gate else slots.index(question.slot)]
            for _ in before:
                chat.say("no")
            if gate:
                chat.say("yes")
            replies = chat.say(variant)
            payload = triage_of(replies)
            if question.slot in gates:
                ok = payload is None and "first ever back spasm" in texts(replies)
            elif question.level == SOON:
                ok = payload is not None and payload["triage"] == SELF_CARE and "see a doctor soon" in texts(replies)
            else:
                ok = payload is not None and payload["triage"] == question.level
            yeses.record(ok, variant=variant, question=question.slot, got=payload)
    results["yes_variants_at_every_question"] = yeses.summary()

    # "Not sure" variants get the question again in simpler words.
    unsure = Checks()
    for variant in unsure_variants:
        chat = new_chat()
        chat.say(OPENING)
        reply = texts(chat.say(variant))
        unsure.record(SIMPLER in reply, variant=variant, got=reply[:120])
    results["unsure_variants"] = unsure.summary()
    return results
