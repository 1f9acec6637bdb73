"""The household alert (spasm_aid/alerts.py): what it says, where it goes, and that a target
that fails is retried and then recorded, never raised."""
import threading
from datetime import datetime, timezone

import pytest

from spasm_aid import alerts, once, settings

WHEN = datetime(2026, 11, 27, 14, 5, tzinfo=timezone.utc)


def test_the_alert_says_when_where_and_the_number_and_nothing_about_health(monkeypatch):
    monkeypatch.setenv("SPASM_AID_EMERGENCY_NUMBER", "999")
    alert = alerts.Alert("s1", "telegram", WHEN, "999")
    assert alert.text() == ("Spasm Aid: someone reported an emergency at 14:05 UTC (27 Nov) on telegram; "
                            "they were told to call 999.")
    assert alert.json() == {"event": "spasm_aid_emergency", "message": alert.text(), "time": WHEN.isoformat(),
                            "channel": "telegram", "call": "999"}


def test_no_target_no_alert():
    assert alerts.targets(settings.AlertSettings("", "", "")) == []


def test_every_configured_target_is_used(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    config = settings.AlertSettings("http://ha.local:8123/api/webhook/x", "-100200", "https://example.org/hook")
    assert [name for name, _ in alerts.targets(config)] == ["home_assistant", "telegram", "webhook"]


@pytest.mark.parametrize("name, value", [
    ("SPASM_AID_ALERT_HOME_ASSISTANT_WEBHOOK", "homeassistant.local/api"), ("SPASM_AID_ALERT_TELEGRAM_CHAT", "my mum"),
])
def test_a_malformed_target_is_a_clear_start_up_error(name, value):
    with pytest.raises(settings.SettingsError, match=name):
        settings.AlertSettings.from_env({name: value})


def test_a_failing_target_is_retried_then_recorded_and_the_others_still_go():
    calls, done = [], threading.Event()
    outcomes = {}

    def works(alert):
        calls.append(("works", alert.session_id))

    def broken(alert):
        calls.append(("broken", alert.session_id))
        raise OSError("connection refused")

    def record(session_id, outcome):
        outcomes[session_id] = outcome
        done.set()

    sender = alerts.HouseholdAlerts(record, send_to=[("home_assistant", works), ("webhook", broken)], backoff=0.01,
                                    claims=once.MemoryOnce())
    sender.send(alerts.Alert("s1", "rest", WHEN, "911"))  # returns at once: the reply never waits
    assert done.wait(5)
    assert outcomes == {"s1": "home_assistant:sent,webhook:failed"}
    assert calls.count(("broken", "s1")) == alerts.ATTEMPTS and calls.count(("works", "s1")) == 1


def test_without_targets_nothing_is_started():
    sender = alerts.HouseholdAlerts(lambda *a: None, send_to=[])
    assert not sender.enabled
    sender.send(alerts.Alert("s1", "rest", WHEN, "911"))  # no thread, no error


def test_a_generic_webhook_receives_the_json_and_a_target_that_is_down_is_recorded(monkeypatch):
    """Over real HTTP: a local stand-in for the generic webhook, and a Home Assistant URL where
    nothing listens."""
    import json
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        config = settings.AlertSettings("http://127.0.0.1:1/api/webhook/down", "", f"http://127.0.0.1:{server.server_port}/hook")
        outcomes, done = {}, threading.Event()
        sender = alerts.HouseholdAlerts(lambda sid, outcome: (outcomes.update({sid: outcome}), done.set()),
                                        send_to=alerts.targets(config), backoff=0.01, claims=once.MemoryOnce())
        sender.send(alerts.Alert("s9", "voice", WHEN, "112"))
        assert done.wait(10)
        assert outcomes == {"s9": "home_assistant:failed,webhook:sent"}
        assert received == [alerts.Alert("s9", "voice", WHEN, "112").json()]
        assert "112" in received[0]["message"] and received[0]["channel"] == "voice"
    finally:
        server.shutdown()


def test_two_servers_seeing_one_sessions_emergency_send_one_alert():
    """Both servers' session logs saw the session's first emergency (its turns landed on each):
    the shared claim lets one of them send."""
    sent, outcomes = [], {}
    shared = once.MemoryOnce()  # in production: Redis (tests/spasm_aid/test_once.py)
    servers = [alerts.HouseholdAlerts(outcomes.__setitem__, send_to=[("webhook", sent.append)], claims=shared)
               for _ in range(2)]
    for server in servers:  # what each server's alert thread runs
        server._send_now(alerts.Alert("s-two-servers", "slack", WHEN, "911"))
    assert [alert.session_id for alert in sent] == ["s-two-servers"]
    assert outcomes == {"s-two-servers": "webhook:sent"}
