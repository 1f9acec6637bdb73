"""What a message's red-flag words call for, from the rules and the reader together (pure).

The rule-based guard is the deterministic floor: a sentence the guard reads as a red flag gets
the emergency message unless the reader is confident that the sentence is a question about the
sign (then a short answer that names the sign and gives the number) or not a report at all
(then one short question that names the sign and gives the number: clinical-guidance section
0). The reader can only route up on its own: a sentence it reads as a report of a red flag gets
the emergency message when it is sure and the one question when it is in doubt, or when it reads
the sentence said the other way round as at least as much a report ("i can feel my legs" beside
"i can't feel my legs": it reads the topic, not what was said of it). A sentence the
rules read as denied, past or about a thing stays benign unless the reader is very sure.

Emergency beats the question, which beats the answer: one sentence reporting a sign is enough,
wherever it stands in the message.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from spasm_aid.reader.reader import SentenceReading

EMERGENCY, CHECK, ANSWER, NOTHING = "emergency", "check", "answer", "nothing"
_RANK = {EMERGENCY: 3, CHECK: 2, ANSWER: 1, NOTHING: 0}


@dataclass(frozen=True)
class Thresholds:
    # chosen on the development half of tests/eval/fresh (docs/evaluation.md), never the test
    # half. Above 1 a threshold is off: for now the rules' reading is never turned into the safety
    # question (that cost red flags of the older sets at once: docs/evaluation.md); it becomes the
    # short answer only for a question that speaks of nobody now (reader.message.speaks_of_someone).
    # the reader alone: a report this likely gets the emergency message, from `check` the question
    report_alone: float = 0.9
    check_alone: float = 0.7
    # the rules matched: the reader must be this sure of a question, or of "not a report", to
    # answer or ask instead of sending the emergency message
    question_over_rules: float = 0.5
    other_over_rules: float = 1.01
    # the rules read the sign as denied, past or about a thing: the reader must be this sure
    # of a report to ask the question anyway
    report_over_denial: float = 0.97
    # the rules found no sign: a question about one this likely gets the short answer
    question_alone: float = 0.5


DEFAULT = Thresholds()


@dataclass(frozen=True)
class SentenceEvidence:
    """One sentence: what the rules found in it, and what the reader read."""

    reading: SentenceReading
    rule_flag: Optional[str] = None  # an emergency flag (or help_request) the guard counts here
    rule_denied: bool = False  # the guard found flag words here and none counts (denied, past, a thing)
    rule_urgent: bool = False  # the guard found an urgent flag here (see a doctor today)
    # the sentence speaks of someone now (I, my, he, my wife...) and not hypothetically ("if",
    # "ever"): a question about a sign then is a report put as a question ("should I worry that
    # I wet the bed?"), which the rules' reading keeps
    speaks_of_someone: bool = False
    # the reader's probability of the same sign on the sentence said the other way round (an
    # auxiliary negated: "i can feel my legs" -> "i can't feel my legs"), when it was read
    negated_report: Optional[float] = None

    @property
    def blind_to_polarity(self) -> bool:
        """The sentence negated reads as at least as much a report of the sign as the sentence
        itself: the reader reads the topic, not what was said of it ("i can feel my legs")."""
        return self.negated_report is not None and self.negated_report >= self.reading.probabilities.get(
            f"report.{self.reading.flag}", 0.0)


@dataclass(frozen=True)
class Verdict:
    action: str  # emergency, check, answer or nothing
    flag: Optional[str] = None  # the sign it is about (a flag id, help_request, or None)
    sentence: Optional[str] = None
    by_rules: bool = False  # the rules found the sign (the flag is theirs)


def judge_sentence(evidence: SentenceEvidence, thresholds: Thresholds = DEFAULT) -> Verdict:
    reading = evidence.reading
    if evidence.rule_flag:
        if (
            not evidence.speaks_of_someone
            and reading.question >= thresholds.question_over_rules
            and reading.question > reading.report
        ):
            return Verdict(ANSWER, evidence.rule_flag, reading.sentence, True)
        if reading.other >= thresholds.other_over_rules:
            return Verdict(CHECK, evidence.rule_flag, reading.sentence, True)
        return Verdict(EMERGENCY, evidence.rule_flag, reading.sentence, True)
    report = reading.report
    if evidence.rule_urgent and report < thresholds.report_alone:
        return Verdict(NOTHING)  # the urgent route the rules found stands
    if evidence.rule_denied:
        if report >= thresholds.report_over_denial:
            return Verdict(CHECK, reading.flag, reading.sentence)
        return Verdict(NOTHING)
    if report >= thresholds.report_alone and not evidence.blind_to_polarity:
        return Verdict(EMERGENCY, reading.flag, reading.sentence)
    if report >= thresholds.check_alone:
        # a reading that cannot tell the sentence from its negation asks, never alarms
        return Verdict(CHECK, reading.flag, reading.sentence)
    if reading.question >= thresholds.question_alone and report + reading.question >= 0.8:
        return Verdict(ANSWER, reading.flag, reading.sentence)
    return Verdict(NOTHING)


def judge(sentences: Sequence[SentenceEvidence], thresholds: Thresholds = DEFAULT) -> Verdict:
    """The verdict for the message: the strongest of its sentences' verdicts (the first of equals)."""
    best = Verdict(NOTHING)
    for evidence in sentences:
        verdict = judge_sentence(evidence, thresholds)
        if _RANK[verdict.action] > _RANK[best.action]:
            best = verdict
    return best
