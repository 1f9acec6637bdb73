"""The follow-up check-in's actions (clinical-guidance section 7): offered only where it can
arrive, saved where every server finds it, stopped on request; its questions as a form."""
import asyncio
from datetime import datetime, timezone

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import check_ins
from actions.check_ins import (
    ActionCancelCheckIns,
    ActionOfferCheckIn,
    ActionScheduleCheckIn,
    ActionStartCheckIn,
    ValidateCheckInForm,
)
from spasm_aid.check_ins import store
from tests.actions.conftest import make_tracker, on_channel

SLOTS = ["check_in_saddle_numbness", "check_in_bladder_bowel", "check_in_leg_weakness"]


@pytest.fixture
def database(tmp_path, monkeypatch):
    monkeypatch.setenv("SPASM_AID_DB_URL", f"sqlite:///{tmp_path / 'sessions.db'}")
    check_ins.engine.cache_clear()
    yield check_ins.engine()
    check_ins.engine().dispose()
    check_ins.engine.cache_clear()


def run(action, tracker, domain):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return dispatcher.messages, events


@pytest.mark.parametrize("channel", ["socketio", "voice", "telegram", "slack"])
def test_offered_where_it_can_reach_the_person_later(channel, domain):
    said, _ = run(ActionOfferCheckIn(), on_channel(channel), domain)
    assert [m["response"] for m in said] == ["utter_offer_check_in"]


@pytest.mark.parametrize("channel", ["rest", "alexa", None])
def test_elsewhere_it_says_when_to_check_the_signs_instead(channel, domain, database):
    said, _ = run(ActionOfferCheckIn(), on_channel(channel), domain)
    assert [m["response"] for m in said] == ["utter_check_yourself"]
    said, _ = run(ActionScheduleCheckIn(), on_channel(channel), domain)  # a stray yes sets nothing
    assert [m["response"] for m in said] == ["utter_check_yourself"]
    assert store.claim_due(database, "test", now=datetime(2100, 1, 1, tzinfo=timezone.utc)) == []


def test_a_yes_saves_two_and_says_when_they_come(domain, database, monkeypatch):
    monkeypatch.setenv("SPASM_AID_CHECK_IN_MINUTES", "180")
    tracker = on_channel("telegram")
    said, _ = run(ActionScheduleCheckIn(), tracker, domain)
    assert said[0]["response"] == "utter_check_in_scheduled"
    assert said[0]["first"].startswith("at about ") and said[0]["second"].startswith("tomorrow at about ")
    due = store.pending_for(database, tracker.sender_id)
    assert len(due) == 2 and 3 * 3600 - 60 <= (due[0] - datetime.now(timezone.utc)).total_seconds() <= 3 * 3600
    said, _ = run(ActionCancelCheckIns(), tracker, domain)
    assert [m["response"] for m in said] == ["utter_check_ins_stopped"]
    assert store.pending_for(database, tracker.sender_id) == []


def test_a_database_that_is_down_is_said_not_hidden(domain, monkeypatch):
    monkeypatch.setenv("SPASM_AID_DB_URL", "postgresql://nobody@127.0.0.1:1/unreachable")
    check_ins.engine.cache_clear()
    try:
        said, _ = run(ActionScheduleCheckIn(), on_channel("slack"), domain)
    finally:
        check_ins.engine.cache_clear()
    assert [m["response"] for m in said] == ["utter_check_in_unavailable"]


def test_each_check_in_asks_all_three_again(domain):
    said, events = run(ActionStartCheckIn(), on_channel("voice", slots={s: "no" for s in SLOTS}), domain)
    assert [m["response"] for m in said] == ["utter_check_in_intro"]
    assert {e["name"]: e["value"] for e in events} == {**{s: None for s in SLOTS}, "reasked_slot": None}


def test_not_sure_is_asked_again_simply_then_a_second_routes_up(domain):
    form = ValidateCheckInForm()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots={"requested_slot": SLOTS[1]}, active_loop="check_in_form")
    assert form.validate_answer(SLOTS[1], "unsure", dispatcher, tracker) == {SLOTS[1]: None, "reasked_slot": SLOTS[1]}
    tracker = make_tracker(slots={"requested_slot": SLOTS[1], "reasked_slot": SLOTS[1]}, active_loop="check_in_form")
    assert form.validate_answer(SLOTS[1], "unsure", dispatcher, tracker) == {
        SLOTS[1]: "unsure", "reasked_slot": None, "red_flag": "bladder_bowel"}


def test_a_yes_ends_the_questions_and_three_noes_end_them_too(domain):
    form = ValidateCheckInForm()
    tracker = make_tracker(active_loop="check_in_form")
    assert form.remaining({SLOTS[0]: "no", SLOTS[1]: None, SLOTS[2]: None}, tracker) == SLOTS[1:]
    assert form.remaining({SLOTS[0]: "yes", SLOTS[1]: None, SLOTS[2]: None}, tracker) == []
    assert form.remaining({s: "no" for s in SLOTS}, tracker) == []
