"""The follow-up check-in end to end (issue 27 item 7, clinical-guidance section 7), on the
served assistant: offered after the all-clear on a channel that can reach the person later,
sent when due through that channel (the voice connector's push store here), its questions
answered, stopped on "stop checking". The servers' check-ins are due 6 and 12 seconds after the
offer (tests/server/conftest.py). Across two servers and a killed one: tests/production."""
import json
import time
import uuid

import pytest

from spasm_aid.client import Chat, request_json, texts, triage_of
from tests.server.conftest import screen_all_clear

pytestmark = pytest.mark.server


def voice(servers, path, body=None):
    return request_json(f"http://127.0.0.1:{servers['served']}/webhooks/voice/{path}", body, "application/json", 60)


def say(servers, sender, text):
    status, body = voice(servers, "webhook?audio=0", json.dumps({"sender": sender, "message": text}).encode())
    assert status == 200, body
    return body["messages"]


def pushed(servers, sender, wait=20):
    """What reaches the person unasked within `wait` seconds, up to a two-second pause (a
    check-in is its intro and its first question)."""
    deadline = time.monotonic() + wait
    messages: list = []
    while time.monotonic() < deadline:
        status, body = voice(servers, f"pending?sender={sender}&wait={2 if messages else 5}&audio=0")
        new = body.get("messages", []) if status == 200 else []
        if messages and not new:
            break
        messages += new
    return messages




def test_offered_set_sent_when_due_answered_and_stopped(servers):
    sender = f"checkin-{uuid.uuid4().hex[:8]}"
    replies = screen_all_clear(lambda text: say(servers, sender, text))
    assert "check in later today and tomorrow morning? Yes or no." in texts(replies)  # opt-in, never assumed
    said = texts(say(servers, sender, "yes please"))
    assert "I'll check in in about" in said and "Say stop checking to cancel." in said
    first = pushed(servers, sender)
    assert "checking in as you asked" in texts(first) and "around your bottom or genitals?" in texts(first), first
    assert "hard to pee" in texts(say(servers, sender, "no"))
    assert "legs weak" in texts(say(servers, sender, "no"))
    closing = texts(say(servers, sender, "no"))
    assert "none of those" in closing and "Call 911 if your legs get weak" in closing  # the safety net
    second = pushed(servers, sender)  # the next morning's, 6 seconds later here
    assert "checking in as you asked" in texts(second) and "around your bottom or genitals?" in texts(second)
    assert "no more check-ins" in texts(say(servers, sender, "stop checking in please")).lower()
    assert pushed(servers, sender, wait=8) == []  # they stopped by themselves after the second anyway


def test_a_yes_at_the_check_in_is_an_emergency(servers):
    sender = f"checkin-{uuid.uuid4().hex[:8]}"
    screen_all_clear(lambda text: say(servers, sender, text))
    say(servers, sender, "yes")
    assert "around your bottom" in texts(pushed(servers, sender))
    assert "hard to pee" in texts(say(servers, sender, "no"))
    replies = say(servers, sender, "yes")
    assert triage_of(replies) == {"triage": "emergency", "reason": "bladder_bowel", "call": "911"}
    # after an emergency the second check-in is not sent: the conversation stays on the emergency
    assert pushed(servers, sender, wait=10) == []


def test_stop_checking_before_the_first_one_cancels_both(servers):
    sender = f"checkin-{uuid.uuid4().hex[:8]}"
    screen_all_clear(lambda text: say(servers, sender, text))
    say(servers, sender, "yes")
    assert "no more check-ins" in texts(say(servers, sender, "stop checking on me")).lower()
    assert pushed(servers, sender, wait=15) == []


def test_a_channel_that_cannot_reach_the_person_later_says_when_to_check_instead(servers):
    c = Chat(servers["served"], f"rest-{uuid.uuid4().hex[:8]}")  # REST answers only what was said
    said = texts(screen_all_clear(c.say))
    assert "Check for those signs again this evening and tomorrow morning." in said and "check in later" not in said
