"""What the production profile lets in from outside: the Rasa API only with the token, bodies of
at most the configured size (refused politely), foreign web pages not at all."""
from __future__ import annotations

import json

from tests.server.test_hostile_input import raw


def test_the_rasa_api_needs_the_token(profile):
    port = profile.config.public_port
    assert raw(port, "/status")[0] == 401
    assert raw(port, "/status?token=wrong")[0] == 401
    status, payload = raw(port, "/status?token=test-token")
    assert status == 200 and json.loads(payload)["model_file"]


def test_a_huge_body_is_refused_politely_with_the_emergency_number(profile):
    status, payload = raw(profile.config.public_port, "/webhooks/rest/webhook", b"x" * (3 * 1024 * 1024),
                          {"Content-Type": "application/json"})
    assert status == 413
    error = json.loads(payload)["error"]
    assert "too large" in error and "911" in error


def test_an_over_long_message_with_a_red_flag_gets_the_emergency_message_through_nginx(profile):
    # nginx passes it on (it cannot read it); the REST channel refuses it and reads it first
    body = json.dumps({"sender": "long-flag", "message": "la " * 30000 + "I can't feel my legs"}).encode()
    status, payload = raw(profile.config.public_port, "/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
    assert status == 413
    [reply] = json.loads(payload)["messages"]
    assert reply["custom"]["triage"] == "emergency" and "911" in reply["text"]


def test_a_recording_of_several_seconds_reaches_the_voice_connector_through_nginx(profile):
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\x00\x00" * 16000 * 5)  # 5 s of silence: 160 KB, over the old 64 KiB limit
    status, payload = raw(profile.config.public_port, "/webhooks/voice/webhook?sender=five-seconds&audio=0",
                          buffer.getvalue(), {"Content-Type": "audio/wav"})
    assert status == 200, payload[:200]
    assert json.loads(payload)["messages"]


def test_a_body_in_an_unsupported_transfer_encoding_gets_400_with_the_number(profile):
    from tests.server.test_edge import send_raw

    head = (b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nTransfer-Encoding: gzip\r\n"
            b"Connection: close\r\n\r\nxx")
    answer = send_raw(profile.config.public_port, head)
    assert answer.startswith(b"HTTP/1.1 400") and b"call 911" in answer, answer[:300]


def test_a_foreign_web_page_is_refused_through_the_load_balancer(profile):
    body = json.dumps({"sender": "x", "message": "hello"}).encode()
    status, _ = raw(profile.config.public_port, "/webhooks/rest/webhook", body,
                    {"Content-Type": "application/json", "Origin": "https://evil.example"})
    assert status == 403


def test_sql_injection_in_sender_and_message_leaves_the_stores_intact(profile):
    from spasm_aid.client import Chat

    chat = Chat(profile.config.public_port, "x'); DROP TABLE events; --")
    assert chat.say("'; DELETE FROM sessions; --")
    assert chat.say("my back just spasmed")  # the tables are still there


def test_every_server_of_the_profile_listens_on_loopback_only(profile):
    # Every server of the profile, nginx included, listens on 127.0.0.1 only.
    import shutil
    import subprocess

    import pytest

    if shutil.which("ss") is None:
        pytest.skip("ss (iproute2) is not installed")

    ports = [profile.config.public_port, profile.config.action_port]
    ports += [profile.config.rasa_base_port + i for i in range(profile.config.rasa_servers)]
    ports += [profile.config.action_base_port + i for i in range(profile.config.action_servers)]
    listening = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout.split("\n")
    for port in ports:
        local = [line.split()[3] for line in listening if line.split() and line.split()[3].endswith(f":{port}")]
        assert local and all(address.startswith("127.0.0.1:") for address in local), (port, local)
