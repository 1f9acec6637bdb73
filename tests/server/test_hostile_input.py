"""Hostile and malformed input against every endpoint of the served assistant: a clear error or
a polite reply, never a crash, never a reply to a web page from a foreign origin."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

import pytest

from spasm_aid.client import Chat, request_json

pytestmark = pytest.mark.server

INJECTIONS = [
    "'; DROP TABLE sessions; --",
    "<script>alert(1)</script>",
    "{{7*7}} ${jndi:ldap://x/a}",
    "../../etc/passwd",
    "/restart",
    '/red_flag{"red_flag": "x"}',
    "\u202eevil\u0000",
    "😀" * 500,
]


def raw(port, path, body=None, headers=None, method=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_as_messages_get_an_ordinary_reply(servers, text):
    status, replies = Chat(servers["served"], f"hostile-{uuid.uuid4().hex[:6]}").send(text)
    assert status == 200 and replies and all(isinstance(r.get("text", ""), str) for r in replies)


def test_intent_injection_does_not_fake_an_all_clear(servers):
    # Rasa reads "/intent" messages as intents; a user typing one must not skip screening.
    chat = Chat(servers["served"], f"slash-{uuid.uuid4().hex[:6]}")
    chat.say("my back just spasmed")
    replies = chat.say('/deny{"screen_bladder_bowel": false}')
    assert "self_care" not in json.dumps(replies)


@pytest.mark.parametrize("sender", ["'; DROP TABLE sessions; --", "<b>x</b>", "a" * 128])
def test_odd_but_valid_sender_ids_work(servers, sender):
    status, replies = Chat(servers["served"], sender).send("hello")
    assert status == 200 and replies


@pytest.mark.parametrize("path", ["/webhooks/rest/webhook", "/webhooks/voice/webhook"])
@pytest.mark.parametrize(
    "body,content_type,expected",
    [
        (b"", "application/json", 400),
        (b"\x00\x01\x02\xff" * 100, "application/octet-stream", 400),
        (b'{"sender": "x", "message": "hi"', "application/json", 400),
        (b'{"sender": ["x"], "message": {"a": 1}}', "application/json", 400),
        (b"x" * (70 * 1024), "application/json", 413),
        (b"not a wav at all", "audio/wav", 400),
    ],
    ids=["empty", "binary", "truncated", "wrong-types", "70-KiB", "not-a-wav"],
)
def test_every_message_endpoint_answers_bad_bodies_with_a_clear_4xx_and_the_number(servers, path, body, content_type, expected):
    status, payload = raw(servers["served"], path + ("?sender=x" if content_type == "audio/wav" else ""), body,
                          {"Content-Type": content_type})
    assert status == expected, payload[:200]
    assert "call 911" in json.loads(payload)["error"]


@pytest.mark.parametrize("path", ["/webhooks/rest/webhook", "/webhooks/voice/webhook"])
def test_a_web_page_from_a_foreign_origin_is_refused(servers, path):
    body = json.dumps({"sender": "x", "message": "hello"}).encode()
    status, payload = raw(servers["served"], path, body, {"Content-Type": "application/json", "Origin": "https://evil.example"})
    assert status == 403 and "SPASM_AID_ALLOWED_ORIGINS" in json.loads(payload)["error"]
    status, _ = raw(servers["served"], path + "?audio=0", body, {"Content-Type": "application/json", "Origin": "http://localhost:5005"})
    assert status == 200


def test_socketio_refuses_a_foreign_origin_and_accepts_an_allowed_one(servers):
    handshake = "/socket.io/?EIO=4&transport=polling"
    status, _ = raw(servers["served"], handshake, headers={"Origin": "https://evil.example"})
    assert status == 400
    status, payload = raw(servers["served"], handshake, headers={"Origin": "http://127.0.0.1:5005"})
    assert status == 200 and b"sid" in payload


def test_the_http_api_is_closed_by_default(servers):
    for path in ("/status", "/conversations/x/tracker", "/model/parse"):
        status, _ = raw(servers["served"], path, json.dumps({"text": "hi"}).encode() if path.endswith("parse") else None)
        assert status in (403, 404, 405), path


def test_unknown_sender_polling_gets_nothing_not_an_error(servers):
    status, payload = request_json(f"http://127.0.0.1:{servers['served']}/webhooks/voice/pending?sender=nobody&audio=0")
    assert status == 200 and payload["messages"] == [] and payload["speech"] == ""


class SocketUser:
    """A socket.io client as the web page is one (polling transport, allowed origin)."""

    def __init__(self, port):
        import queue

        import socketio

        self.replies = queue.Queue()
        self.client = socketio.Client()
        self.client.on("bot_uttered", self.replies.put)
        self.client.on("session_confirm", lambda data: self.replies.put({"session": data}))
        self.client.connect(f"http://127.0.0.1:{port}", transports=["polling"], headers={"Origin": "http://localhost:5005"})

    def next(self, timeout=30):
        return self.replies.get(timeout=timeout)

    def close(self):
        self.client.eio.disconnect(abort=True)  # no wait for the long-poll to end


@pytest.mark.parametrize(
    "data,expected",
    [
        ("just a string", "could not read that"),
        ({"message": 42, "session_id": "s"}, "could not read that"),
        ({"message": "hello", "session_id": None}, "lost track"),
        ({"message": "x" * 20000, "session_id": "s"}, "too long"),
    ],
)
def test_socketio_answers_malformed_messages_politely(servers, data, expected):
    user = SocketUser(servers["served"])
    try:
        user.client.emit("user_uttered", data)
        assert expected in user.next()["text"]
    finally:
        user.close()


def test_socketio_carries_the_triage_signal(servers):
    user = SocketUser(servers["served"])
    try:
        user.client.emit("session_request", {"session_id": f"sock-{uuid.uuid4().hex[:8]}"})
        session = user.next()["session"]
        user.client.emit("user_uttered", {"message": "I can't feel my legs", "session_id": session})
        replies = [user.next() for _ in range(2)]
        custom = next(r["custom"] for r in replies if "custom" in r)
        assert (custom["triage"], custom["call"]) == ("emergency", "911")
    finally:
        user.close()


def test_socketio_as_the_rasa_webchat_widget_talks_init_payload_and_a_call_button(servers):
    """The widely used rasa-webchat widget: session_request with no stored id, its default
    initPayload "/get_started" with customData, then a message; it drops custom payloads, so the
    emergency reply must also carry a standard URL button that calls the number (issue 16)."""
    user = SocketUser(servers["served"])
    try:
        user.client.emit("session_request", {"session_id": None})
        session = user.next()["session"]
        assert isinstance(session, str) and session
        user.client.emit("user_uttered", {"message": "/get_started", "customData": {"language": "en"}, "session_id": session})
        greeting = user.next()
        assert "Spasm Aid" in greeting.get("text", "")  # the greeting, not "didn't understand"
        while True:  # the rest of the greeting
            try:
                user.next(timeout=3)
            except Exception:
                break
        user.client.emit("user_uttered", {"message": "I can't feel my legs", "customData": {"language": "en"},
                                          "session_id": session})
        replies = []
        while not any(r.get("quick_replies") for r in replies):
            replies.append(user.next())
        button = next(r["quick_replies"][0] for r in replies if r.get("quick_replies"))
        assert button == {"title": "Call 911 now", "type": "web_url", "url": "tel:911"}
        assert any("Call 911 now" in r.get("text", "") for r in replies)
    finally:
        user.close()
