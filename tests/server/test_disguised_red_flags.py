"""A red flag typed with accents, invisible characters, fancy or look-alike letters, or behind a
slash command, gets the emergency message on every channel (issue 31: 24 of 38 such variants got
"didn't catch that" instead, and "/restart I can't feel my legs" got only "let's start again")."""
from __future__ import annotations

import json
import uuid

import pytest

from spasm_aid.contract import routes_to_emergency
from tests.server.test_hostile_input import SocketUser, raw
from tests.server.test_messaging import dm, new_chat, slack_texts, telegram, telegram_texts, text_update
from tools.fuzz.disguise import COMMANDS, DISGUISES

pytestmark = pytest.mark.server

FLAG = "I can't feel my legs"


def rest(servers, text, path="/webhooks/rest/webhook"):
    body = json.dumps({"sender": f"disguise-{uuid.uuid4().hex[:8]}", "message": text}, ensure_ascii=False).encode()
    status, payload = raw(servers["served"], path, body, {"Content-Type": "application/json; charset=utf-8"})
    assert status == 200, payload
    replies = json.loads(payload)
    return replies if isinstance(replies, list) else replies.get("messages", [])


@pytest.mark.parametrize("name", sorted(DISGUISES))
def test_rest_reads_a_disguised_red_flag(servers, name):
    assert routes_to_emergency(rest(servers, DISGUISES[name](FLAG)))


@pytest.mark.parametrize("command", ["/restart ", "/start "])
def test_rest_reads_a_red_flag_behind_a_command(servers, command):
    assert routes_to_emergency(rest(servers, command + "my bum is numb"))


@pytest.mark.parametrize("name", ["accents", "lookalikes", "soft_hyphen"])
def test_the_voice_connector_reads_a_disguised_typed_red_flag(servers, name):
    assert routes_to_emergency(rest(servers, DISGUISES[name](FLAG), "/webhooks/voice/webhook?audio=0"))


@pytest.mark.parametrize("command, name", [("/restart ", "bold"), ("/start ", "zero_width_space"), ("/stop ", "accents"),
                                           ("/repeat ", "fullwidth"), ("/start@SpasmAidBot ", "lookalikes")])
def test_telegram_reads_a_red_flag_behind_a_command_in_any_letters(servers, command, name):
    chat = new_chat()
    assert telegram(servers, text_update(chat, command + DISGUISES[name](FLAG)))[0] == 200
    assert any("Weak or numb legs" in t for t in telegram_texts(servers, chat)), telegram_texts(servers, chat)
    assert any(c["method"] == "sendContact" for c in servers["platforms"].sent("telegram", chat))


@pytest.mark.parametrize("name", ["script", "word_joiner", "combining_accents"])
def test_slack_reads_a_disguised_red_flag(servers, name):
    channel = f"D{uuid.uuid4().hex[:8].upper()}"
    assert dm(servers, channel, DISGUISES[name](FLAG))[0] == 200
    calls = servers["platforms"].wait_for("slack", channel, lambda calls: "Call 911 now" in slack_texts(calls))
    assert any("Weak or numb legs" in t for t in slack_texts(calls))


@pytest.mark.parametrize("command", COMMANDS)
def test_socketio_reads_a_red_flag_behind_a_command(servers, command):
    user = SocketUser(servers["served"])
    try:
        user.client.emit("session_request", {"session_id": f"sock-{uuid.uuid4().hex[:8]}"})
        session = user.next()["session"]
        user.client.emit("user_uttered", {"message": command + DISGUISES["accents"](FLAG), "session_id": session})
        replies = [user.next() for _ in range(2)]
        assert routes_to_emergency(replies), replies
    finally:
        user.close()
