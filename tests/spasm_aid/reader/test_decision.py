"""The judgement of rules and reader together (pure)."""
from spasm_aid.reader.decision import (
    ANSWER,
    CHECK,
    EMERGENCY,
    NOTHING,
    SentenceEvidence,
    Thresholds,
    judge,
    judge_sentence,
)
from spasm_aid.reader.reader import SentenceReading

T = Thresholds()


def reading(report=0.0, question=0.0, urgent=0.0, flag="leg_weakness", sentence="s", other=None):
    if other is None:
        other = max(0.0, 1.0 - report - question - urgent)
    else:
        urgent = max(0.0, 1.0 - report - question - other)
    probabilities = {"report.chest": 0.0, "report.trauma": 0.0, "question": question, "urgent": urgent, "other": other}
    probabilities[f"report.{flag}"] = report
    return SentenceReading(sentence, probabilities)


def test_the_rules_alone_give_the_emergency_message():
    verdict = judge_sentence(SentenceEvidence(reading(report=0.2, other=T.other_over_rules - 0.01), rule_flag="trauma"))
    assert (verdict.action, verdict.flag, verdict.by_rules) == (EMERGENCY, "trauma", True)


def test_a_question_the_reader_is_sure_of_gets_the_answer_not_the_emergency_message():
    answering = Thresholds(question_over_rules=0.5)
    general = SentenceEvidence(reading(report=0.2, question=0.75), rule_flag="bladder_bowel")
    verdict = judge_sentence(general, answering)
    assert (verdict.action, verdict.flag) == (ANSWER, "bladder_bowel")
    # someone spoken of now: a report put as a question ("should I worry that I wet the bed?")
    spoken = SentenceEvidence(reading(report=0.2, question=0.75), rule_flag="bladder_bowel", speaks_of_someone=True)
    assert judge_sentence(spoken, answering).action == EMERGENCY


def test_a_question_the_rules_do_not_read_as_a_sign_is_answered():
    verdict = judge_sentence(SentenceEvidence(reading(report=0.3, question=T.question_alone + 0.1)))
    assert verdict.action == ANSWER


def test_a_doubtful_question_keeps_the_emergency_message():
    doubtful = reading(report=0.5, question=0.49, other=0.0)
    assert judge_sentence(SentenceEvidence(doubtful, rule_flag="bladder_bowel"), Thresholds(question_over_rules=0.5)).action == EMERGENCY


def test_rules_overruled_by_a_sure_reading_ask_the_question_never_nothing():
    checking = Thresholds(other_over_rules=0.5)
    verdict = judge_sentence(SentenceEvidence(reading(report=0.02, other=0.5), rule_flag="trauma"), checking)
    assert verdict.action == CHECK and verdict.flag == "trauma"
    almost = judge_sentence(SentenceEvidence(reading(report=0.12, other=0.49), rule_flag="trauma"), checking)
    assert almost.action == EMERGENCY
    # as shipped, the rules' reading always gives the emergency message
    assert judge_sentence(SentenceEvidence(reading(report=0.0, other=1.0), rule_flag="trauma")).action == EMERGENCY


def test_the_reader_alone_routes_up_when_sure_and_asks_when_in_doubt():
    assert judge_sentence(SentenceEvidence(reading(report=T.report_alone))).action == EMERGENCY
    assert judge_sentence(SentenceEvidence(reading(report=T.check_alone))).action == CHECK
    assert judge_sentence(SentenceEvidence(reading(report=T.check_alone - 0.01))).action == NOTHING


def test_a_denial_the_rules_read_holds_unless_the_reader_is_very_sure():
    below = reading(report=T.report_over_denial - 0.01)
    assert judge_sentence(SentenceEvidence(below, rule_denied=True)).action == NOTHING
    assert judge_sentence(SentenceEvidence(reading(report=T.report_over_denial), rule_denied=True)).action == CHECK


def test_one_reported_sign_anywhere_in_the_message_wins():
    sentences = [
        SentenceEvidence(reading(question=0.9, sentence="what should i do")),
        SentenceEvidence(reading(report=0.1, question=0.1, sentence="my back went at work")),
        SentenceEvidence(reading(report=0.3, other=0.1), rule_flag="saddle_numbness"),
        SentenceEvidence(reading(report=0.0, question=0.95, sentence="ice or heat?")),
    ]
    verdict = judge(sentences)
    assert (verdict.action, verdict.flag) == (EMERGENCY, "saddle_numbness")


def test_the_question_beats_the_answer():
    sentences = [
        SentenceEvidence(reading(report=0.1, question=0.9)),
        SentenceEvidence(reading(report=T.check_alone + 0.05, flag="chest")),
    ]
    assert (judge(sentences).action, judge(sentences).flag) == (CHECK, "chest")


def test_nothing_in_nothing_out():
    assert judge([]).action == NOTHING


def test_who_is_spoken_of_now():
    from spasm_aid.reader.message import speaks_of_someone

    assert speaks_of_someone("should i worry that I wet the bed last night")
    assert speaks_of_someone("is it bad if this started after a fall")
    assert speaks_of_someone("my dad can't feel his legs, is that bad?")
    assert not speaks_of_someone("what does it mean if you can't pee")
    assert not speaks_of_someone("if my legs ever went numb would that be an emergency")


def test_a_reading_that_cannot_tell_a_sentence_from_its_negation_asks_never_alarms():
    # "i can feel my legs" read as a report because "i can't feel my legs" reads as a stronger one
    blind = SentenceEvidence(reading(report=0.95), negated_report=0.99)
    assert blind.blind_to_polarity
    assert judge_sentence(blind).action == CHECK
    # the negation reads as less of a report: the reading holds
    sighted = SentenceEvidence(reading(report=0.95), negated_report=0.4)
    assert not sighted.blind_to_polarity and judge_sentence(sighted).action == EMERGENCY
    # never read again (no auxiliary, or a negation already): the reading holds
    assert judge_sentence(SentenceEvidence(reading(report=0.95))).action == EMERGENCY
    # and the rules' own reading is never weakened by it
    ruled = SentenceEvidence(reading(report=0.95), rule_flag="leg_weakness", negated_report=0.99)
    assert judge_sentence(ruled).action == EMERGENCY
