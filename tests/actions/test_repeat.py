"""action_repeat says the last reply again, payload included."""
import asyncio

from actions.repeat import ActionRepeat, last_bot_turn

from .conftest import make_tracker

HISTORY = [
    {"event": "user", "text": "hi"},
    {"event": "bot", "text": "first answer"},
    {"event": "user", "text": "my back"},
    {"event": "bot", "text": "This needs help now.", "data": {"custom": {"triage": "emergency"}}},
    {"event": "bot", "text": "Say repeat to hear this again."},
]


def test_the_messages_of_the_last_bot_turn_are_repeated_with_their_payload(dispatcher, domain):
    tracker = make_tracker(intent="repeat", events=HISTORY)
    asyncio.run(ActionRepeat().run(dispatcher, tracker, domain))
    assert [m["text"] for m in dispatcher.messages] == ["This needs help now.", "Say repeat to hear this again."]
    assert dispatcher.messages[0]["custom"] == {"triage": "emergency"}


def test_nothing_to_repeat_at_the_start(dispatcher, domain):
    asyncio.run(ActionRepeat().run(dispatcher, make_tracker(intent="repeat"), domain))
    assert dispatcher.messages[0]["response"] == "utter_nothing_to_repeat"


def test_last_bot_turn_ignores_replies_after_the_latest_message():
    events = HISTORY + [{"event": "user", "text": "slower"}, {"event": "bot", "text": "Okay, slower."}]
    assert [e["text"] for e in last_bot_turn(events[:-1])] == ["This needs help now.", "Say repeat to hear this again."]
