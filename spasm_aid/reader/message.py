"""Read a whole message for red flags: the rules and the reader, sentence by sentence.

`read_message` splits the message into sentences (spasm_aid.reader.reader.split_sentences),
runs the rule-based guard on each and the reader on all of them, and hands both to the pure
judgement (spasm_aid.reader.decision). The guard's reading of the whole message stays the
floor: when it counts an emergency, the verdict is never "nothing".
"""
from __future__ import annotations

import re
from typing import List, Optional

from spasm_aid.reader.decision import ANSWER, CHECK, EMERGENCY, NOTHING, SentenceEvidence, Thresholds, Verdict, judge
from spasm_aid.reader.reader import Reader, split_sentences
from spasm_aid.red_flags.guard import FIRST_PERSON, HELP_KEY, OTHER_PEOPLE, GuardResult, RedFlagGuard
from spasm_aid.triage import EMERGENCY as EMERGENCY_LEVEL
from spasm_aid.triage import URGENT as URGENT_LEVEL

HYPOTHETICAL = frozenset({"if", "ever", "would", "whether", "suppose", "supposing", "case", "when"})
_WORD = re.compile(r"[a-z]+")
# "is it bad if this started after a fall": the person's own pain, now, put as a question
_THIS_PAIN = re.compile(r"\b(this|it|the pain|my back)\s+(started|began|happened|came on|went)\b")


def speaks_of_someone(sentence: str) -> bool:
    """Someone (the speaker, or a person named) is spoken of, and not hypothetically."""
    lowered = sentence.lower().replace("'", "")
    if _THIS_PAIN.search(lowered):
        return True
    words = set(_WORD.findall(lowered))
    return bool(words & (FIRST_PERSON | OTHER_PEOPLE)) and not words & HYPOTHETICAL


def rule_flag(result: GuardResult) -> Optional[str]:
    """The emergency flag (or a plain call for help) the guard counts, if any."""
    flags = result.flags(EMERGENCY_LEVEL)
    if flags:
        return flags[0]
    return HELP_KEY if result.help_requested else None


def evidence_for(guard: RedFlagGuard, reader: Reader, text: str) -> List[SentenceEvidence]:
    sentences = split_sentences(text)
    readings = reader.read_sentences(sentences)
    evidence = []
    for sentence, reading in zip(sentences, readings, strict=True):
        result = guard.detect(sentence)
        flag = rule_flag(result)
        evidence.append(
            SentenceEvidence(
                reading,
                flag,
                rule_denied=flag is None and result.explicitly_denied,
                rule_urgent=bool(result.flags(URGENT_LEVEL)),
                speaks_of_someone=speaks_of_someone(sentence),
            )
        )
    return evidence


def read_message(
    guard: RedFlagGuard,
    reader: Reader,
    text: str,
    whole: Optional[GuardResult] = None,
    thresholds: Optional[Thresholds] = None,
) -> Verdict:
    """The verdict for a message; `whole` is the guard's reading of the whole text, if made."""
    verdict = judge(evidence_for(guard, reader, text), thresholds or Thresholds())
    whole_flag = rule_flag(whole if whole is not None else guard.detect(text))
    if whole_flag and verdict.action == NOTHING:
        # a sign the rules find only across sentences: the floor holds
        return Verdict(EMERGENCY, whole_flag, text, True)
    return verdict


__all__ = ["ANSWER", "CHECK", "EMERGENCY", "NOTHING", "read_message", "evidence_for", "rule_flag"]
