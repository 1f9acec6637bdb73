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
from spasm_aid.red_flags.polarity import negated_variants
from spasm_aid.text_fold import fold_text
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


# a sentence the reader reads as a report at least this likely, with no sign the rules count, is
# read again said the other way round (spasm_aid.red_flags.polarity.negated_variants)
POLARITY_CHECK_FROM = 0.5


def evidence_for(guard: RedFlagGuard, reader: Reader, text: str) -> List[SentenceEvidence]:
    sentences = split_sentences(text)
    readings = reader.read_sentences(sentences)
    results = [guard.detect(sentence) for sentence in sentences]
    flags = [rule_flag(result) for result in results]
    # the reader's reports with no rule behind them, read again negated: if "i can't feel my
    # legs" reads as much a report as "i can feel my legs", the reader cannot tell which was said
    variants = {
        i: negated_variants(sentence)
        for i, (sentence, reading, flag) in enumerate(zip(sentences, readings, flags, strict=True))
        if flag is None and reading.report >= POLARITY_CHECK_FROM
    }
    flat = [v for i in variants for v in variants[i]]
    flat_readings = iter(reader.read_sentences(flat)) if flat else iter(())
    negated_report = {}
    for i, texts in variants.items():
        label = f"report.{readings[i].flag}"
        scores = [next(flat_readings).probabilities.get(label, 0.0) for _ in texts]
        if scores:
            negated_report[i] = max(scores)
    evidence = []
    for i, (sentence, reading, result, flag) in enumerate(zip(sentences, readings, results, flags, strict=True)):
        evidence.append(
            SentenceEvidence(
                reading,
                flag,
                # an emergency sign read as denied, past or a minor fall, even beside an urgent flag
                rule_denied=flag is None and (result.explicitly_denied or result.emergency_discounted),
                rule_urgent=bool(result.flags(URGENT_LEVEL)),
                speaks_of_someone=speaks_of_someone(sentence),
                negated_report=negated_report.get(i),
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
    text = fold_text(text)
    verdict = judge(evidence_for(guard, reader, text), thresholds or Thresholds())
    whole_flag = rule_flag(whole if whole is not None else guard.detect(text))
    if whole_flag and verdict.action == NOTHING:
        # a sign the rules find only across sentences: the floor holds
        return Verdict(EMERGENCY, whole_flag, text, True)
    return verdict


__all__ = ["ANSWER", "CHECK", "EMERGENCY", "NOTHING", "read_message", "evidence_for", "rule_flag"]
