"""Triage rules as pure functions: routing, skipping, caution questions."""
import pytest

from spasm_aid import triage
from spasm_aid.triage import EMERGENCY, SELF_CARE, URGENT, Route

TABLE = triage.load_table()
ALL_NO = {slot: "no" for slot in TABLE.screening_slots}


def test_all_no_is_self_care():
    assert triage.route(ALL_NO) == Route(SELF_CARE, None)
    assert triage.questions_to_ask(ALL_NO) == []


def test_questions_start_with_the_emergency_flags_in_order():
    slots = triage.questions_to_ask({})
    emergency = [q.slot for q in TABLE.questions if q.level == EMERGENCY]
    assert slots[: len(emergency)] == emergency
    assert [TABLE.question(s).level for s in slots[len(emergency) :]] == [URGENT] * (len(slots) - len(emergency))


@pytest.mark.parametrize("question", [q for q in TABLE.questions if q.level == EMERGENCY], ids=lambda q: q.slot)
def test_yes_to_an_emergency_question_routes_to_emergency_and_stops(question):
    answers = {question.slot: "yes"}
    assert triage.route(answers) == Route(EMERGENCY, question.reason)
    assert triage.questions_to_ask(answers) == []


def test_final_unsure_routes_up():
    slot = "screen_chest"
    assert triage.route({slot: "unsure"}).level == EMERGENCY
    assert triage.route({**ALL_NO, "screen_urgent": "unsure"}) == Route(URGENT, None)


def test_yes_to_the_combined_urgent_question_is_urgent_without_a_particular_reason():
    answers = {**ALL_NO, "screen_urgent": "yes"}
    assert triage.route(answers) == Route(URGENT, None)


def test_a_told_urgent_flag_gives_the_reason():
    assert triage.route({**ALL_NO, "screen_urgent": "yes"}, ["pregnancy"]) == Route(URGENT, "pregnancy")


def test_the_all_clear_path_is_seven_questions():
    # with the opening message, first advice comes by the 8th user turn
    assert len(TABLE.screening_slots) == 7


def test_emergency_beats_urgent():
    answers = {**ALL_NO, "screen_urgent": "yes", "screen_stroke": "yes"}
    assert triage.route(answers) == Route(EMERGENCY, "stroke")


def test_volunteered_urgent_flag_skips_urgent_questions_but_not_emergency_ones():
    remaining = triage.questions_to_ask({}, ["pregnancy"])
    assert remaining == [q.slot for q in TABLE.questions if q.level == EMERGENCY]
    assert triage.route({s: "no" for s in remaining}, ["pregnancy"]) == Route(URGENT, "pregnancy")


def test_volunteered_emergency_flag_ends_screening():
    assert triage.questions_to_ask({}, ["trauma"]) == []
    assert triage.route({}, ["trauma"]) == Route(EMERGENCY, "trauma")


def test_unknown_flag_routes_up_to_emergency():
    assert TABLE.level_of("something_new") == EMERGENCY


def test_answered_questions_are_not_asked_again():
    remaining = triage.questions_to_ask({"screen_bladder_bowel": "no"})
    assert "screen_bladder_bowel" not in remaining and remaining[0] == "screen_saddle_numbness"


def test_cautions_all_no_allows_an_anti_inflammatory():
    answers = {slot: "no" for slot in TABLE.caution_slots}
    assert triage.cautions_to_ask(answers) == []
    assert not triage.needs_pharmacist(answers)


@pytest.mark.parametrize("value", ["yes", "unsure"])
def test_any_caution_yes_or_unsure_means_ask_first(value):
    answers = {TABLE.caution_slots[0]: value}
    assert triage.needs_pharmacist(answers)
    assert triage.cautions_to_ask(answers) == []


@pytest.mark.parametrize("flag", ["pregnancy", "osteoporosis_steroids", "kidney"])
def test_flags_that_matter_for_pain_relievers_skip_the_questions(flag):
    assert triage.cautions_to_ask({}, [flag]) == []
    assert triage.needs_pharmacist({}, [flag])


def test_a_malformed_table_names_the_file(tmp_path):
    bad = tmp_path / "table.yml"
    bad.write_text("questions: [{slot: x, level: emergency, flags: [nope]}]\nflags: {}\npain_relief_cautions: []\n")
    with pytest.raises(triage.TriageTableError, match="table.yml"):
        triage.load_table(str(bad))
