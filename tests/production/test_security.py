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
    status, payload = raw(profile.config.public_port, "/webhooks/rest/webhook", b"x" * (1024 * 1024),
                          {"Content-Type": "application/json"})
    assert status == 413
    error = json.loads(payload)["error"]
    assert "too large" in error and "911" in error


def test_a_foreign_web_page_is_refused_through_the_load_balancer(profile):
    body = json.dumps({"sender": "x", "message": "hello"}).encode()
    status, _ = raw(profile.config.public_port, "/webhooks/rest/webhook", body,
                    {"Content-Type": "application/json", "Origin": "https://evil.example"})
    assert status == 403


def test_sql_injection_in_sender_and_message_leaves_the_stores_intact(profile):
    from spasm_aid.servers import Chat

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
