"""Faults in the production profile: whatever breaks, a red flag still gets the emergency reply,
conversations keep their state, and no session record is lost.

Run alone:  .venv/bin/python -m pytest tests/production  (make fault-test)"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from spasm_aid.client import Chat, texts, triage_of
from spasm_aid.session_log.models import SessionRecord
from spasm_aid.session_log.privacy import hash_sender
from spasm_aid.triage import load_table

from .conftest import SALT

SCREENING_QUESTIONS = len(load_table().slots_asked_when_all_no)  # all answered no: self-care

FIRST_QUESTION = "hard to pee"
SECOND_QUESTION = "numbness or tingling around your bottom"


def chat(profile, name):
    return Chat(profile.config.public_port, f"{name}-{uuid.uuid4().hex[:8]}")


def session_rows(profile, sender):
    engine = create_engine(profile.config.database_url, future=True)
    try:
        with Session(engine) as session:
            return list(
                session.execute(select(SessionRecord).where(SessionRecord.sender_hash == hash_sender(sender, SALT.encode()))).scalars()
            )
    finally:
        engine.dispose()


def wait_for_row(profile, sender, condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    rows = []
    while time.monotonic() < deadline:
        rows = session_rows(profile, sender)
        if rows and condition(rows):
            return rows
        time.sleep(0.5)
    raise AssertionError(f"session rows of {sender} never satisfied the check: {[(r.turns, r.final_triage) for r in rows]}")


def test_a_full_conversation_through_the_load_balancer_is_recorded_once(profile):
    user = chat(profile, "through")
    assert FIRST_QUESTION in texts(user.say("my back just spasmed"))
    replies = [user.say("no") for _ in range(SCREENING_QUESTIONS)]
    assert triage_of(replies[-1])["triage"] == "self_care"
    rows = wait_for_row(profile, user.sender, lambda rows: rows[0].turns == SCREENING_QUESTIONS + 1)
    assert len(rows) == 1 and rows[0].final_triage == "self_care"


def test_the_conversation_goes_on_when_its_rasa_server_is_killed(profile):
    user = chat(profile, "kill-rasa")
    user.say("my back just spasmed")
    assert SECOND_QUESTION in texts(user.say("no"))
    # the session log is written just after each reply; a server killed within that moment loses
    # its last turn from the log (the conversation itself is in PostgreSQL): wait for it first
    wait_for_row(profile, user.sender, lambda rows: rows[0].turns == 2)
    victim = profile.rasa[0]
    victim.process.kill()
    victim.process.wait()
    try:
        replies = [user.say("no") for _ in range(SCREENING_QUESTIONS - 1)]  # question 3 on, then the all-clear
        assert triage_of(replies[-1])["triage"] == "self_care"  # the form went on where it was
        assert not any("a few quick safety questions" in texts(r) for r in replies)  # nothing started over
        assert triage_of(user.say("I can't feel my legs"))["triage"] == "emergency"
    finally:
        victim.stop()
        profile.start_rasa_server(0).wait_ready()
    # the opening, every answer, the red flag: the turn logged by the killed server is not lost
    turns = SCREENING_QUESTIONS + 2
    rows = wait_for_row(profile, user.sender, lambda rows: rows[0].final_triage == "emergency" and rows[0].turns == turns)
    assert len(rows) == 1


def test_a_red_flag_gets_the_emergency_reply_with_every_action_server_dead(profile):
    user = chat(profile, "kill-actions")
    user.say("my back just spasmed")
    user.say("no")
    for server in profile.actions:
        server.process.kill()
        server.process.wait()
    try:
        replies = user.say("wait, my legs have gone numb")
        assert triage_of(replies)["triage"] == "emergency"
        assert "Call 911" in texts(replies)
    finally:
        for index, server in enumerate(profile.actions):
            server.stop()
            profile.start_action_server(index).wait_ready()


def test_redis_down_gives_a_clear_answer_and_no_half_handled_message(profile, private_redis):
    user = chat(profile, "redis")
    assert FIRST_QUESTION in texts(user.say("my back just spasmed"))
    private_redis.stop()
    try:
        status, replies = user.send("no")
        assert status >= 500 and "call 911" in texts(replies or []).lower()  # an answer, with the number
    finally:
        private_redis.start()
    # The refused message changed nothing: the same question is answered now.
    assert SECOND_QUESTION in texts(user.say("no"))


def _postgres_cluster():
    if os.geteuid() != 0 or shutil.which("pg_ctlcluster") is None:
        return None
    versions = sorted(p.name for p in Path("/etc/postgresql").glob("*") if (p / "main").exists())
    return versions[-1] if versions else None


def test_records_written_while_postgresql_restarts_are_not_lost(profile):
    version = _postgres_cluster()
    if version is None:
        pytest.skip("needs root and pg_ctlcluster to restart the local PostgreSQL")
    user = chat(profile, "pg-restart")
    user.say("my back just spasmed")
    wait_for_row(profile, user.sender, lambda rows: rows[0].turns == 1)
    cluster = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]
    subprocess.run(cluster + ["stop", "-m", "fast"], check=True, capture_output=True)
    try:
        replies = user.say("I can't feel my legs")  # the database is down
        assert triage_of(replies)["triage"] == "emergency"
    finally:
        subprocess.run(cluster + ["start"], check=True, capture_output=True)
    rows = wait_for_row(profile, user.sender, lambda rows: any(r.final_triage == "emergency" for r in rows))
    assert sum(r.turns for r in rows) == 2  # both messages, the one during the outage included
