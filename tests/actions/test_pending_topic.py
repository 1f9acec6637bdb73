"""action_answer_pending_topic keeps the promise made when a topic was asked before screening."""
import asyncio

from actions.pending_topic import ActionAnswerPendingTopic, pending_topic

from .conftest import make_tracker


def user(intent):
    return {"event": "user", "parse_data": {"intent": {"name": intent}}}


START = {"event": "active_loop", "name": "screening_form"}


def test_topic_asked_first_is_answered():
    assert pending_topic([user("ask_ice_heat"), START, user("deny"), user("deny")]) == "ask_ice_heat"


def test_the_latest_topic_asked_during_screening_wins():
    assert pending_topic([user("report_spasm"), START, user("ask_walking"), user("deny")]) == "ask_walking"


def test_no_topic_no_answer():
    assert pending_topic([user("report_spasm"), START, user("deny")]) is None
    assert pending_topic([user("ask_walking")]) is None  # never screened


def test_the_action_utters_the_topic_or_starts_the_pain_relief_checks(dispatcher, domain):
    tracker = make_tracker(events=[user("ask_rest"), START])
    assert asyncio.run(ActionAnswerPendingTopic().run(dispatcher, tracker, domain)) == []
    assert dispatcher.messages[0]["response"] == "utter_rest"
    tracker = make_tracker(events=[user("ask_pain_relief"), START])
    events = asyncio.run(ActionAnswerPendingTopic().run(dispatcher, tracker, domain))
    assert events[0]["name"] == "pain_relief_form"


def test_with_nothing_pending_the_all_clear_is_followed_by_the_plan(dispatcher, domain):
    tracker = make_tracker(slots={"triage": "self_care"}, events=[user("report_spasm"), START])
    asyncio.run(ActionAnswerPendingTopic().run(dispatcher, tracker, domain))
    assert [m["response"] for m in dispatcher.messages] == ["utter_self_care_plan"]


def test_on_the_urgent_route_nothing_pending_adds_nothing(dispatcher, domain):
    tracker = make_tracker(slots={"triage": "urgent"}, events=[user("report_spasm"), START])
    asyncio.run(ActionAnswerPendingTopic().run(dispatcher, tracker, domain))
    assert dispatcher.messages == []
