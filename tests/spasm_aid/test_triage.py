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
    rest = [TABLE.question(s).level for s in slots[len(emergency) :]]
    # the softer over-50 questions last: the age, then the first episode (clinical-guidance section 3)
    assert rest == [URGENT] * (len(rest) - 2) + [triage.SOON, triage.SOON]
    assert slots[-2:] == ["screen_over_50", "screen_first_episode"]


def test_the_first_episode_is_asked_only_after_a_yes_to_the_age():
    answered = {slot: "no" for slot in TABLE.screening_slots if slot not in ("screen_over_50", "screen_first_episode")}
    assert triage.questions_to_ask({**answered, "screen_over_50": "no"}) == []
    assert triage.questions_to_ask({**answered, "screen_over_50": "yes"}) == ["screen_first_episode"]
    assert triage.questions_to_ask({**answered, "screen_over_50": "unsure"}) == ["screen_first_episode"]


def test_a_question_asked_after_one_that_comes_later_is_refused():
    import yaml

    raw = yaml.safe_load(triage.TABLE_PATH.read_text())
    gated = next(q for q in raw["questions"] if q.get("asked_after_yes_to"))
    gated["asked_after_yes_to"] = "screen_bladder_bowel_typo"
    with pytest.raises(triage.TriageTableError, match="must be a question slot listed before it"):
        triage._parse_table(raw, "triage_table.yml")


@pytest.mark.parametrize("question", [q for q in TABLE.questions if q.level == EMERGENCY], ids=lambda q: q.slot)
def test_yes_to_an_emergency_question_routes_to_emergency_and_stops(question):
    answers = {question.slot: "yes"}
    assert triage.route(answers) == Route(EMERGENCY, question.reason)
    assert triage.questions_to_ask(answers) == []


def test_final_unsure_routes_up():
    slot = "screen_chest"
    assert triage.route({slot: "unsure"}).level == EMERGENCY
    assert triage.route({**ALL_NO, "screen_fever": "unsure"}) == Route(URGENT, "fever")


def test_yes_to_a_two_condition_urgent_question_is_urgent_without_a_particular_reason():
    assert triage.route({**ALL_NO, "screen_cancer": "yes"}) == Route(URGENT, None)


def test_a_told_urgent_flag_gives_the_reason():
    assert triage.route({**ALL_NO, "screen_cancer": "yes"}, ["pregnancy"]) == Route(URGENT, "pregnancy")


def test_urgent_questions_ask_one_thing_or_two():
    # clinical-guidance section 3: people answer the last clause they heard
    for question in TABLE.questions:
        if question.level != EMERGENCY:
            assert len(question.flags) <= 2, question


def test_first_aid_comes_right_after_the_nine_emergency_questions():
    # with the opening message, first advice comes with the reply to the 10th user turn, sooner
    # when the person's own words answered some questions (below)
    emergency = [q.slot for q in TABLE.questions if q.level == EMERGENCY]
    assert len(emergency) == 9
    assert TABLE.screening_slots.index(TABLE.first_aid_before) == len(emergency)


def test_every_emergency_question_names_what_it_asks_for_denials():
    for question in TABLE.questions:
        if question.level == EMERGENCY:
            assert question.conditions, question.slot
    assert len(TABLE.conditions) == len(set(TABLE.conditions))  # each condition belongs to one question


LEG_CONDITIONS = ["legs_pain", "legs_numb", "legs_weak", "legs_giving_way", "leg_weaker"]


def test_legs_said_to_be_fine_answer_both_leg_questions():
    assert triage.answered_by_own_words({}, LEG_CONDITIONS) == ["screen_both_legs", "screen_leg_weakness"]
    asked = triage.questions_to_ask({}, (), TABLE, LEG_CONDITIONS)
    assert "screen_both_legs" not in asked and "screen_leg_weakness" not in asked
    assert asked[:3] == ["screen_bladder_bowel", "screen_saddle_numbness", "screen_trauma"]


def test_a_denial_of_part_of_a_question_does_not_answer_it():
    # "no chest pain" answers neither the chest question (breathing too) nor the tummy question
    assert triage.answered_by_own_words({}, ["chest_pain"]) == []
    assert "screen_aortic" in triage.questions_to_ask({}, (), TABLE, ["chest_pain", "breathing"])
    assert "screen_chest" not in triage.questions_to_ask({}, (), TABLE, ["chest_pain", "breathing"])
    # weakness denied, pain down both legs not: the both-legs question is still asked
    asked = triage.questions_to_ask({}, (), TABLE, ["legs_weak", "legs_giving_way", "leg_weaker"])
    assert "screen_both_legs" in asked and "screen_leg_weakness" not in asked


def test_an_answer_given_beats_a_denial():
    # a yes to a question stays a yes, whatever was denied before
    answers = {"screen_both_legs": "yes"}
    assert triage.route(triage.with_own_words(answers, LEG_CONDITIONS)).level == EMERGENCY
    assert triage.questions_to_ask(answers, (), TABLE, LEG_CONDITIONS) == []


def test_first_aid_is_due_when_the_last_emergency_questions_were_answered_by_own_words():
    emergency = [q.slot for q in TABLE.questions if q.level == EMERGENCY]
    answers = {slot: "no" for slot in emergency[:-1]}
    denied = ["speech", "confused", "drowsy"]
    remaining = triage.questions_to_ask(answers, (), TABLE, denied)
    assert remaining[0] == TABLE.first_aid_before
    assert triage.emergency_questions_clear(answers, TABLE, denied)
    assert not triage.emergency_questions_clear(answers, TABLE)
    assert triage.first_aid_due([emergency[-2]], answers, remaining, TABLE, denied)


def test_first_aid_is_due_only_when_the_last_emergency_answer_is_no():
    emergency = [q.slot for q in TABLE.questions if q.level == EMERGENCY]
    answers = {slot: "no" for slot in emergency}
    remaining = triage.questions_to_ask(answers)
    assert triage.first_aid_due([emergency[-1]], answers, remaining)
    assert not triage.first_aid_due(["screen_fever"], {**answers, "screen_fever": "no"}, remaining[1:])
    # an urgent flag told earlier skips the urgent questions: nothing left, no break needed
    assert not triage.first_aid_due([emergency[-1]], answers, triage.questions_to_ask(answers, ["pregnancy"]))
    # a yes ends the screening as an emergency
    yes = {**answers, emergency[-1]: "yes"}
    assert not triage.first_aid_due([emergency[-1]], yes, triage.questions_to_ask(yes))


def test_over_fifty_first_episode_changes_no_route():
    answers = {**ALL_NO, "screen_first_episode": "yes"}
    assert triage.route(answers) == Route(SELF_CARE, None)
    assert triage.route({**ALL_NO, "screen_first_episode": "unsure"}) == Route(SELF_CARE, None)


def test_a_known_urgent_flag_skips_the_over_fifty_question_too():
    emergency = {q.slot: "no" for q in TABLE.questions if q.level == EMERGENCY}
    assert triage.questions_to_ask(emergency, ["fever"]) == []


def test_emergency_beats_urgent():
    answers = {**ALL_NO, "screen_fever": "yes", "screen_stroke": "yes"}
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


def test_route_levels_are_the_values_of_the_triage_slot():
    # the screening writes the route into the domain's triage slot, which the rules read
    import yaml

    from tests.conftest import ROOT

    domain = yaml.safe_load(open(ROOT / "domain.yml", encoding="utf-8"))
    assert set(triage.LEVELS) == set(domain["slots"]["triage"]["values"])


def test_a_table_naming_an_unknown_first_aid_question_is_refused():
    raw = {"questions": [{"slot": "screen_a", "level": "emergency", "flags": ["a"]}], "flags": {"a": "emergency"},
           "pain_relief_cautions": [], "first_aid_before": "screen_typo"}
    with pytest.raises(triage.TriageTableError, match="first_aid_before"):
        triage._parse_table(raw, "test table")
    raw["first_aid_before"] = None
    assert triage._parse_table(raw, "test table").first_aid_before is None


def test_a_later_less_severe_flag_does_not_lower_the_route():
    assert triage.route({}, ["trauma", "fever"]) == Route(EMERGENCY, "trauma")
    assert triage.route({}, ["fever", "first_episode_over_50"]) == Route(URGENT, "fever")


def test_emergency_questions_clear_only_when_all_six_are_no():
    emergency = [q.slot for q in TABLE.questions if q.level == EMERGENCY]
    assert triage.emergency_questions_clear({slot: "no" for slot in emergency})
    assert not triage.emergency_questions_clear({slot: "no" for slot in emergency[:-1]})
    assert not triage.emergency_questions_clear({**{slot: "no" for slot in emergency}, emergency[0]: "unsure"})
