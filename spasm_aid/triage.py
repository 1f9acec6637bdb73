"""Triage rules as small pure functions over the triage table.

Nothing here knows about Rasa: the form validation action and the dialogue policy call these
functions with plain values, and the unit tests do the same.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, List, Mapping, Optional, Tuple

import yaml

from spasm_aid.contract import EMERGENCY, SELF_CARE, URGENT

TABLE_PATH = Path(__file__).with_name("triage_table.yml")
SOON = "soon"  # see a doctor soon, not same-day: advice only, the route stays self-care
LEVELS = (SELF_CARE, URGENT, EMERGENCY)  # routes, ordered from least to most severe
QUESTION_LEVELS = (EMERGENCY, URGENT, SOON)

YES, NO, UNSURE = "yes", "no", "unsure"
# A final "unsure" (after the question was asked again in simpler words) counts as yes:
# when in doubt, route up, never down.
POSITIVE_ANSWERS = (YES, UNSURE)

# Volunteered urgent flags that already answer a pain-relief caution question "yes".
FLAGS_THAT_NEED_PHARMACIST = ("pregnancy", "osteoporosis_steroids", "kidney")


@dataclass(frozen=True)
class Question:
    slot: str
    level: str
    flags: Tuple[str, ...]
    # what the question asks, by name: the person's own clear denials of all of them answer it
    conditions: Tuple[str, ...] = ()
    # asked only after a yes (or not sure) to this question: "Are you over 50?" gates the first episode
    asked_after_yes_to: Optional[str] = None

    @property
    def reason(self) -> Optional[str]:
        """The flag a "yes" stands for; None for a combined question (which one is unknown)."""
        return self.flags[0] if len(self.flags) == 1 else None


@dataclass(frozen=True)
class Topic:
    """A first-aid topic: asked with `intent`, answered by `response` (domain.yml)."""

    intent: str
    response: str
    rule: str
    first_aid: bool
    logged_as: Optional[str] = None  # the session log's name for it; None: not advice


@dataclass(frozen=True)
class Route:
    level: str
    reason: Optional[str]


@dataclass(frozen=True)
class TriageTable:
    questions: Tuple[Question, ...]
    flag_levels: Mapping[str, str]
    caution_slots: Tuple[str, ...]
    first_aid_before: Optional[str] = None  # the question the first piece of first aid precedes
    topics: Tuple[Topic, ...] = ()
    # the follow-up check-in's questions: answer slot -> the emergency flag a yes is (section 7)
    check_in: Mapping[str, str] = field(default_factory=dict)

    def level_of(self, flag_id: str) -> str:
        """The routing level of a flag; an unknown flag id routes up to emergency."""
        return self.flag_levels.get(flag_id, EMERGENCY)

    def question(self, slot: str) -> Optional[Question]:
        return next((q for q in self.questions if q.slot == slot), None)

    @property
    def screening_slots(self) -> List[str]:
        return [q.slot for q in self.questions]

    @property
    def slots_asked_when_all_no(self) -> List[str]:
        """The questions a person who answers no to everything hears, in order (one asked only
        after a yes is not among them)."""
        return [q.slot for q in self.questions if not q.asked_after_yes_to]

    @property
    def conditions(self) -> List[str]:
        """Every condition a screening question names, in order."""
        return [c for q in self.questions for c in q.conditions]


class TriageTableError(ValueError):
    """The triage table file is malformed; the message says which entry and why."""


def _parse_table(raw: dict, source: str) -> TriageTable:
    try:
        flag_levels = dict(raw["flags"])
        questions = tuple(
            Question(slot=q["slot"], level=q["level"], flags=tuple(q["flags"]), conditions=tuple(q.get("conditions", ())),
                     asked_after_yes_to=q.get("asked_after_yes_to"))
            for q in raw["questions"]
        )
        caution_slots = tuple(c["slot"] for c in raw["pain_relief_cautions"])
        first_aid_before = raw.get("first_aid_before")
        topics = tuple(
            Topic(t["intent"], t["response"], t["rule"], bool(t["first_aid"]), t.get("logged_as"))
            for t in raw.get("topics", ())
        )
        check_in = {q["slot"]: q["flag"] for q in raw.get("check_in_questions", ())}
    except (KeyError, TypeError) as exc:
        raise TriageTableError(
            f"{source}: expected 'questions' (slot, level, flags), 'flags' and "
            f"'pain_relief_cautions' (slot), 'topics' (intent, response, rule, first_aid); missing or malformed: {exc}"
        ) from exc
    for level in flag_levels.values():
        if level not in QUESTION_LEVELS:
            raise TriageTableError(f"{source}: flag level must be one of {QUESTION_LEVELS}, got {level!r}")
    slots = [q.slot for q in questions]
    gates = {q.asked_after_yes_to for q in questions if q.asked_after_yes_to}
    for q in questions:
        if q.asked_after_yes_to and (q.asked_after_yes_to not in slots or slots.index(q.asked_after_yes_to) > slots.index(q.slot)):
            raise TriageTableError(f"{source}: question {q.slot!r} is asked after {q.asked_after_yes_to!r}, "
                                   "which must be a question slot listed before it")
    for q in questions:
        unknown = [f for f in q.flags if f not in flag_levels]
        # a gate ("Are you over 50?") stands for no flag itself
        if unknown or q.level not in QUESTION_LEVELS or not (q.flags or q.slot in gates):
            raise TriageTableError(
                f"{source}: question {q.slot!r} needs a level ({'/'.join(QUESTION_LEVELS)}) and flags "
                f"listed under 'flags'; unknown flags: {unknown}"
            )
    if first_aid_before is not None and first_aid_before not in [q.slot for q in questions]:
        raise TriageTableError(f"{source}: first_aid_before names {first_aid_before!r}, which is not a question slot")
    for slot, flag in check_in.items():
        if flag_levels.get(flag) != EMERGENCY:
            raise TriageTableError(f"{source}: check-in question {slot!r} must name an emergency flag, got {flag!r}")
    return TriageTable(questions, flag_levels, caution_slots, first_aid_before, topics, check_in)


@lru_cache(maxsize=None)
def load_table(path: Optional[str] = None) -> TriageTable:
    source = Path(path) if path else TABLE_PATH
    with open(source, encoding="utf-8") as handle:
        return _parse_table(yaml.safe_load(handle), str(source))


def more_severe(a: str, b: str) -> str:
    return a if LEVELS.index(a) >= LEVELS.index(b) else b


def route(
    answers: Mapping[str, Optional[str]],
    volunteered_flags: Iterable[str] = (),
    table: Optional[TriageTable] = None,
) -> Route:
    """The routing level for the screening answers so far plus any volunteered flags.

    `answers` maps screening slots to yes / no / unsure (None or missing: not asked yet).
    Emergency beats urgent beats self-care; the reason is the first flag that decided it.
    """
    table = table or load_table()
    best = Route(SELF_CARE, None)
    for flag in volunteered_flags:
        level = table.level_of(flag)
        if level in LEVELS and more_severe(level, best.level) != best.level:
            best = Route(level, flag)
    for question in table.questions:
        if question.level not in LEVELS:
            continue  # "see a doctor soon" changes no route
        if answers.get(question.slot) in POSITIVE_ANSWERS:
            if more_severe(question.level, best.level) != best.level:
                best = Route(question.level, question.reason)
    return best


def answered_by_own_words(
    answers: Mapping[str, Optional[str]], denied: Iterable[str] = (), table: Optional[TriageTable] = None
) -> List[str]:
    """The questions not asked yet that the person's own clear denials already answer no: every
    condition the question names was denied ("my legs are fine" answers both leg questions;
    "no chest pain" alone answers neither the chest question, which also asks about breathing,
    nor the tummy question). Clinical-guidance section 2: skip what the person's words answered."""
    table = table or load_table()
    denied = set(denied)
    return [
        q.slot for q in table.questions
        if answers.get(q.slot) is None and q.conditions and set(q.conditions) <= denied
    ]


def with_own_words(
    answers: Mapping[str, Optional[str]], denied: Iterable[str] = (), table: Optional[TriageTable] = None
) -> dict:
    """The answers, with a "no" for each question the person's own words already answered."""
    merged = dict(answers)
    for slot in answered_by_own_words(answers, denied, table):
        merged[slot] = NO
    return merged


def questions_to_ask(
    answers: Mapping[str, Optional[str]],
    volunteered_flags: Iterable[str] = (),
    table: Optional[TriageTable] = None,
    denied: Iterable[str] = (),
) -> List[str]:
    """The screening slots still to ask, in order.

    Nothing is left once the route is an emergency. Urgent and "soon" questions are skipped once
    any urgent flag is known, since further answers could not change the advice (see a doctor
    today). A question whose every condition the person clearly denied in their own words
    (`denied`: condition names) is not asked.
    """
    table = table or load_table()
    answers = with_own_words(answers, denied, table)
    current = route(answers, volunteered_flags, table)
    if current.level == EMERGENCY:
        return []
    remaining = []
    for question in table.questions:
        if answers.get(question.slot) is not None:
            continue
        if question.level in (URGENT, SOON) and current.level == URGENT:
            continue
        gate = question.asked_after_yes_to
        if gate and (gate not in remaining and answers.get(gate) not in POSITIVE_ANSWERS):
            continue  # its gate was answered no (or skipped): not asked
        remaining.append(question.slot)
    return remaining


def emergency_questions_clear(
    answers: Mapping[str, Optional[str]], table: Optional[TriageTable] = None, denied: Iterable[str] = ()
) -> bool:
    """Every emergency question answered no, by an answer or the person's own words (the point
    where first aid may begin)."""
    table = table or load_table()
    answers = with_own_words(answers, denied, table)
    return all(answers.get(q.slot) == NO for q in table.questions if q.level == EMERGENCY)


def first_aid_due(
    answered_now: Iterable[str],
    answers: Mapping[str, Optional[str]],
    remaining: Iterable[str],
    table: Optional[TriageTable] = None,
    denied: Iterable[str] = (),
) -> bool:
    """True on the turn the last emergency question was answered no (or skipped, answered by the
    person's own words) and the question that the first piece of first aid precedes
    (clinical-guidance section 3) is the next one asked."""
    table = table or load_table()
    remaining = list(remaining)
    emergency_slots = {q.slot for q in table.questions if q.level == EMERGENCY}
    return (
        table.first_aid_before is not None
        and bool(emergency_slots & set(answered_now))
        and emergency_questions_clear(answers, table, denied)
        and bool(remaining)
        and remaining[0] == table.first_aid_before
    )


def cautions_to_ask(
    answers: Mapping[str, Optional[str]],
    volunteered_flags: Iterable[str] = (),
    table: Optional[TriageTable] = None,
) -> List[str]:
    """The pain-relief caution questions still to ask; none once one says 'ask first'."""
    table = table or load_table()
    if needs_pharmacist(answers, volunteered_flags):
        return []
    return [slot for slot in table.caution_slots if answers.get(slot) is None]


def needs_pharmacist(
    answers: Mapping[str, Optional[str]], volunteered_flags: Iterable[str] = ()
) -> bool:
    """True when the person should ask a pharmacist or doctor before an anti-inflammatory."""
    if any(flag in FLAGS_THAT_NEED_PHARMACIST for flag in volunteered_flags):
        return True
    return any(value in POSITIVE_ANSWERS for value in answers.values())
