"""Once across the profile's servers (spasm_aid/once.py, SPASM_AID_SHARED_STATE=redis): a Slack
event delivered again to the other Rasa server is not answered twice, and a session whose
emergency turns land on both servers alerts the household once. Each server is addressed
directly (not through nginx) so that the two deliveries surely reach two servers."""
from __future__ import annotations

import json
import time
import uuid

from spasm_aid.client import Chat, texts, triage_of
from tests.server.test_messaging import dm, slack_texts

from .conftest import MESSAGING


def rasa_ports(profile):
    return [profile.config.rasa_base_port + i for i in range(profile.config.rasa_servers)]


def on_server(port):
    """What tests/server/test_messaging.py's Slack helpers need to sign and send to one server."""
    return {"served": port, "messaging": MESSAGING}


def test_a_slack_event_retried_to_the_other_server_is_answered_once(profile, platforms):
    first, second = rasa_ports(profile)[:2]
    channel, event_id = f"D{uuid.uuid4().hex[:8].upper()}", f"Ev{uuid.uuid4().hex[:10].upper()}"
    assert dm(on_server(first), channel, "hello", event_id=event_id)[0] == 200
    platforms.wait_for("slack", channel, lambda calls: len(calls) >= 1)
    time.sleep(2)  # every reply to the first delivery has been posted
    answered = platforms.sent("slack", channel)
    # Slack did not get the acknowledgement in time and delivers the event again, to the other server
    assert dm(on_server(second), channel, "hello", event_id=event_id, retry="1")[0] == 200
    time.sleep(3)
    assert platforms.sent("slack", channel) == answered


def test_both_servers_answer_slack_events_of_their_own(profile, platforms):
    """The control for the test above: each server is configured for Slack and answers a new event."""
    for port in rasa_ports(profile):
        channel = f"D{uuid.uuid4().hex[:8].upper()}"
        assert dm(on_server(port), channel, "I can't feel my legs")[0] == 200
        calls = platforms.wait_for("slack", channel, lambda calls: "Call 911 now" in slack_texts(calls))
        assert any("Weak or numb legs" in text for text in slack_texts(calls))


def household_alerts(platforms, since):
    return [c for c in platforms.calls[since:] if c["platform"] == "home_assistant"]


def test_an_emergency_session_on_both_servers_alerts_the_household_once(profile, platforms):
    sender = f"two-servers-{uuid.uuid4().hex[:8]}"
    since = len(platforms.calls)
    first, second = rasa_ports(profile)[:2]
    replies = Chat(first, sender).say("I can't feel my legs")
    assert triage_of(replies)["triage"] == "emergency"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not household_alerts(platforms, since):
        time.sleep(0.1)
    assert len(household_alerts(platforms, since)) == 1, "the first emergency sent no alert"
    # the same conversation goes on on the other server, whose session log has not seen it yet
    replies = Chat(second, sender).say("and I can't pee either")
    assert triage_of(replies)["triage"] == "emergency" and "Call 911" in texts(replies)
    time.sleep(5)  # the other server's log has handled the turn and would have alerted by now
    alerts = household_alerts(platforms, since)
    assert len(alerts) == 1, json.dumps([c["body"] for c in alerts])
    assert alerts[0]["body"]["call"] == "911"
